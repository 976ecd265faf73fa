/**
 * What a campaign does for each fan (its plan, once its releases are resolved) and what a fan's
 * results add up to. Pure: the Campaign object and its tests share it.
 */
import { PROBLEM_TYPE_PREFIX, problemBody } from '../http/problem';
import type { ProviderName } from '../providers/names';
import type { CampaignAction, FanStatus, ReleaseState } from '../schemas/campaigns';
import type { ItemResult } from '../schemas/follows';

/** One action as a consumer runs it: a UPC or ISRC became the id it resolved to. */
export interface PlannedAction {
  action: number;
  provider: ProviderName;
  op: 'follow' | 'save';
  type: string | null;
  /** Ids, or the URIs of a `uris` action. */
  ids: string[];
  byUri: boolean;
  public?: boolean;
}

/** A stored item result, with what verification found. */
export type FanItem = ItemResult & { verified?: boolean };

/** A fan's results so far, one entry per action that ran. */
export interface FanResults {
  action: number;
  results: FanItem[];
}

/** A release as the Campaign keeps it (docs/storage.md); ReleaseState is its public view. */
export interface Release {
  action: number;
  code: { upc?: string; isrc?: string };
  state: ReleaseState['state'];
  item: ReleaseState['item'];
  searches: number;
  firstSearchAt: number | null;
  searchedAt: number | null;
  nextSearchAt: number | null;
  leaseUntil: number | null;
  /** The search out now is this ticket's; another's answer is ignored. */
  ticket?: string;
  /** Searches in a row that could not run for a fan's connection (or were refused). */
  misses?: number;
  reason: string | null;
}

/** The releases a campaign's actions need found: one per UPC or ISRC action. */
export function releasesOf(actions: CampaignAction[]): Release[] {
  return actions.flatMap((a, action) =>
    a.upc || a.isrc
      ? [
          {
            action,
            code: a.upc ? { upc: a.upc } : { isrc: a.isrc },
            state: 'pending' as const,
            item: null,
            searches: 0,
            firstSearchAt: null,
            searchedAt: null,
            nextSearchAt: null,
            leaseUntil: null,
            reason: null,
          },
        ]
      : [],
  );
}

/** The plan, with each action that needs a release found given its id; null while one is unresolved. */
export function planOf(actions: CampaignAction[], releases: Release[]): PlannedAction[] | null {
  const plan: PlannedAction[] = [];
  for (const [action, a] of actions.entries()) {
    const release = releases.find((r) => r.action === action);
    if (release && release.state === 'not-found') continue;
    if (release && release.state !== 'resolved') return null;
    const type = release ? (release.item?.type ?? null) : (a.type ?? null);
    const ids = release?.item ? [release.item.id] : (a.ids ?? a.uris ?? []);
    plan.push({ action, provider: a.provider, op: a.op, type, ids, byUri: a.uris !== undefined, ...(a.public !== undefined ? { public: a.public } : {}) });
  }
  return plan;
}

/** Calls one fan costs at least (for the dispatch window): Spotify batches 50 ids a call, X and Audius one each. */
export function callsPerFan(actions: CampaignAction[]): number {
  return actions.reduce((n, a) => n + (a.provider === 'spotify' ? Math.ceil((a.ids ?? a.uris ?? [1]).length / 50) : (a.ids ?? [1]).length), 0);
}

/** The item a release that was given up on leaves in each fan's results. */
export function notFoundResult(release: Release): FanResults {
  const code = release.code.upc ?? release.code.isrc ?? '';
  const detail = release.reason ?? `Spotify search found nothing for ${release.code.upc ? 'UPC' : 'ISRC'} ${code}.`;
  return { action: release.action, results: [{ id: code, status: 'failed', problem: problemBody(404, 'release-not-found', detail) }] };
}

/** A fan's results without the `release-not-found` items of releases that have been found since (a retry). */
export function current(results: FanResults[], releases: Release[]): FanResults[] {
  const found = new Set(releases.filter((r) => r.state !== 'not-found').map((r) => r.action));
  return results.map((r) => (found.has(r.action) ? { ...r, results: r.results.filter((i) => !i.problem?.type.endsWith(':release-not-found')) } : r));
}

/**
 * A fan's stored results as they now stand: without the `release-not-found` items of releases
 * found since, with one for each release given up on.
 */
export function resultsSoFar(stored: string, releases: Release[]): FanResults[] {
  return merge(current(JSON.parse(stored) as FanResults[], releases), releases.filter((r) => r.state === 'not-found').map(notFoundResult));
}

/** Statuses that count as the action having happened (`pending`: an X follow request awaiting approval). */
const HAPPENED = new Set<ItemResult['status']>(['done', 'skipped', 'pending']);
export const happened = (r: ItemResult) => HAPPENED.has(r.status);

