import type { ConnectionStatus } from '../schemas/connections';
import type { ConnectionId } from '../storage/keys';

export type { ConnectionId, ConnectionStatus };
export type ConnectionState = ConnectionStatus['status'];

export interface ImportInput {
  id: ConnectionId;
  access_token: string;
  refresh_token?: string;
  expires_at: number;
  scope?: string;
  /** The user's own id at the provider, when the app knows it; else resolved on first use. */
  provider_user_id?: string;
  /** When the user consented (ms since epoch): the OAuth callback's time, or the import's; now when absent. */
  authorized_at?: number;
}

export type TokenResult =
  /** `recheckAt`: caches in front of the vault serve the token until then only (tokens/expiry.ts). */
  | { ok: true; token: string; expiresAt: number; providerUserId: string | null; recheckAt?: number | null }
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
