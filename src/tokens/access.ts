import { configOf } from '../config';
import type { Env } from '../env';
import { type ConnectionId, connectionKey, objectNames, tokensKv } from '../storage/keys';
import { decrypt, keyringFrom } from './crypto';
import { EXPIRY_MARGIN_MS, type TokenResult } from './types';

/**
 * In-isolate cache in front of KV; bounded in size, and each entry trusted for 30 s only, so
 * another isolate's import or disconnect is noticed within that time (plus KV's propagation).
 */
const memory = new Map<string, { token: string; expiresAt: number; providerUserId: string | null; recheckAt: number | null; freshUntil: number }>();
const MEMORY_LIMIT = 1000;
const MEMORY_TRUST_MS = 30_000;
/** KV refuses TTLs under 60 s; a token with less life than this left is not cached. */
const MIN_KV_TTL_S = 60;

/** The KV entry's metadata beside the encrypted access token (docs/storage.md). */
interface CachedMeta {
  /** The access token's expiry, ms since epoch. */
  expires_at: number;
  /** The user's own id at the provider, or null. */
  me?: string | null;
  /** Until when the entry may answer: then the vault must look at the refresh token's end (expiry.ts). */
  recheck_at?: number | null;
}

/** Whether a cached token may answer: not near expiry, and not past the time the vault must look again. */
function servable(expiresAt: number, recheckAt: number | null | undefined, now: number): boolean {
  return expiresAt - now > EXPIRY_MARGIN_MS && !(typeof recheckAt === 'number' && recheckAt <= now);
}

/** The connection's TokenVault. */
export function vaultFor(env: Env, id: ConnectionId) {
  return env.TOKEN_VAULT.get(env.TOKEN_VAULT.idFromName(objectNames.tokenVault(id)));
}

/**
 * The hot path for a usable access token: memory, then KV (decrypted here), then the
 * connection's TokenVault, which refreshes if it must. Pass `rejected` after a 401 to force
 * one refresh of that token.
 */
export async function accessToken(env: Env, id: ConnectionId, rejected?: string): Promise<TokenResult> {
  const key = connectionKey(id);
  const now = Date.now();
  if (rejected === undefined) {
    const hit = memory.get(key);
    if (hit && hit.freshUntil > now && servable(hit.expiresAt, hit.recheckAt, now))
      return { ok: true, token: hit.token, expiresAt: hit.expiresAt, providerUserId: hit.providerUserId, recheckAt: hit.recheckAt };
    const cached = await env.TOKENS.getWithMetadata<CachedMeta>(tokensKv.access(id));
    const meta = cached.metadata;
    if (cached.value && meta && servable(meta.expires_at, meta.recheck_at, now)) {
      try {
        const token = await decrypt(await keyringFrom(configOf(env).tokenKeys), cached.value, key);
        const result = { ok: true as const, token, expiresAt: meta.expires_at, providerUserId: meta.me ?? null, recheckAt: meta.recheck_at ?? null };
        remember(key, result);
        return result;
      } catch {
        // An unreadable cache entry is only a miss: the vault decides what it means.
      }
    }
  }
  memory.delete(key);
  const result = await vaultFor(env, id).accessToken(rejected);
  if (result.ok) remember(key, result);
  return result;
}

/**
 * Whether the connection has a usable access token cached (this isolate's memory, else KV's
 * metadata, not decrypted): true means it was active when the vault last wrote it. The vault
 * deletes the entry when the connection is forgotten or needs the user again, so a miss says
 * nothing (ask the vault); a hit spares a Durable Object call per check (a campaign's join).
 */
export async function cachedUsable(env: Env, id: ConnectionId): Promise<boolean> {
  const now = Date.now();
  const hit = memory.get(connectionKey(id));
  if (hit && hit.freshUntil > now && servable(hit.expiresAt, hit.recheckAt, now)) return true;
  const { metadata } = await env.TOKENS.getWithMetadata<CachedMeta>(tokensKv.access(id));
  return metadata !== null && servable(metadata.expires_at, metadata.recheck_at, now);
}

/**
 * Written only by the connection's TokenVault (one writer per key): the encrypted access token
 * until 60 s before it expires, or until `recheck_at` if sooner; nothing when less than KV's
 * minimum TTL would be left.
 */
export async function writeAccessCache(env: Env, id: ConnectionId, access: string, meta: CachedMeta): Promise<void> {
  const until = Math.min(meta.expires_at - EXPIRY_MARGIN_MS, meta.recheck_at ?? Number.POSITIVE_INFINITY);
  const ttl = Math.floor((until - Date.now()) / 1000);
  const key = tokensKv.access(id);
  if (ttl < MIN_KV_TTL_S) await env.TOKENS.delete(key);
  else await env.TOKENS.put(key, access, { expirationTtl: ttl, metadata: meta });
}

/** Drops this isolate's copy after the vault's tokens change (import, disconnect). */
export function forgetInMemory(id: ConnectionId): void {
  memory.delete(connectionKey(id));
}

function remember(key: string, result: Extract<TokenResult, { ok: true }>): void {
  const oldest = memory.keys().next();
  if (memory.size >= MEMORY_LIMIT && !oldest.done) memory.delete(oldest.value);
  const { token, expiresAt, providerUserId } = result;
  memory.set(key, { token, expiresAt, providerUserId, recheckAt: result.recheckAt ?? null, freshUntil: Date.now() + MEMORY_TRUST_MS });
}

/** Adds a just-resolved provider user id to this isolate's cached entry. */
export function noteProviderUserId(id: ConnectionId, providerUserId: string): void {
  const hit = memory.get(connectionKey(id));
  if (hit) hit.providerUserId = providerUserId;
}
