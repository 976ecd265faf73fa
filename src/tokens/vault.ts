import { DurableObject } from 'cloudflare:workers';
import { configOf } from '../config';
import type { Env } from '../env';
import { emit } from '../events/emit';
import { revokeToken, tokenGrant } from '../oauth/client';
import { providerFor } from '../providers/registry';
import { connectionKey, tokensKv, vaultStorage } from '../storage/keys';
import { writeAccessCache } from './access';
import { observeBudget, releaseBudget, reserveBudget } from './budget';
import { DecryptError, decrypt, encrypt, type Keyring, keyIdOf, keyringFrom, keyringOrDetail } from './crypto';
import { due, type Expiry, expiryOf, importedAuthorization, ruleFor } from './expiry';
import { settleExpiry } from './expiry-check';
import { neverTold, rearm, tellIndex, writeWithNote } from './index-sync';
import { reauth, type Stored, toStatus, usable } from './status';
import { type BudgetGrant, type ConnectionStatus, EXPIRY_MARGIN_MS, type ImportInput, type TokenResult } from './types';

declare module '../env' {
  interface Env {
    TOKEN_VAULT: DurableObjectNamespace<TokenVault>;
  }
}

const RECORD = vaultStorage.connection;
/** How long OAuth tokens wait for the app's confirmation. */
const PENDING_TTL_MS = 10 * 60_000;
const pendingKey = vaultStorage.pending;

interface Pending {
  input: ImportInput;
  until: number;
}

export type PutResult = { ok: true; created: boolean; status: ConnectionStatus } | { ok: false; detail: string };

/**
 * One per `app|user|provider`: the only holder of the refresh token and the only caller of the
 * provider's token endpoint. Concurrent callers that find the access token expired share one
 * in-flight refresh. The refresh runs inside `blockConcurrencyWhile`, so no import, disconnect or
 * second refresh can interleave with it: a DELETE that arrives mid-refresh runs after the new
 * tokens are stored and then removes them, and a refresh never writes over newer tokens.
 */
export class TokenVault extends DurableObject<Env> {
  private inflight: Promise<TokenResult> | null = null;

  async put(input: ImportInput): Promise<PutResult> {
    const ring = await this.keyring();
    if (!ring.ok) return ring;
    const previous = await this.ctx.storage.get<Stored>(RECORD);
    const aad = connectionKey(input.id);
    const now = Date.now();
    const record: Stored = {
      id: input.id,
      access: await encrypt(ring.ring, input.access_token, aad),
      refresh: input.refresh_token ? await encrypt(ring.ring, input.refresh_token, aad) : null,
      expiresAt: input.expires_at,
      scope: input.scope ?? null,
      status: 'active',
      reason: null,
      connectedAt: previous?.connectedAt ?? now,
      ...importedAuthorization(previous, input.authorized_at ?? now),
      updatedAt: now,
      refreshedAt: null,
      providerUserId: input.provider_user_id ?? null,
    };
    await writeWithNote(this.ctx.storage, record.id, record);
    await this.cacheAccess(record);
    await this.tellIndex();
    return { ok: true, created: !previous, status: toStatus(record, this.expiry(record)) };
  }

  /**
   * Holds tokens from an OAuth callback until the app confirms them for this user
   * (`confirm`): a callback alone never connects an account, so a consent link forwarded to
   * someone else cannot attach their account to the sender's user. Pending tokens are
   * encrypted like stored ones and dropped after 10 minutes.
   */
  async stage(connectId: string, input: ImportInput): Promise<boolean> {
    const ring = await this.keyring();
    if (!ring.ok) return false;
    const aad = connectionKey(input.id);
    const pending: Pending = {
      input: {
        ...input,
        access_token: await encrypt(ring.ring, input.access_token, aad),
        refresh_token: input.refresh_token ? await encrypt(ring.ring, input.refresh_token, aad) : undefined,
      },
      until: Date.now() + PENDING_TTL_MS,
    };
    await this.ctx.storage.put(pendingKey(connectId), pending);
    await rearm(this.ctx.storage);
    return true;
  }

  /** Makes staged tokens the connection's; null when there is no such (unexpired) connect. */
  async confirm(connectId: string): Promise<PutResult | null> {
    const pending = await this.ctx.storage.get<Pending>(pendingKey(connectId));
    if (!pending) return null;
    await this.ctx.storage.delete(pendingKey(connectId));
    if (pending.until <= Date.now()) return null;
    const ring = await this.keyring();
    if (!ring.ok) return ring;
    const aad = connectionKey(pending.input.id);
    return this.put({
      ...pending.input,
      access_token: await decrypt(ring.ring, pending.input.access_token, aad),
      refresh_token: pending.input.refresh_token ? await decrypt(ring.ring, pending.input.refresh_token, aad) : undefined,
    });
  }

