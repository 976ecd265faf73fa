/**
 * A campaign's fans in its SQLite (docs/storage.md): one row a fan, and one row a fan and action
 * for the per-action counts. Every read pages or aggregates in SQL, so a 100,000-fan campaign
 * never sits in memory.
 */
import type { FanStatus } from '../schemas/campaigns';
import { campaignStorage } from '../storage/keys';
import { actionStatus, type FanResults, merge, type PlannedAction } from './plan';

const FANS = campaignStorage.fansTable;
const ACTIONS = campaignStorage.fanActionsTable;

/** Stored states: the public statuses, plus `queued` (handed to the queue; shown as pending). */
export type FanState = FanStatus | 'queued';

export interface FanRow {
  user: string;
  timezone: string | null;
  run_at: number;
  state: FanState;
  ticket: string | null;
  lease_until: number | null;
  attempts: number;
  reason: string | null;
  results: string;
  joined_at: number;
  finished_at: number | null;
  verify_at: number | null;
  verify_tries: number;
  verified: number | null;
  handouts: number;
}

/** Times a fan is handed out without any report before it fails `not-processed`. */
export const MAX_HANDOUTS = 5;
/** Times a verification is handed out (or checked without an answer) before it is given up. */
export const VERIFY_TRIES = 5;

/** States a fan still has to leave: it has not run, or runs again by itself. */
export const ACTIVE: readonly FanState[] = ['pending', 'queued', 'running', 'deferred'];
const inList = (states: readonly string[]) => states.map((s) => `'${s}'`).join(',');

