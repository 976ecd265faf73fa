/**
 * A Governor's last hour by minute: calls admitted and 429s met in each, for the operator's chart
 * (GET /admin/governors, the dashboard). Plain data, so the Governor stores it as it is.
 */
import type { GovernorState } from '../schemas/admin';

/** Counts by minute (its number since the epoch). */
export type MinuteCounts = Record<number, { calls: number; limited: number }>;

/** Minutes kept. */
const KEPT = 60;

/** Counts one call (or one 429) in the current minute, dropping minutes older than the hour kept. */
export function countMinute(minutes: MinuteCounts, now: number, what: 'calls' | 'limited'): void {
  const minute = Math.floor(now / 60_000);
  let counts = minutes[minute];
  if (!counts) {
    for (const key of Object.keys(minutes)) if (Number(key) <= minute - KEPT) delete minutes[Number(key)];
    counts = minutes[minute] = { calls: 0, limited: 0 };
  }
  counts[what] += 1;
}

/** The hour up to `now`, oldest first; a minute with neither calls nor 429s is absent. */
export function lastHour(minutes: MinuteCounts, now: number): GovernorState['minutes'] {
  const first = Math.floor(now / 60_000) - KEPT + 1;
  return Object.entries(minutes)
    .map(([m, c]) => ({ minute: Number(m), ...c }))
    .filter((m) => m.minute >= first)
    .sort((a, b) => a.minute - b.minute)
    .map((m) => ({ minute: new Date(m.minute * 60_000).toISOString(), calls: m.calls, rate_limited: m.limited }));
}
