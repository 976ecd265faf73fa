import type { ProviderName } from './token-endpoint';

/** Who a token belongs to. Its `app|user|provider` form names the Durable Object and is the AAD. */
export interface ConnectionId {
  app: string;
  user: string;
  provider: ProviderName;
}

export function connectionKey(id: ConnectionId): string {
  return `${id.app}|${id.user}|${id.provider}`;
}

/** KV key of a connection's cached, encrypted access token (docs/storage.md). */
export function cacheKey(id: ConnectionId): string {
  return `token:${connectionKey(id)}`;
}

export type ConnectionState = 'active' | 'reauth_required';

/** What the API may say about a connection: never a token. */
export interface ConnectionStatus {
  provider: ProviderName;
  status: ConnectionState;
  scope: string[];
  access_token_expires_at: string;
  has_refresh_token: boolean;
  provider_user_id: string | null;
  /** Which TOKEN_KEYS key the tokens are encrypted with, so operators can see a rotation finish. */
  encryption_key_id: string | null;
  connected_at: string;
  updated_at: string;
  refreshed_at: string | null;
  reason: string | null;
}

export interface ImportInput {
  id: ConnectionId;
  access_token: string;
  refresh_token?: string;
  expires_at: number;
  scope?: string;
  /** The user's own id at the provider, when the app knows it; else resolved on first use. */
  provider_user_id?: string;
}

export type TokenResult =
  | { ok: true; token: string; expiresAt: number; providerUserId: string | null }
  | { ok: false; reason: 'not_connected' | 'reauth_required' | 'unavailable' | 'misconfigured'; detail: string; retryAfter?: number };

/** A token this close to expiry is treated as expired, so it never dies mid-request. */
export const EXPIRY_MARGIN_MS = 60_000;

/** A per-connection request budget (X: 50 follows per 15 minutes per user). */
export interface BudgetGrant {
  granted: number;
  /** When the current window ends (ms since epoch): what was not granted can run then. */
  resetAt: number;
  /** Which count the slots came from (see releaseBudget in budget.ts). */
  epoch: number;
}