export class FanTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${FANS} (
      user TEXT PRIMARY KEY, timezone TEXT, run_at INTEGER NOT NULL, state TEXT NOT NULL, ticket TEXT, lease_until INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, results TEXT NOT NULL DEFAULT '[]', joined_at INTEGER NOT NULL,
      finished_at INTEGER, verify_at INTEGER, verify_tries INTEGER NOT NULL DEFAULT 0, verified INTEGER, handouts INTEGER NOT NULL DEFAULT 0)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS fans_due ON ${FANS} (state, run_at)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS fans_verify ON ${FANS} (verify_at) WHERE verify_at IS NOT NULL`);
    sql.exec(`CREATE INDEX IF NOT EXISTS fans_finished ON ${FANS} (finished_at) WHERE finished_at IS NOT NULL`);
    sql.exec(`CREATE TABLE IF NOT EXISTS ${ACTIONS} (user TEXT NOT NULL, action INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY (user, action))`);
  }

  get(user: string): FanRow | null {
    return this.sql.exec<FanRow & Record<string, SqlStorageValue>>(`SELECT * FROM ${FANS} WHERE user = ?`, user).toArray()[0] ?? null;
  }

  many(users: string[]): FanRow[] {
    if (!users.length) return [];
    return this.sql
      .exec<FanRow & Record<string, SqlStorageValue>>(`SELECT * FROM ${FANS} WHERE user IN (${users.map(() => '?').join(',')})`, ...users)
      .toArray();
  }

  /** Adds the fans not in yet (each at its run time), as long as there is room for `limit` in all. */
  join(fans: { user: string; timezone?: string }[], runAt: (timezone: string | null) => number, now: number, limit: number) {
    const out = { joined: [] as string[], already: [] as string[], full: [] as string[] };
    let count = this.count();
    for (const { user, timezone = null } of fans) {
      if (out.joined.includes(user) || this.get(user)) out.already.push(user);
      else if (count >= limit) out.full.push(user);
      else {
        this.sql.exec(`INSERT INTO ${FANS} (user, timezone, run_at, state, joined_at) VALUES (?, ?, ?, 'pending', ?)`, user, timezone, runAt(timezone), now);
        out.joined.push(user);
        count += 1;
      }
    }
    return out;
  }

  remove(user: string): void {
    this.sql.exec(`DELETE FROM ${FANS} WHERE user = ?`, user);
    this.sql.exec(`DELETE FROM ${ACTIONS} WHERE user = ?`, user);
  }

  count(states?: readonly FanState[]): number {
    const where = states ? `WHERE state IN (${inList(states)})` : '';
    return Number(this.sql.exec(`SELECT COUNT(*) AS n FROM ${FANS} ${where}`).one().n);
  }

  /** Hands up to `limit` due fans to `ticket`, earliest first; their lease runs until `leaseUntil`. */
  takeDue(now: number, limit: number, ticket: string, leaseUntil: number): string[] {
    if (limit <= 0) return [];
    return this.sql
      .exec<{ user: string }>(
        `UPDATE ${FANS} SET state = 'queued', ticket = ?, lease_until = ?, handouts = handouts + 1 WHERE user IN
          (SELECT user FROM ${FANS} WHERE state IN ('pending','deferred') AND run_at <= ? ORDER BY run_at LIMIT ?) RETURNING user`,
        ticket,
        leaseUntil,
        now,
        limit,
      )
      .toArray()
      .map((r) => r.user);
  }

  /** Fans of a claim whose report came while a release was being searched again: their results kept, pending again. */
  backToPending(ticket: string, reports: { user: string; results: FanResults[] }[], now: number): void {
    for (const r of reports) {
      const fan = this.get(r.user);
      if (fan?.state !== 'running' || fan.ticket !== ticket) continue;
      const results = merge(JSON.parse(fan.results) as FanResults[], r.results);
      this.sql.exec(
        `UPDATE ${FANS} SET state = 'pending', ticket = NULL, lease_until = NULL, run_at = ?, results = ? WHERE user = ?`,
        now,
        JSON.stringify(results),
        r.user,
      );
    }
  }

  /** Gives fans handed out but never sent back to pending (a send that failed). */
  untake(users: string[]): void {
    for (const user of users)
      this.sql.exec(`UPDATE ${FANS} SET state = 'pending', ticket = NULL, lease_until = NULL WHERE user = ? AND state = 'queued'`, user);
  }

  /**
   * Fans whose consumer never reported within its lease go back to pending, due now; a fan
   * handed out MAX_HANDOUTS times with no report (a message that kills its consumer each time)
   * fails `not-processed` instead, so the campaign ends.
   */
  requeueExpired(now: number): number {
    this.sql.exec(
      `UPDATE ${FANS} SET state = 'failed', reason = 'not-processed', ticket = NULL, lease_until = NULL, finished_at = ? WHERE state IN ('queued','running') AND lease_until < ? AND handouts >= ${MAX_HANDOUTS}`,
      now,
      now,
    );
    return this.sql.exec(
      `UPDATE ${FANS} SET state = 'pending', ticket = NULL, lease_until = NULL, run_at = ? WHERE state IN ('queued','running') AND lease_until < ?`,
      now,
      now,
    ).rowsWritten;
  }

  /** Marks fans claimed by `ticket` running until `leaseUntil`. */
  claim(user: string, ticket: string, leaseUntil: number): void {
    this.sql.exec(`UPDATE ${FANS} SET state = 'running', ticket = ?, lease_until = ? WHERE user = ?`, ticket, leaseUntil, user);
  }

  /** Writes a fan's outcome and each action's status. */
  settle(
    user: string,
    plan: PlannedAction[],
    results: FanResults[],
    outcome: { state: FanState; reason: string | null; runAt?: number; finishedAt: number | null; verifyAt: number | null; attempt: boolean },
  ): void {
    this.sql.exec(
      `UPDATE ${FANS} SET state = ?, reason = ?, results = ?, ticket = NULL, lease_until = NULL, finished_at = ?, verify_at = ?,
        attempts = attempts + ?, run_at = COALESCE(?, run_at) WHERE user = ?`,
      outcome.state,
      outcome.reason,
      JSON.stringify(results),
      outcome.finishedAt,
      outcome.verifyAt,
      outcome.attempt ? 1 : 0,
      outcome.runAt ?? null,
      user,
    );
    for (const r of results) {
      const status = actionStatus(
        plan.find((p) => p.action === r.action),
        r.results,
      );
      this.sql.exec(`INSERT OR REPLACE INTO ${ACTIONS} (user, action, status) VALUES (?, ?, ?)`, user, r.action, status);
    }
  }

  /** Puts fans in `from` states back to pending, due now; returns how many. */
  reset(from: readonly FanState[], now: number): number {
    // Counted by RETURNING: rowsWritten counts index writes too.
    return this.sql
      .exec(
        `UPDATE ${FANS} SET state = 'pending', run_at = ?, finished_at = NULL, verify_at = NULL, verified = NULL, verify_tries = 0 WHERE state IN (${inList(from)}) RETURNING user`,
        now,
      )
      .toArray().length;
  }

  /** A cancelled campaign's fans whose consumer never reported stay cancelled, not out for ever. */
  cancelAbandoned(now: number): void {
    this.sql.exec(`UPDATE ${FANS} SET state = 'cancelled', ticket = NULL, lease_until = NULL WHERE state IN ('queued','running') AND lease_until < ?`, now);
  }

  /** Cancels every fan that has not run, and every verification still to come. */
  cancelWaiting(): number {
    this.sql.exec(`UPDATE ${FANS} SET verify_at = NULL WHERE verify_at IS NOT NULL`);
    return this.sql.exec(`UPDATE ${FANS} SET state = 'cancelled', ticket = NULL, lease_until = NULL WHERE state IN ('pending','queued','deferred')`)
      .rowsWritten;
  }

  /** The earliest time anything waits on: a due fan, a lease, a verification. */
  nextRunAt(): number | null {
    const r = this.sql.exec<{ t: number | null }>(`SELECT MIN(run_at) AS t FROM ${FANS} WHERE state IN ('pending','deferred')`).one();
    return r.t === null ? null : Number(r.t);
  }

  nextLeaseEnd(): number | null {
    const r = this.sql.exec<{ t: number | null }>(`SELECT MIN(lease_until) AS t FROM ${FANS} WHERE state IN ('queued','running')`).one();
    return r.t === null ? null : Number(r.t);
  }

  nextVerifyAt(): number | null {
    const r = this.sql.exec<{ t: number | null }>(`SELECT MIN(verify_at) AS t FROM ${FANS} WHERE verify_at IS NOT NULL`).one();
    return r.t === null ? null : Number(r.t);
  }

  /** Fans whose verification is due: their verify_at moves to `leaseUntil` (a retry if no report comes). */
  takeVerifies(now: number, limit: number, leaseUntil: number): string[] {
    // Handed out VERIFY_TRIES times with no answer: given up, verified stays null.
    this.sql.exec(`UPDATE ${FANS} SET verify_at = NULL WHERE verify_at IS NOT NULL AND verify_at <= ? AND verify_tries >= ${VERIFY_TRIES}`, now);
    return this.sql
      .exec<{ user: string }>(
        `UPDATE ${FANS} SET verify_at = ?, verify_tries = verify_tries + 1 WHERE user IN
          (SELECT user FROM ${FANS} WHERE verify_at IS NOT NULL AND verify_at <= ? AND verify_tries < ${VERIFY_TRIES} ORDER BY verify_at LIMIT ?) RETURNING user`,
        leaseUntil,
        now,
        limit,
      )
      .toArray()
      .map((r) => r.user);
  }

  verified(user: string, results: FanResults[], verified: boolean | null, again: number | null): void {
    this.sql.exec(
      `UPDATE ${FANS} SET results = ?, verified = ?, verify_at = ? WHERE user = ?`,
      JSON.stringify(results),
      verified === null ? null : verified ? 1 : 0,
      again,
      user,
    );
  }

  /** One page of fans in user order, after `after`. */
  page(status: FanStatus | undefined, after: string | null, limit: number): FanRow[] {
    const states = status === 'pending' ? ['pending', 'queued'] : status ? [status] : null;
    const where = [states ? `state IN (${inList(states)})` : null, after !== null ? 'user > ?' : null].filter(Boolean);
    return this.sql
      .exec<FanRow & Record<string, SqlStorageValue>>(
        `SELECT * FROM ${FANS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY user LIMIT ?`,
        ...(after !== null ? [after] : []),
        limit,
      )
      .toArray();
  }

  /** A due fan, picked at random: a release is searched with its connection (another, if that one fails). */
  someDue(now: number): string | null {
    return (
      this.sql
        .exec<{ user: string }>(`SELECT user FROM ${FANS} WHERE state IN ('pending','deferred') AND run_at <= ? ORDER BY RANDOM() LIMIT 1`, now)
        .toArray()[0]?.user ?? null
    );
  }
}