/** The results `later` brings replace `earlier`'s for the same ids. */
export function merge(earlier: FanResults[], later: FanResults[]): FanResults[] {
  const out = new Map(earlier.map((e) => [e.action, new Map(e.results.map((r) => [r.id, r]))]));
  for (const l of later) {
    const m = out.get(l.action) ?? new Map<string, FanItem>();
    for (const r of l.results) m.set(r.id, r);
    out.set(l.action, m);
  }
  return [...out.entries()].sort(([a], [b]) => a - b).map(([action, m]) => ({ action, results: [...m.values()] }));
}

/** What is left of the plan for a fan with these results: each action's ids that have not happened. */
export function remaining(plan: PlannedAction[], results: FanResults[]): PlannedAction[] {
  return plan.flatMap((p) => {
    const done = new Set((results.find((r) => r.action === p.action)?.results ?? []).filter(happened).map((r) => r.id));
    const ids = p.ids.filter((id) => !done.has(id));
    return ids.length ? [{ ...p, ids }] : [];
  });
}

const SEVERITY = ['reauth-required', 'not-connected', 'release-not-found', 'target-not-found'];
const slugOf = (r: ItemResult) => (r.problem?.type ?? '').slice(PROBLEM_TYPE_PREFIX.length) || 'failed';

export interface FanOutcome {
  status: Extract<FanStatus, 'done' | 'partly_done' | 'failed' | 'deferred'>;
  reason: string | null;
  /** Deferred: when the fan can run again. */
  retryAt: number | null;
}

/**
 * A fan's status from its results: deferred while any item waits (it runs again by itself at
 * retry_at, without spending a retry), else done, partly done or failed, with the most telling
 * reason (a reconnect first).
 */
export function outcomeOf(plan: PlannedAction[], results: FanResults[], now: number): FanOutcome {
  const items = plan.flatMap((p) => {
    const got = new Map((results.find((r) => r.action === p.action)?.results ?? []).map((r) => [r.id, r]));
    return p.ids.map((id): ItemResult => got.get(id) ?? { id, status: 'skipped', reason: 'not-processed' });
  });
  // Releases given up on are failures the plan no longer lists.
  const all = [...items, ...results.filter((r) => !plan.some((p) => p.action === r.action)).flatMap((r) => r.results)];
  const deferred = all.filter((r) => r.status === 'deferred');
  if (deferred.length) {
    const times = deferred.map((r) => (r.retry_at ? Date.parse(r.retry_at) : now + 30_000));
    return { status: 'deferred', reason: deferred[0]?.reason ?? 'deferred', retryAt: Math.max(now + 1000, ...times) };
  }
  const ok = all.filter((r) => happened(r) && r.reason !== 'not-processed').length;
  const failed = all.filter((r) => !happened(r) || r.reason === 'not-processed');
  if (!failed.length) return { status: 'done', reason: null, retryAt: null };
  const rank = (r: ItemResult) => {
    const i = SEVERITY.indexOf(slugOf(r));
    return i === -1 ? SEVERITY.length : i;
  };
  const worst = failed.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  return { status: ok ? 'partly_done' : 'failed', reason: worst.reason === 'not-processed' ? 'not-processed' : slugOf(worst), retryAt: null };
}

/** Each action's own status for one fan, for the fans listing and the per-action counts. */
export function actionStatus(plan: PlannedAction | undefined, results: FanItem[]): 'pending' | 'done' | 'partly_done' | 'failed' | 'deferred' {
  const ids = plan?.ids ?? results.map((r) => r.id);
  const got = new Map(results.map((r) => [r.id, r]));
  const items = ids.map((id) => got.get(id));
  if (items.some((r) => r?.status === 'deferred')) return 'deferred';
  if (items.every((r) => r === undefined)) return 'pending';
  const ok = items.filter((r) => r && happened(r)).length;
  return ok === items.length ? 'done' : ok ? 'partly_done' : 'failed';
}

/** How a reported fan is stored and announced, given the campaign's state. */
export function settlement(plan: PlannedAction[], results: FanResults[], c: { now: number; cancelled: boolean; verifyAfterMs: number | null }) {
  const ran = outcomeOf(plan, results, c.now);
  // After a cancel, what would have run again never does, and nothing is verified.
  const outcome = c.cancelled && ran.status === 'deferred' ? { status: 'cancelled' as const, reason: ran.reason, retryAt: null } : ran;
  const finished = outcome.status !== 'deferred';
  // Follows show up late at the providers (about 30 s has been seen): checked after a delay.
  const verify = c.verifyAfterMs !== null && !c.cancelled && (outcome.status === 'done' || outcome.status === 'partly_done');
  return {
    row: {
      state: outcome.status,
      reason: outcome.reason,
      runAt: outcome.retryAt ?? undefined,
      finishedAt: finished ? c.now : null,
      verifyAt: verify ? c.now + (c.verifyAfterMs ?? 0) : null,
      attempt: finished,
    },
    event: { status: outcome.status, reason: outcome.reason, ...(outcome.retryAt ? { retry_at: new Date(outcome.retryAt).toISOString() } : {}) },
  };
}
