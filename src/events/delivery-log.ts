/**
 * One DeliveryLog per app: the outcome of each event delivery attempt, the newest 1,000, so the
 * app's team sees what reached its webhook and what did not, and why, without reading worker
 * logs. Written by the events consumer (deliver.ts), one call per app per batch.
 *
 * The log observes; it is never what decides a retry. A write that fails is logged and dropped,
 * so a log that is down never holds an event back or sends one twice.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { EventType } from '../queues/messages';
import { deliveryLogStorage, objectNames } from '../storage/keys';

declare module '../env' {
  interface Env {
    DELIVERY_LOG: DurableObjectNamespace<DeliveryLog>;
  }
}

export type DeliveryStatus = 'delivered' | 'failed' | 'dead_lettered' | 'no_webhook';

/** A type, not an interface, so SQL rows can be read as one. */
export type DeliveryAttempt = {
  eventId: string;
  type: EventType;
  status: DeliveryStatus;
  /** 1 for the first try. */
  attempt: number;
  /** Why it failed, in words safe for a log (deliver.ts `fetchFailure`, `HTTP 500`); null when delivered. */
  reason: string | null;
  /** The webhook's host and port (never its path or query, which may carry a secret). */
  host: string | null;
  at: number;
  nextAttemptAt: number | null;
};

export interface DeliveryReport {
  counts: Record<DeliveryStatus, number>;
  failures: { reason: string; attempts: number; lastAt: number }[];
  deliveries: DeliveryAttempt[];
}

/** Rows kept; the oldest go first. */
export const DELIVERIES_KEPT = 1000;
const HOUR_MS = 3_600_000;
const TABLE = deliveryLogStorage.table;
const HOURS = deliveryLogStorage.hoursTable;

export class DeliveryLog extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
      attempt INTEGER NOT NULL, reason TEXT, host TEXT, at INTEGER NOT NULL, next_attempt_at INTEGER,
      UNIQUE (event_id, attempt))`);
    // The day's counts by the hour, apart from the rows, so more than 1,000 attempts a day still add up.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${HOURS} (
      hour INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL, last_at INTEGER NOT NULL,
      PRIMARY KEY (hour, status, reason))`);
  }

  /** Adds attempts; one already recorded (a redelivered batch) is kept as first written. */
  record(attempts: DeliveryAttempt[]): void {
    for (const a of attempts) {
      const written = this.sql.exec(
        `INSERT OR IGNORE INTO ${TABLE} (event_id, type, status, attempt, reason, host, at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        a.eventId,
        a.type,
        a.status,
        a.attempt,
        a.reason,
        a.host,
        a.at,
        a.nextAttemptAt,
      ).rowsWritten;
      if (!written) continue; // a redelivered batch's attempt, counted the first time
      this.sql.exec(
        `INSERT INTO ${HOURS} (hour, status, reason, n, last_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (hour, status, reason) DO UPDATE SET n = n + 1, last_at = MAX(last_at, excluded.last_at)`,
        Math.floor(a.at / HOUR_MS),
        a.status,
        a.reason ?? '',
        a.at,
      );
    }
    this.sql.exec(`DELETE FROM ${TABLE} WHERE seq <= (SELECT MAX(seq) FROM ${TABLE}) - ?`, DELIVERIES_KEPT);
    this.sql.exec(`DELETE FROM ${HOURS} WHERE hour < ?`, Math.floor(Date.now() / HOUR_MS) - 24);
  }

  /**
   * The last 24 hours' counts by status (by the hour: this hour and the 23 before it), their
   * failures by reason, and the newest `limit` attempts kept (of one status, or all).
   */
  report(limit: number, status?: DeliveryStatus, now = Date.now()): DeliveryReport {
    const since = Math.floor(now / HOUR_MS) - 23;
    const counts: Record<DeliveryStatus, number> = { delivered: 0, failed: 0, dead_lettered: 0, no_webhook: 0 };
    for (const r of this.sql.exec<{ status: DeliveryStatus; n: number }>(`SELECT status, SUM(n) AS n FROM ${HOURS} WHERE hour >= ? GROUP BY status`, since))
      counts[r.status] = r.n;
    const failures = this.sql
      .exec<{ reason: string; attempts: number; last_at: number }>(
        `SELECT reason, SUM(n) AS attempts, MAX(last_at) AS last_at FROM ${HOURS}
         WHERE hour >= ? AND status IN ('failed', 'dead_lettered') AND reason != '' GROUP BY reason ORDER BY attempts DESC`,
        since,
      )
      .toArray()
      .map((r) => ({ reason: r.reason, attempts: r.attempts, lastAt: r.last_at }));
    // Named as DeliveryAttempt names them, so the rows are the answer.
    const deliveries = this.sql
      .exec<DeliveryAttempt>(
        `SELECT event_id AS eventId, type, status, attempt, reason, host, at, next_attempt_at AS nextAttemptAt FROM ${TABLE}
         WHERE (?1 IS NULL OR status = ?1) ORDER BY seq DESC LIMIT ?2`,
        status ?? null,
        limit,
      )
      .toArray();
    return { counts, failures, deliveries };
  }
}

/** An app's DeliveryLog: named by the app, so an app reads only its own. */
export function deliveryLogFor(env: Env, app: string) {
  return env.DELIVERY_LOG.get(env.DELIVERY_LOG.idFromName(objectNames.deliveryLog(app)));
}
