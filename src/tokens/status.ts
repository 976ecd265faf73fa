import { keyIdOf } from './crypto';
import type { Authorization, Expiry } from './expiry';
import type { ConnectionId, ConnectionStatus, TokenResult } from './types';

/** The one record a TokenVault keeps (docs/storage.md). Tokens are ciphertexts. */
export interface Stored extends Authorization {
  id: ConnectionId;
  access: string;
  refresh: string | null;
  expiresAt: number;
  scope: string | null;
  status: ConnectionStatus['status'];
  reason: string | null;
  updatedAt: number;
  refreshedAt: number | null;
  providerUserId: string | null;
}

/**
 * What the API may show of a connection: never a token. A refresh token past its end shows
 * reauth_required at once, though the record only turns so (and the event goes out) on next use.
 */
export function toStatus(r: Stored, expiry: Expiry): ConnectionStatus {
  const iso = (ms: number) => new Date(ms).toISOString();
  const active = r.status === 'active';
  const ended = active && expiry.state === 'expired';
  return {
    provider: r.id.provider,
    status: ended ? 'reauth_required' : r.status,
    scope: r.scope ? r.scope.split(/\s+/).filter(Boolean) : [],
    access_token_expires_at: iso(r.expiresAt),
    has_refresh_token: r.refresh !== null,
    provider_user_id: r.providerUserId ?? null,
    encryption_key_id: keyIdOf(r.access) ?? null,
    connected_at: iso(r.connectedAt),
    updated_at: iso(r.updatedAt),
    refreshed_at: r.refreshedAt ? iso(r.refreshedAt) : null,
    authorized_at: iso(expiry.authorizedAt),
    refresh_expires_at: expiry.refreshExpiresAt === null ? null : iso(expiry.refreshExpiresAt),
    expiring: active && expiry.state === 'expiring',
    reason: ended ? expiry.reason : r.reason,
  };
}

/** The answer for a connection that needs the user to connect again. */
export function reauth(reason: string | null): TokenResult {
  return { ok: false, reason: 'reauth_required', detail: reason ?? 'The user must connect this provider again.' };
}

/** The answer with a usable token; `recheckAt` bounds how long the caches in front of the vault may serve it (expiry.ts). */
export function usable(r: Stored, token: string, expiry: Expiry): TokenResult {
  return { ok: true, token, expiresAt: r.expiresAt, providerUserId: r.providerUserId ?? null, recheckAt: expiry.recheckAt };
}
