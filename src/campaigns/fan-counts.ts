/**
 * What a campaign's fans add up to (its view, its events), aggregated in SQL over the tables
 * fans.ts keeps, so no count ever loads the fans.
 */
import type { FanStatus } from '../schemas/campaigns';
import { campaignStorage } from '../storage/keys';
import type { FanState } from './fans';

const FANS = campaignStorage.fansTable;
const ACTIONS = campaignStorage.fanActionsTable;

export class FanCounts {
  constructor(private readonly sql: SqlStorage) {}

  /** Fans by public status (`queued` shows as pending), and `fans` in all. */
  byStatus(): Record<FanStatus | 'fans', number> {
    const counts = { pending: 0, queued: 0, running: 0, done: 0, partly_done: 0, failed: 0, deferred: 0, cancelled: 0 };
    for (const r of this.sql.exec<{ state: FanState; n: number }>(`SELECT state, COUNT(*) AS n FROM ${FANS} GROUP BY state`)) counts[r.state] = r.n;
    const { queued, ...states } = counts;
    return { ...states, pending: states.pending + queued, fans: Object.values(counts).reduce((a, b) => a + b, 0) };
  }

  countsByAction(): { action: number; status: string; n: number }[] {
    return this.sql
      .exec<{ action: number; status: string; n: number }>(`SELECT action, status, COUNT(*) AS n FROM ${ACTIONS} GROUP BY action, status`)
      .toArray();
  }

  failures(): { reason: string; fans: number }[] {
    return this.sql
      .exec<{ reason: string; fans: number }>(
        `SELECT reason, COUNT(*) AS fans FROM ${FANS} WHERE state IN ('failed','partly_done','deferred') AND reason IS NOT NULL GROUP BY reason ORDER BY fans DESC`,
      )
      .toArray();
  }

  verification(): { verified: number; unverified: number; waiting: number } {
    const r = this.sql
      .exec<{ verified: number; unverified: number; waiting: number }>(
        `SELECT COALESCE(SUM(verified = 1), 0) AS verified, COALESCE(SUM(verified = 0), 0) AS unverified, COALESCE(SUM(verify_at IS NOT NULL), 0) AS waiting FROM ${FANS}`,
      )
      .one();
    return { verified: Number(r.verified), unverified: Number(r.unverified), waiting: Number(r.waiting) };
  }

  /** Fans still to run action `action`: not yet run (or running), and no outcome of it kept. */
  pendingFor(action: number): number {
    return Number(
      this.sql
        .exec(
          `SELECT COUNT(*) AS n FROM ${FANS} f WHERE f.state IN ('pending','queued','running')
            AND NOT EXISTS (SELECT 1 FROM ${ACTIONS} a WHERE a.user = f.user AND a.action = ? AND a.status IN ('done','partly_done','failed'))`,
          action,
        )
        .one().n,
    );
  }

  /**
   * Fans finished in each minute of the hour up to the last finish (so a campaign looked at the
   * day after still shows its end), oldest first. Read through the finished_at index: only that
   * hour's fans are counted, however many the campaign has.
   */
  perMinute(): { minute: number; done: number; partly_done: number; failed: number }[] {
    return this.sql
      .exec<{ minute: number; done: number; partly_done: number; failed: number }>(
        `SELECT finished_at / 60000 AS minute, SUM(state = 'done') AS done, SUM(state = 'partly_done') AS partly_done, SUM(state = 'failed') AS failed
         FROM ${FANS} WHERE finished_at >= (SELECT MAX(finished_at) FROM ${FANS}) / 60000 * 60000 - 59 * 60000
           AND state IN ('done','partly_done','failed') GROUP BY minute ORDER BY minute`,
      )
      .toArray();
  }

  /** Fans finished since `since` (the pace behind the estimate of the end). */
  finishedSince(since: number): number {
    return Number(this.sql.exec(`SELECT COUNT(*) AS n FROM ${FANS} WHERE finished_at >= ?`, since).one().n);
  }
}
