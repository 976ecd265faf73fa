/** When a Campaign's one alarm rings: the earliest thing it waits for. Pure. */
import { CAMPAIGN_LIMITS } from '../schemas/campaigns';
import type { Release } from './plan';
import { releaseWakeAt } from './releases';

export interface Waiting {
  now: number;
  cancelled: boolean;
  /** The earliest lease of a fan out, a verification, a pending or deferred fan's run time. */
  nextLease: number | null;
  nextVerify: number | null;
  nextRun: number | null;
  /** How many more fans the window lets out now. */
  room: number;
  releases: Release[];
  outboxWaiting: boolean;
  /** When the campaign ended (cancelled, or completed with no fan left to run), else null. */
  endedAt: number | null;
}

/** The alarm's time; `purge` once the campaign's keeping time is over; null when it waits for nothing. */
export function alarmAt(w: Waiting): number | 'purge' | null {
  const times: (number | null)[] = [w.nextLease, w.cancelled ? null : w.nextVerify];
  // A due fan waiting for room in the window wakes nothing: a report (or a lease running out) does.
  const waitsForRoom = w.nextRun !== null && w.nextRun <= w.now && w.room <= 0;
  if (!w.cancelled && w.nextRun !== null && !waitsForRoom) {
    // While a release is not found, fans wait for its next search, not their own run time.
    const searching = w.releases.filter((r) => r.state !== 'resolved' && r.state !== 'not-found');
    if (!searching.length) times.push(w.nextRun);
    for (const r of searching) times.push(releaseWakeAt(r, w.nextRun, w.now));
  }
  if (w.outboxWaiting) times.push(w.now + 30_000);
  if (w.endedAt !== null) {
    const purgeAt = w.endedAt + CAMPAIGN_LIMITS.keptDays * 86_400_000;
    if (purgeAt <= w.now) return 'purge';
    times.push(purgeAt);
  }
  const at = times.filter((t): t is number => t !== null);
  return at.length ? Math.max(w.now, Math.min(...at)) : null;
}
