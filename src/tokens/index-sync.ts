/**
 * The vault's side of its app's ConnectionIndex (connections/connection-index.ts): after each
 * write that changes what the index shows, the vault tells it. At least once, whatever fails:
 *
 * - The record and a note "index not told of version v" are one atomic write, issued with an
 *   alarm 30 s ahead. A vault that throws or dies after it leaves the note and the alarm behind.
 * - Then the index is told (5 s at most). When it answers, the note is marked told, only if it is
 *   still about version v (a newer change made meanwhile keeps its own note).
 * - The vault's alarm tells the index what a note says it has not heard, the record as it is now.
 *
 * Each message carries the record's updatedAt, so a late retry never undoes a newer one. A
 * connection stored before the index existed has no note; its next use tells the index once.
 */
import { connectionIndexFor } from '../connections/access';
import type { IndexEntry } from '../connections/connection-index';
import type { Env } from '../env';
import { type ConnectionId, vaultStorage } from '../storage/keys';
import { authorizedAtOf, type Expiry } from './expiry';
import type { Stored } from './status';

/** How long after a change the vault's alarm makes sure the index heard it. */
export const INDEX_RETRY_MS = 30_000;
/** How long telling the index may take: the vault waits on it, sometimes with its other events held back. */
const TELL_TIMEOUT_MS = 5000;
const NOTE = vaultStorage.index;

/** What the vault last told (or must tell) its index. */
export interface IndexNote {
  id: ConnectionId;
  version: number;
  told: boolean;
}

export function indexEntryOf(record: Stored, expiry: Expiry): IndexEntry {
  return {
    user: record.id.user,
    provider: record.id.provider,
    status: record.status,
    reason: record.reason,
    warnAt: expiry.warnAt,
    endAt: expiry.refreshExpiresAt,
    // Active since the user's consent (a reconnect is a new one); reauth_required since the vault marked it.
    changedAt: record.status === 'reauth_required' ? record.updatedAt : authorizedAtOf(record),
    version: record.updatedAt,
  };
}

/**
 * Writes the record with its untold note, and the alarm that backs them, in one step (no await
 * between the two calls, so the object's storage commits them together). `record: null` is a
 * forget: only the note is written, at `version` now.
 */
export function writeWithNote(storage: DurableObjectStorage, id: ConnectionId, record: Stored | null): Promise<unknown> {
  const note: IndexNote = { id, version: record?.updatedAt ?? Date.now(), told: false };
  const writes = record ? storage.put({ [vaultStorage.connection]: record, [NOTE]: note }) : storage.put(NOTE, note);
  return Promise.all([writes, storage.setAlarm(Date.now() + INDEX_RETRY_MS)]);
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), ms));
}

/**
 * Tells the index what the note says it has not heard: the record as it is now (or, with none,
 * that the connection is gone). True when the index answered; on failure the note and the alarm
 * stay, and the alarm tries again.
 */
export async function tellIndex(storage: DurableObjectStorage, env: Env, expiryOf: (r: Stored) => Expiry): Promise<boolean> {
  const note = await storage.get<IndexNote>(NOTE);
  if (!note || note.told) return true;
  const record = (await storage.get<Stored>(vaultStorage.connection)) ?? null;
  const index = connectionIndexFor(env, note.id.app);
  try {
    const told = record ? index.upsert(indexEntryOf(record, expiryOf(record))) : index.remove(note.id.user, note.id.provider, note.version);
    await Promise.race([told, timeout(TELL_TIMEOUT_MS)]);
  } catch (err) {
    console.warn(
      JSON.stringify({ msg: 'connection index not told; the alarm retries', provider: note.id.provider, name: err instanceof Error ? err.name : typeof err }),
    );
    return false;
  }
  const now = await storage.get<IndexNote>(NOTE);
  if (now && now.version === note.version) {
    // A forgotten connection keeps nothing; a live one keeps the note, so it is not told twice.
    if (record) await storage.put(NOTE, { ...now, told: true });
    else await storage.delete(NOTE);
  }
  return true;
}

/** A record written before the index existed has no note: true when it must be told once. */
export async function neverTold(storage: DurableObjectStorage): Promise<boolean> {
  return (await storage.get(NOTE)) === undefined;
}

/**
 * Sets the vault's one alarm at the next thing it is for: a staged connect's end (vault.ts
 * `stage`), or another try at the index while a note waits; none when there is neither.
 */
export async function rearm(storage: DurableObjectStorage): Promise<void> {
  const staged = await storage.list<{ until: number }>({ prefix: vaultStorage.pendingPrefix });
  const times = [...staged.values()].map((p) => p.until);
  const note = await storage.get<IndexNote>(NOTE);
  if (note && !note.told) times.push(Date.now() + INDEX_RETRY_MS);
  if (times.length) await storage.setAlarm(Math.min(...times));
  else await storage.deleteAlarm();
}
