import { problemBody } from '../http/problem';
import { mapConcurrent } from '../net/batch';
import type { CallOutcome, UpstreamSession } from '../upstream/session';
import { concurrencyOf, itemFailure } from './batches';
import type { ItemResult } from './types';

/**
 * Runs `run` over provider ids when some were given as handles (`@name`): each handle is looked
 * up first (one call each), a handle that does not resolve fails alone, and every result is
 * reported under the id the caller gave, with `resolved_id` where a handle was resolved.
 */
export async function withHandles(
  session: UpstreamSession,
  given: string[],
  lookup: (handle: string) => Promise<CallOutcome>,
  idOf: (json: unknown) => string | undefined,
  validId: (id: string) => boolean,
  run: (ids: string[]) => Promise<ItemResult[]>,
): Promise<ItemResult[]> {
  const handles = given.filter((g) => g.startsWith('@'));
  const resolved = new Map<string, string>();
  const failures = new Map<string, ItemResult>();
  await mapConcurrent(handles, concurrencyOf(session), async (handle) => {
    const outcome = await lookup(handle.slice(1));
    const id = outcome.ok ? idOf(outcome.json) : undefined;
    if (id && validId(id)) resolved.set(handle, id);
    else if (!outcome.ok && (outcome.notSent === 'time-budget' || outcome.heldBack)) failures.set(handle, itemFailure(handle, outcome));
    else {
      // X answers an unknown username with 200 and `errors`: that is a 404 for this item.
      const unknown = (outcome.ok && !id) || (!outcome.ok && outcome.problem.upstream_status === 404);
      const problem = unknown
        ? problemBody(404, 'target-not-found', `${session.label} has no user ${handle}.`)
        : outcome.ok
          ? problemBody(502, 'upstream-error', `${session.label} answered the lookup of ${handle} with an id that is not one.`)
          : outcome.problem;
      failures.set(handle, { id: handle, status: 'failed', problem });
    }
  });
  const runnable = given.filter((g) => !failures.has(g));
  const ids = [...new Set(runnable.map((g) => resolved.get(g) ?? g))];
  const byId = new Map((await run(ids)).map((r) => [r.id, r]));
  const answered = new Set<string>();
  return given.map((g): ItemResult => {
    const failure = failures.get(g);
    if (failure) return failure;
    const id = resolved.get(g) ?? g;
    const extra = resolved.has(g) ? { resolved_id: id } : {};
    // A handle and its id (or two spellings of one handle) name one user: it acts once.
    if (answered.has(id)) return { id: g, status: 'skipped', reason: 'duplicate', ...extra };
    answered.add(id);
    const result = byId.get(id) ?? { id, status: 'skipped' as const, reason: 'not-processed' };
    return { ...result, id: g, ...extra };
  });
}
