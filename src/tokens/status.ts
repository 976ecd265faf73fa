import { keyIdOf } from './crypto';
import type { ConnectionId, ConnectionStatus, TokenResult } from './types';

/** The one record a TokenVault keeps (docs/storage.md). Tokens are ciphertexts. */
export interface Stored {
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
  providerUserId: string | null;
}

/** What the API may show of a connection: never a token. */
export function toStatus(r: Stored): ConnectionStatus {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    provider: r.id.provider,
    status: r.status,
    scope: r.scope ? r.scope.split(/\s+/).filter(Boolean) : [],
    access_token_expires_at: iso(r.expiresAt),
    has_refresh_token: r.refresh !== null,
    provider_user_id: r.providerUserId ?? null,
    encryption_key_id: keyIdOf(r.access) ?? null,
    connected_at: iso(r.connectedAt),
    updated_at: iso(r.updatedAt),
    refreshed_at: r.refreshedAt ? iso(r.refreshedAt) : null,
    reason: r.reason,
  };
}

/** The answer for a connection that needs the user to connect again. */
export function reauth(reason: string | null): TokenResult {
  return { ok: false, reason: 'reauth_required', detail: reason ?? 'The user must connect this provider again.' };
}
