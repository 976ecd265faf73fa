/** When things happen in a campaign: fans' run times, release searches, how much runs at once. */
import type { CampaignRun } from '../schemas/campaigns';

/** The zone's offset from UTC at `ms`, in ms (Europe/Paris in winter: +3 600 000). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(ms / 1000) * 1000;
}

/**
 * 00:00 of `date` (YYYY-MM-DD) in `timeZone`, as epoch ms. Intl knows the zones' rules, DST
 * included; no library does this smaller. Where a DST change skips midnight (it happens in a few
 * zones), the first instant of the day.
 *
 * @example
 * midnightIn('2026-12-04', 'Asia/Tokyo'); // 2026-12-03T15:00:00Z
 */
export function midnightIn(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two guesses: with the offset at the wall time read as UTC, and with the offset at that guess.
  // Across a DST change one of them is right; where midnight does not exist, only the later is
  // on the date at all. The earliest guess that is on the date (at or after its 00:00) wins.
  const t1 = wall - offsetAt(wall, timeZone);
  const t2 = wall - offsetAt(t1, timeZone);
  const onDate = [t1, t2].filter((t) => t + offsetAt(t, timeZone) >= wall);
  return onDate.length ? Math.min(...onDate) : Math.max(t1, t2);
}

/** When a fan who joins at `joinedAt` runs. */
export function runTimeOf(run: CampaignRun, timeZone: string | null, joinedAt: number): number {
  if (run.mode === 'now') return joinedAt;
  if (run.mode === 'at') return Math.max(joinedAt, Date.parse(run.at));
  return Math.max(joinedAt, midnightIn(run.date, timeZone ?? 'UTC'));
}

/** The earliest a campaign can run at all: for local midnight, the date's midnight at UTC+14. */
export function earliestRun(run: CampaignRun, createdAt: number): number {
  if (run.mode === 'now') return createdAt;
  if (run.mode === 'at') return Date.parse(run.at);
  return midnightIn(run.date, 'Pacific/Kiritimati');
}

/**
 * Release searches: the first at run time; while the provider does not know the code yet, again
 * after 1, 5, 15 and 30 minutes, then hourly, for a day; then the fans fail `release-not-found`.
 */
const SEARCH_DELAYS_MIN = [1, 5, 15, 30];
export const SEARCH_GIVE_UP_MS = 24 * 3600_000;

export function nextSearchAt(searches: number, firstSearchAt: number, now: number): number | null {
  const delay = (SEARCH_DELAYS_MIN[searches - 1] ?? 60) * 60_000;
  const next = now + delay;
  return next - firstSearchAt > SEARCH_GIVE_UP_MS ? null : next;
}

/** A claimed fan whose consumer has not reported by then is given to another (the consumer died). */
export const LEASE_MS = 5 * 60_000;

/** Fans of one queue message that run at once (each one's actions in order). */
export const FANS_AT_ONCE = 5;

/**
 * A claim's lease: five minutes, plus what its fans may take at worst (each action up to a
 * request's 25 s budget and a little), so a slow message is not handed out a second time.
 */
export function leaseFor(fans: number, actions: number): number {
  return LEASE_MS + Math.ceil(fans / FANS_AT_ONCE) * actions * 30_000;
}

/** Fans a queue message carries. */
export const FANS_PER_MESSAGE = 25;

/**
 * How many fans may be out at once: a little more than the slowest provider's pace lets run in
 * 20 s, so paced calls wait their turn in the consumer instead of coming back deferred, and a
 * 10,000-fan campaign never has 10,000 messages queued. Unpaced (rate 0): 2,000.
 */
export function windowFor(rates: number[], callsPerFan: number): number {
  const paced = rates.filter((r) => r > 0);
  if (!paced.length) return 2000;
  const fans = Math.floor((Math.min(...paced) * 20) / Math.max(1, callsPerFan));
  return Math.min(2000, Math.max(FANS_PER_MESSAGE, fans));
}
