import { appsKv } from '../storage/keys';

/**
 * App API keys. Only a SHA-256 of a key is stored. The KV entry is found by the first 16 hex
 * characters of the hash, and the full hash is then compared in constant time, so neither the
 * lookup nor its timing says anything usable about a key.
 */
export interface AppRecord {
  app_id: string;
  name: string;
  key_sha256: string;
  created_at: string;
  revoked_at?: string | null;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new random API key: `cfk_` and 32 random bytes, base64url. */
export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `cfk_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
}

/** Marks a key revoked; false when it was unknown. */
export async function revokeAppKey(kv: KVNamespace, apiKey: string): Promise<AppRecord | null> {
  const record = await findApp(kv, apiKey);
  if (!record) return null;
  const revoked = { ...record, revoked_at: new Date().toISOString() };
  await kv.put(appsKv.apiKey(record.key_sha256), JSON.stringify(revoked));
  return revoked;
}

/** Stores a key for an app; the caller keeps the clear key, crossfollow never does. */
export async function registerAppKey(kv: KVNamespace, apiKey: string, appId: string, name = appId): Promise<AppRecord> {
  const hash = await sha256Hex(apiKey);
  const record: AppRecord = { app_id: appId, name, key_sha256: hash, created_at: new Date().toISOString(), revoked_at: null };
  await kv.put(appsKv.apiKey(hash), JSON.stringify(record));
  return record;
}

/** The app a key belongs to, or null for an unknown or revoked key. */
export async function findApp(kv: KVNamespace, apiKey: string): Promise<AppRecord | null> {
  const hash = await sha256Hex(apiKey);
  const record = await kv.get<AppRecord>(appsKv.apiKey(hash), 'json');
  if (!record || record.revoked_at) return null;
  const a = new TextEncoder().encode(hash);
  const b = new TextEncoder().encode(record.key_sha256);
  if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b)) return null;
  return record;
}
