/** Verification: what of a fan is checked, and what the checks make of its results. Pure. */
import type { FanResults, PlannedAction } from './plan';

/** One item's check: `following` as the provider's contains call said, or null where the check failed. */
export interface Check {
  action: number;
  id: string;
  following: boolean | null;
}

/** What happened is checked, not what failed (nor X follow requests awaiting approval, nor skips). */
export function toVerify(plan: PlannedAction[], results: FanResults[]): PlannedAction[] {
  return plan.flatMap((p) => {
    const done = new Set((results.find((r) => r.action === p.action)?.results ?? []).filter((r) => r.status === 'done').map((r) => r.id));
    const ids = p.ids.filter((id) => done.has(id));
    return ids.length ? [{ ...p, ids }] : [];
  });
}

/**
 * The fan's results with each checked item marked, and the fan's verdict: true when every check
 * found its item, false when one did not, null when a check failed (`retry`: check again) or
 * there was nothing to check.
 */
export function applyChecks(results: FanResults[], checks: Check[]): { results: FanResults[]; verified: boolean | null; retry: boolean } {
  const marked = results.map((r) => ({
    ...r,
    results: r.results.map((item) => {
      const c = checks.find((x) => x.action === r.action && x.id === item.id);
      return c && c.following !== null ? { ...item, verified: c.following } : item;
    }),
  }));
  const unknown = checks.some((c) => c.following === null);
  if (!checks.length) return { results, verified: null, retry: false };
  return { results: marked, verified: unknown ? null : checks.every((c) => c.following === true), retry: unknown };
}
