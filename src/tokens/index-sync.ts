/**
 * The vault's side of its app's ConnectionIndex (connections/connection-index.ts): after each
 * write that changes what the index shows, the vault tells it. The vault's own write comes first
 * and is the truth; if telling the index fails, a flag stored beside the record and an alarm
 * tell it again until it has heard, so the index is at most a retry behind, never wrong for good.
 * Each message carries the record's updatedAt, so a late retry never undoes a newer one.
 */
import { connectionIndexFor } from '../connections/access';
import type { IndexEntry } from '../connections/connection-index';
import type { Env } from '../env';
import { type ConnectionId, vaultStorage } from '../storage/keys';
import { authorizedAtOf, type Expiry } from './expiry';
import type { Stored } from './status';

/** How long after a failed write to the index the vault's alarm tries again. */
const RETRY_MS = 30_000;

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
 * Tells the index the record as it is (or, with none, that the connection is gone). On failure
 * the flag (the connection's id) and an alarm stay behind, and the vault's alarm calls
 * `retryIndex`.
 */
export async function syncIndex(storage: DurableObjectStorage, env: Env, id: ConnectionId, record: Stored | null, expiry?: Expiry): Promise<void> {
  try {
    const index = connectionIndexFor(env, id.app);
    if (record && expiry) await index.upsert(indexEntryOf(record, expiry));
    else await index.remove(id.user, id.provider, Date.now());
    if (await storage.get(vaultStorage.indexBehind)) await storage.delete(vaultStorage.indexBehind);
  } catch (err) {
    console.warn(JSON.stringify({ msg: 'connection index not told; retrying', provider: id.provider, name: err instanceof Error ? err.name : typeof err }));
    await storage.put(vaultStorage.indexBehind, id);
    const alarm = await storage.getAlarm();
    if (alarm === null || alarm > Date.now() + RETRY_MS) await storage.setAlarm(Date.now() + RETRY_MS);
  }
}

/** From the vault's alarm: tells the index what it has not heard, the record as it is now. */
export async function retryIndex(storage: DurableObjectStorage, env: Env, expiryOf: (r: Stored) => Expiry): Promise<void> {
  const id = await storage.get<ConnectionId>(vaultStorage.indexBehind);
  if (!id) return;
  const record = (await storage.get<Stored>(vaultStorage.connection)) ?? null;
  await syncIndex(storage, env, id, record, record ? expiryOf(record) : undefined);
}