  /** Drops staged tokens that were never confirmed, and tells the ConnectionIndex what it missed. */
  async alarm(): Promise<void> {
    const now = Date.now();
    const staged = await this.ctx.storage.list<Pending>({ prefix: vaultStorage.pendingPrefix });
    for (const [key, pending] of staged) if (pending.until <= now) await this.ctx.storage.delete(key);
    await tellIndex(this.ctx.storage, this.env, (r) => this.expiry(r));
    await rearm(this.ctx.storage);
  }

  async status(): Promise<ConnectionStatus | null> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (record) await this.indexOnce(record);
    return record ? toStatus(record, this.expiry(record)) : null;
  }

  /**
   * Forgets the tokens at once, then asks the provider to revoke them where it can. Deleting
   * first means nothing stored during the (slow) revoke call can be wiped by it.
   */
  async forget(): Promise<{ existed: boolean; revoked: boolean }> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record) return { existed: false, revoked: false };
    await this.ctx.storage.deleteAll();
    await writeWithNote(this.ctx.storage, record.id, null);
    await this.env.TOKENS.delete(tokensKv.access(record.id));
    await this.tellIndex();
    let revoked = false;
    try {
      const ring = await keyringFrom(configOf(this.env).tokenKeys);
      const aad = connectionKey(record.id);
      const { oauth } = providerFor(record.id.provider);
      const config = configOf(this.env);
      const refresh = record.refresh ? await revokeToken(oauth, config, await decrypt(ring, record.refresh, aad), 'refresh_token') : true;
      const access = await revokeToken(oauth, config, await decrypt(ring, record.access, aad), 'access_token');
      revoked = refresh && access;
    } catch {
      // Unreadable tokens cannot be revoked, but are forgotten all the same.
    }
    await emit(this.env, record.id.app, 'connection.deleted', { user: record.id.user, provider: record.id.provider, revoked });
    return { existed: true, revoked };
  }

  /**
   * A usable access token. `rejected` is a token the provider just answered 401 to: it is
   * refreshed even if it looks unexpired, unless another caller already replaced it.
   */
  async accessToken(rejected?: string): Promise<TokenResult> {
    if (this.inflight) return this.inflight;
    let record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record) return { ok: false, reason: 'not_connected', detail: 'No tokens are stored for this user and provider.' };
    if (record.status === 'reauth_required') {
      await this.indexOnce(record);
      return reauth(record.reason);
    }
    // One comparison on the record just read; the vault acts only when a use crosses a line.
    if (due(this.expiry(record))) {
      const steps = { markReauth: (r: Stored, why: string) => this.markReauth(r, why), cacheAccess: (r: Stored) => this.cacheAccess(r) };
      const settled = await this.ctx.blockConcurrencyWhile(() => settleExpiry(this.ctx.storage, this.env, steps));
      if (settled) return settled;
      record = (await this.ctx.storage.get<Stored>(RECORD)) ?? record;
    }
    const ring = await this.keyring();
    if (!ring.ok) return { ok: false, reason: 'misconfigured', detail: ring.detail };
    let current: string;
    try {
      current = await decrypt(ring.ring, record.access, connectionKey(record.id));
    } catch (err) {
      return this.failUnreadable(record, err);
    }
    if (record.expiresAt - Date.now() > EXPIRY_MARGIN_MS && current !== rejected) {
      if (this.keyIdsStale(ring.ring, record)) await this.ctx.blockConcurrencyWhile(() => this.reencrypt(ring.ring, record.updatedAt));
      return usable(record, current, this.expiry(record));
    }
    this.inflight ??= this.ctx
      .blockConcurrencyWhile(() => this.refresh(ring.ring, rejected))
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /**
   * Runs with every other event held back, and reads the record afresh: if another refresh (or an
   * import) already made the token usable, that token is the answer and no refresh is spent.
   */
  private async refresh(ring: Keyring, rejected: string | undefined): Promise<TokenResult> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record) return { ok: false, reason: 'not_connected', detail: 'No tokens are stored for this user and provider.' };
    if (record.status === 'reauth_required') return reauth(record.reason);
    const aad = connectionKey(record.id);
    if (record.expiresAt - Date.now() > EXPIRY_MARGIN_MS) {
      try {
        const current = await decrypt(ring, record.access, aad);
        if (current !== rejected) return usable(record, current, this.expiry(record));
      } catch (err) {
        return this.failUnreadable(record, err);
      }
    }
    if (!record.refresh) return this.markReauth(record, 'The access token expired and no refresh token was left to refresh it.');
    let refreshToken: string;
    try {
      refreshToken = await decrypt(ring, record.refresh, aad);
    } catch (err) {
      return this.failUnreadable(record, err);
    }
    const { oauth } = providerFor(record.id.provider);
    const outcome = await tokenGrant(record.id.provider, oauth, configOf(this.env), { grant_type: 'refresh_token', refresh_token: refreshToken });
    if (outcome.kind === 'invalid_grant') return this.markReauth(record, outcome.detail);
    if (outcome.kind !== 'ok')
      return { ok: false, reason: outcome.kind, detail: outcome.detail, retryAfter: outcome.kind === 'unavailable' ? outcome.retryAfter : undefined };
    const now = Date.now();
    const next: Stored = {
      ...record,
      access: await encrypt(ring, outcome.grant.access_token, aad),
      // Spotify may not send a new refresh token; the old one then stays valid. A rotating
      // provider's old token is spent: without a new one the connection will need the user again.
      refresh: outcome.grant.refresh_token
        ? await encrypt(ring, outcome.grant.refresh_token, aad)
        : oauth.rotatesRefreshTokens
          ? null
          : await encrypt(ring, refreshToken, aad),
      expiresAt: now + outcome.grant.expires_in * 1000,
      scope: outcome.grant.scope ?? record.scope,
      updatedAt: now,
      refreshedAt: now,
    };
    // Stored before anyone uses the new access token: a crash after this loses nothing.
    await this.ctx.storage.put(RECORD, next);
    await this.cacheAccess(next);
    await this.indexOnce(next);
    return usable(next, outcome.grant.access_token, this.expiry(next));
  }

  /** Keeps the user's own provider id once resolved, so it is looked up once per connection. */
  async rememberProviderUserId(providerUserId: string): Promise<void> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record || record.providerUserId === providerUserId) return;
    const next = { ...record, providerUserId };
    await this.ctx.storage.put(RECORD, next);
    await this.cacheAccess(next);
  }

  /** Takes up to `want` calls from a fixed-window budget (see budget.ts). */
  reserve(bucket: string, want: number, limit: number, windowMs: number): Promise<BudgetGrant> {
    return reserveBudget(this.ctx.storage, bucket, want, limit, windowMs);
  }

  /** Returns slots of calls that were never sent (see budget.ts). */
  release(bucket: string, count: number, from: Omit<BudgetGrant, 'granted'>, limit: number): Promise<void> {
    return releaseBudget(this.ctx.storage, bucket, count, from, limit);
  }

  /** Aligns a budget with what the provider's rate-limit headers said (see budget.ts). */
  observe(bucket: string, remaining: number, resetAt: number): Promise<void> {
    return observeBudget(this.ctx.storage, bucket, remaining, resetAt);
  }

  /** Tells the ConnectionIndex what changed; once it heard, the alarm is left only for staged tokens. */
  private async tellIndex(): Promise<void> {
    if (await tellIndex(this.ctx.storage, this.env, (r) => this.expiry(r))) await rearm(this.ctx.storage);
  }

  /** A connection stored before the ConnectionIndex existed joins it on its next use. */
  private async indexOnce(record: Stored): Promise<void> {
    if (!(await neverTold(this.ctx.storage))) return;
    await writeWithNote(this.ctx.storage, record.id, record);
    await this.tellIndex();
  }

  private expiry(record: Stored): Expiry {
    return expiryOf(record, ruleFor(this.env, record.id.provider));
  }

  private keyIdsStale(ring: Keyring, record: Stored): boolean {
    return keyIdOf(record.access) !== ring.currentId || (record.refresh !== null && keyIdOf(record.refresh) !== ring.currentId);
  }

  /**
   * Moves tokens still encrypted under an older key to the current one (key rotation). Runs with
   * other events held back and only over the record it was asked about, so it never writes an
   * older refresh token over one a refresh just stored.
   */
  private async reencrypt(ring: Keyring, seenUpdatedAt: number): Promise<void> {
    const record = await this.ctx.storage.get<Stored>(RECORD);
    if (!record || record.updatedAt !== seenUpdatedAt || !this.keyIdsStale(ring, record)) return;
    const aad = connectionKey(record.id);
    const again = async (blob: string) => encrypt(ring, await decrypt(ring, blob, aad), aad);
    const next: Stored = { ...record, access: await again(record.access), refresh: record.refresh === null ? null : await again(record.refresh) };
    await this.ctx.storage.put(RECORD, next);
    await this.cacheAccess(next);
  }

  private keyring() {
    return keyringOrDetail(configOf(this.env).tokenKeys);
  }

  private async markReauth(record: Stored, reason: string): Promise<TokenResult> {
    const next: Stored = { ...record, status: 'reauth_required', reason, updatedAt: Date.now() };
    await writeWithNote(this.ctx.storage, next.id, next);
    await this.env.TOKENS.delete(tokensKv.access(record.id));
    await this.tellIndex();
    await emit(this.env, record.id.app, 'connection.reauth_required', { user: record.id.user, provider: record.id.provider, reason });
    return reauth(reason);
  }

  private async failUnreadable(record: Stored, err: unknown): Promise<TokenResult> {
    if (err instanceof DecryptError) return this.markReauth(record, `The stored tokens cannot be decrypted (${err.message}).`);
    throw err;
  }

  private cacheAccess(record: Stored): Promise<void> {
    const meta = { expires_at: record.expiresAt, me: record.providerUserId ?? null, recheck_at: this.expiry(record).recheckAt };
    return writeAccessCache(this.env, record.id, record.access, meta);
  }
}
