import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import { DecryptError, KeyringError, decrypt, encrypt, keyringFrom } from './crypto';
import { refreshGrant } from './token-endpoint';
import { type ConnectionId, type ConnectionStatus, type ImportInput, type TokenResult, EXPIRY_MARGIN_MS, cacheKey, connectionKey } from './types';

/** The one record a TokenVault keeps (docs/storage.md). Tokens are ciphertexts. */
interface Stored {
  id: ConnectionId;
  access: string;
  refresh: string | null;
  expiresAt: number;
  scope: string | null;
  status: ConnectionStatus['status'];
  reason: string | null;
  connectedAt: number;
  updatedAt: number;
  refreshedAt: number | null;
}

const RECORD = 'connection';
/** KV refuses TTLs under 60 s; a token with less life than this left is not cached. */
const MIN_KV_TTL_S = 60;

/**
 * One per `app|user|provider`: the only holder of the refresh token and the only caller of the
 * provider's token endpoint. Concurrent callers that find the access token expired share one
 * in-flight refresh, and the new tokens are stored before any caller gets them.
 */
export class TokenVault extends DurableObject<Env> {
  private inflight: Promise<TokenResult> | null = null;

  async put(input: ImportInput): Promise<{ created: boolean; status: ConnectionStatus }> {
    this.inflight = null;
    const previous = await this.ctx.storage.get<Stored>(RECORD);
    const ring = await keyringFrom(this.env.TOKEN_KEYS);
    const aad = connectionKey(input.id);
    const now = Date.now();
    const record: Stored = {
      id: input.id,
      access: await encrypt(ring, input.access_token, aad),
      refresh: input.refresh_token ? await encrypt(ring, input.refresh_token, aad) : null,
      expiresAt: input.expires_at,
      scope: input.scope ?? null,
      status: 'active',
      reason: null,
      connectedAt: previous?.connectedAt ?? now,
      updatedAt: now,
      refreshedAt: null,
    };
    await this.ctx.storage.put(RECORD, record);
    await this.cacheAccess(record);
    return { created: !previous, status: toStatus(record) };
  }

  async status(): Promise<ConnectionStatus | null> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    return record ? toStatus(record) : null;
  }

  async forget(): Promise<boolean> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    this.inflight = null;
    await this.ctx.storage.deleteAll();
    if (record) await this.env.TOKENS.delete(cacheKey(record.id));
    return Boolean(record);
  }

  /**
   * A usable access token. `rejected` is a token the provider just answered 401 to: it is
   * refreshed even if it looks unexpired, unless another caller already replaced it.
   */
  async accessToken(rejected?: string): Promise<TokenResult> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record) return { ok: false, reason: 'not_connected', detail: 'No tokens are stored for this user and provider.' };
    if (record.status === 'reauth_required') return reauth(record.reason);
    let current: string;
    try {
      current = await decrypt(await keyringFrom(this.env.TOKEN_KEYS), record.access, connectionKey(record.id));
    } catch (err) {
      return this.failUnreadable(record, err);
    }
    if (record.expiresAt - Date.now() > EXPIRY_MARGIN_MS && current !== rejected) {
      return { ok: true, token: current, expiresAt: record.expiresAt };
    }
    this.inflight ??= this.refresh(record).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async refresh(record: Stored): Promise<TokenResult> {
    if (!record.refresh) return this.markReauth(record, 'The access token expired and no refresh token was imported.');
    const ring = await keyringFrom(this.env.TOKEN_KEYS);
    const aad = connectionKey(record.id);
    let refreshToken: string;
    try {
      refreshToken = await decrypt(ring, record.refresh, aad);
    } catch (err) {
      return this.failUnreadable(record, err);
    }
    const outcome = await refreshGrant(record.id.provider, this.env, refreshToken);
    if (outcome.kind === 'invalid_grant') return this.markReauth(record, outcome.detail);
    if (outcome.kind !== 'ok') return { ok: false, reason: outcome.kind, detail: outcome.detail, retryAfter: outcome.kind === 'unavailable' ? outcome.retryAfter : undefined };
    const now = Date.now();
    const next: Stored = {
      ...record,
      access: await encrypt(ring, outcome.grant.access_token, aad),
      // Spotify may not send a new refresh token; the old one then stays valid.
      refresh: outcome.grant.refresh_token ? await encrypt(ring, outcome.grant.refresh_token, aad) : await encrypt(ring, refreshToken, aad),
      expiresAt: now + outcome.grant.expires_in * 1000,
      scope: outcome.grant.scope ?? record.scope,
      updatedAt: now,
      refreshedAt: now,
    };
    // Stored before anyone uses the new access token: a crash after this loses nothing.
    await this.ctx.storage.put(RECORD, next);
    await this.cacheAccess(next);
    return { ok: true, token: outcome.grant.access_token, expiresAt: next.expiresAt };
  }

  private async markReauth(record: Stored, reason: string): Promise<TokenResult> {
    const next: Stored = { ...record, status: 'reauth_required', reason, updatedAt: Date.now() };
    await this.ctx.storage.put(RECORD, next);
    await this.env.TOKENS.delete(cacheKey(record.id));
    return reauth(reason);
  }

  private async failUnreadable(record: Stored, err: unknown): Promise<TokenResult> {
    if (err instanceof KeyringError) return { ok: false, reason: 'misconfigured', detail: err.message };
    if (err instanceof DecryptError) return this.markReauth(record, `The stored tokens cannot be decrypted (${err.message}).`);
    throw err;
  }

  private async cacheAccess(record: Stored): Promise<void> {
    const ttl = Math.floor((record.expiresAt - EXPIRY_MARGIN_MS - Date.now()) / 1000);
    const key = cacheKey(record.id);
    if (ttl < MIN_KV_TTL_S) {
      await this.env.TOKENS.delete(key);
      return;
    }
    await this.env.TOKENS.put(key, record.access, { expirationTtl: ttl, metadata: { expires_at: record.expiresAt } });
  }
}

function reauth(reason: string | null): TokenResult {
  return { ok: false, reason: 'reauth_required', detail: reason ?? 'The user must connect this provider again.' };
}

function toStatus(r: Stored): ConnectionStatus {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    provider: r.id.provider,
    status: r.status,
    scope: r.scope ? r.scope.split(/\s+/).filter(Boolean) : [],
    access_token_expires_at: iso(r.expiresAt),
    has_refresh_token: r.refresh !== null,
    connected_at: iso(r.connectedAt),
    updated_at: iso(r.updatedAt),
    refreshed_at: r.refreshedAt ? iso(r.refreshedAt) : null,
    reason: r.reason,
  };
}
