/**
 * One ConnectionIndex per app: every connection of the app, one row each, so the app (and its
 * dashboard) can count them by status and list the users to send back through consent. The
 * connections themselves live one per TokenVault, which cannot be listed; each vault tells its
 * app's index when its status, or the dates that decide it, change (tokens/index-sync.ts).
 *
 * The index is derived, never the truth: a row says what the vault said last. `expiring` and a
 * refresh token past its end are worked out at read time from the dates kept, so no row needs a
 * write when a connection crosses a line.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { ProviderName } from '../providers/names';
import { connectionIndexStorage } from '../storage/keys';

declare module '../env' {
  interface Env {
    CONNECTION_INDEX: DurableObjectNamespace<ConnectionIndex>;
  }
}

/** What a vault tells its index. */
export interface IndexEntry {
  user: string;
  provider: ProviderName;
  /** As the vault stores it. */
  status: 'active' | 'reauth_required';
  reason: string | null;
  /** When the connection turns expiring (the warning window's start); null: never. */
  warnAt: number | null;
  /** When its refresh token ends; null: no documented end. */
  endAt: number | null;
  /** When it was connected, or its stored status last changed. */
  changedAt: number;
  /** The vault record's updatedAt: a write older than the row's is ignored. */
  version: number;
}

export type ShownStatus = 'active' | 'expiring' | 'reauth_required';

export interface IndexedConnection {
  user: string;
  provider: ProviderName;
  status: ShownStatus;
  reason: string | null;
  /** When it entered the status shown. */
  since: number;
  endAt: number | null;
}

export interface IndexPage {
  counts: Record<ShownStatus, number> & { total: number };
  connections: IndexedConnection[];
  /** The last row's place, for the next page; null at the end. */
  next: { since: number; user: string; provider: string } | null;
}

const TABLE = connectionIndexStorage.table;

// The status shown and the time it began, from the row and the time of the read (parameter ?1).
const SHOWN = `CASE WHEN status = 'reauth_required' OR end_at <= ?1 THEN 'reauth_required' WHEN warn_at <= ?1 THEN 'expiring' ELSE 'active' END`;
const SINCE = `CASE WHEN status = 'reauth_required' THEN changed_at WHEN end_at <= ?1 THEN end_at WHEN warn_at <= ?1 THEN warn_at ELSE changed_at END`;

export class ConnectionIndex extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      user TEXT NOT NULL, provider TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,
      warn_at INTEGER, end_at INTEGER, changed_at INTEGER NOT NULL, version INTEGER NOT NULL,
      PRIMARY KEY (user, provider))`);
  }

  /** Records what a vault said. Idempotent, and an older write (a late retry) never replaces a newer one. */
  upsert(e: IndexEntry): void {
    this.sql.exec(
      `INSERT INTO ${TABLE} (user, provider, status, reason, warn_at, end_at, changed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user, provider) DO UPDATE SET
         changed_at = CASE WHEN ${TABLE}.status = excluded.status THEN ${TABLE}.changed_at ELSE excluded.changed_at END,
         status = excluded.status, reason = excluded.reason, warn_at = excluded.warn_at, end_at = excluded.end_at, version = excluded.version
       WHERE excluded.version >= ${TABLE}.version`,
      e.user,
      e.provider,
      e.status,
      e.reason,
      e.warnAt,
      e.endAt,
      e.changedAt,
      e.version,
    );
  }

  /** A connection was forgotten (at `version`); a newer connection of the same user stays. */
  remove(user: string, provider: ProviderName, version: number): void {
    this.sql.exec(`DELETE FROM ${TABLE} WHERE user = ? AND provider = ? AND version <= ?`, user, provider, version);
  }

  /**
   * The counts by status shown, and a page of connections (of one status, or all), newest
   * `since` first. Worked out over the whole table each time: an app's connections are rows of a
   * few dozen bytes, and even 100,000 of them sort in milliseconds.
   */
  page(query: { status?: ShownStatus; limit: number; after?: IndexPage['next'] }, now = Date.now()): IndexPage {
    const counts = { active: 0, expiring: 0, reauth_required: 0, total: 0 };
    const shownCounts = this.sql.exec<{ shown: ShownStatus; n: number }>(`SELECT ${SHOWN} AS shown, COUNT(*) AS n FROM ${TABLE} GROUP BY shown`, now);
    for (const r of shownCounts) {
      counts[r.shown] = r.n;
      counts.total += r.n;
    }
    const a = query.after;
    const rows = this.sql
      .exec<{ user: string; provider: ProviderName; shown: ShownStatus; reason: string | null; since: number; end_at: number | null }>(
        `SELECT user, provider, reason, end_at, shown, since FROM (
           SELECT user, provider, reason, end_at, ${SHOWN} AS shown, ${SINCE} AS since FROM ${TABLE})
         WHERE (?2 IS NULL OR shown = ?2)
           AND (?3 IS NULL OR since < ?3 OR (since = ?3 AND (user > ?4 OR (user = ?4 AND provider > ?5))))
         ORDER BY since DESC, user, provider LIMIT ?6`,
        now,
        query.status ?? null,
        a?.since ?? null,
        a?.user ?? '',
        a?.provider ?? '',
        query.limit + 1,
      )
      .toArray();
    const more = rows.length > query.limit;
    const connections = rows.slice(0, query.limit).map((r) => ({
      user: r.user,
      provider: r.provider,
      status: r.shown,
      // A stored reauth_required has the vault's reason; one past its end is known by the dates alone.
      reason: r.shown === 'reauth_required' ? (r.reason ?? 'Its refresh token has ended; the user must consent again.') : null,
      since: r.since,
      endAt: r.end_at,
    }));
    const last = connections.at(-1);
    return { counts, connections, next: more && last ? { since: last.since, user: last.user, provider: last.provider } : null };
  }
}
