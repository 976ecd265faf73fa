/**
 * The generic OAuth 2 client every provider's `oauth.ts` describes itself to: the authorize URL
 * (authorization code + PKCE S256), token requests (code exchange, refresh) and revocation.
 * Written here rather than taken from a library because each provider bends the standard its
 * own way (X's spent-token answer, Audius' JSON bodies, Spotify's missing revocation) and the
 * libraries for Workers (openauth, oauth4webapi) would still need every one of those bends.
 */
import type { Config } from '../config';
import { fetchWithRetry, isRetryableStatus, parseRetryAfter } from '../net/retry';
import { PROVIDER_LABELS, type ProviderName } from '../providers/names';

export interface Grant {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
}

export type RefreshOutcome =
  | { kind: 'ok'; grant: Grant }
  | { kind: 'invalid_grant'; detail: string }
  | { kind: 'unavailable'; detail: string; retryAfter?: number }
  | { kind: 'misconfigured'; detail: string };

/** One request to a token or revocation endpoint. */
export interface TokenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The grant a token request carries: a refresh, or an authorization code with its PKCE verifier. */
export type GrantRequest =
  | { grant_type: 'refresh_token'; refresh_token: string }
  | { grant_type: 'authorization_code'; code: string; code_verifier: string; redirect_uri: string };

/**
 * How long a refresh token lives counted from the user's original consent, however often it is
 * refreshed; null where the provider documents no such limit.
 */
export type RefreshLifetime = { months: number } | null;

/** Everything OAuth one provider knows; `providers/<name>/oauth.ts` fills it in. */
export interface ProviderOAuth {
  /** What the follow and library operations need; an app may ask for others. */
  defaultScopes: string;
  /** Single-use refresh tokens (a new one with every refresh): such requests are never retried. */
  rotatesRefreshTokens: boolean;
  /**
   * Past it the token endpoint refuses the refresh token whatever is done, so crossfollow warns
   * before it and asks the user again after it instead of spending a refresh (tokens/expiry.ts).
   */
  refreshLifetime: RefreshLifetime;
  /** The authorize page and this app's client id there (undefined when not configured). */
  authorize(config: Config): { url: string; clientId: string | undefined };
  /** The token request for `grant`, or why it cannot be made (a missing secret). */
  tokenRequest(config: Config, grant: GrantRequest): TokenRequest | string;
  /** Whether an error answer means the user's grant is gone (reconnect), not a fault of ours. */
  refused(status: number, error: unknown, description?: unknown): boolean;
  /** The revocation request for a token; absent where the provider has no revocation endpoint. */
  revokeRequest?(config: Config, token: string, hint: 'refresh_token' | 'access_token'): TokenRequest | null;
}

/** `Authorization: Basic` for a confidential client. */
export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${clientId}:${clientSecret}`)}`;
}

/**
 * A form request from a client that is confidential (Basic auth) when it has a secret, and names
 * itself with `client_id` in the body when it does not (a public PKCE client).
 */
export function formRequest(url: string, form: Record<string, string>, clientId: string, clientSecret: string | undefined): TokenRequest {
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (clientSecret) headers.authorization = basicAuth(clientId, clientSecret);
  else body.set('client_id', clientId);
  return { url, headers, body: body.toString() };
}

/** Authorization code with PKCE S256; null when the app's client id for the provider is not set. */
export function authorizeUrl(
  oauth: ProviderOAuth,
  config: Config,
  p: { state: string; challenge: string; redirectUri: string; scopes: string },
): string | null {
  const base = oauth.authorize(config);
  if (!base.clientId) return null;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: base.clientId,
    redirect_uri: p.redirectUri,
    scope: p.scopes,
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  });
  return `${base.url}?${query}`;
}

/** Calls a provider's token endpoint with a refresh token or an authorization code. */
export async function tokenGrant(provider: ProviderName, oauth: ProviderOAuth, config: Config, grant: GrantRequest): Promise<RefreshOutcome> {
  const label = PROVIDER_LABELS[provider];
  const request = oauth.tokenRequest(config, grant);
  if (typeof request === 'string') return { kind: 'misconfigured', detail: request };
  const outcome = await fetchWithRetry(
    request.url,
    { method: 'POST', headers: { ...request.headers, accept: 'application/json' }, body: request.body },
    // A code is single-use too: an exchange is never retried either.
    { attempts: oauth.rotatesRefreshTokens || grant.grant_type === 'authorization_code' ? 1 : 3 },
  );
  if (outcome.kind === 'network') return { kind: 'unavailable', detail: `${label}'s token endpoint: ${outcome.detail}` };
  const res = outcome.response;
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.ok && typeof body.access_token === 'string') {
    return {
      kind: 'ok',
      grant: {
        access_token: body.access_token,
        refresh_token: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
        expires_in: typeof body.expires_in === 'number' ? body.expires_in : 3600,
        scope: typeof body.scope === 'string' ? body.scope : undefined,
      },
    };
  }
  if (oauth.refused(res.status, body.error, body.error_description)) {
    return { kind: 'invalid_grant', detail: `${label} no longer accepts the stored refresh token (${String(body.error)}).` };
  }
  if (res.status === 401 || body.error === 'invalid_client' || body.error === 'unauthorized_client') {
    return { kind: 'misconfigured', detail: `${label} rejected the client credentials.` };
  }
  if (isRetryableStatus(res.status)) {
    return { kind: 'unavailable', detail: `${label}'s token endpoint answered ${res.status}.`, retryAfter: parseRetryAfter(res.headers.get('retry-after')) };
  }
  // Any other refusal will not pass on a retry: it is for the operator to look at.
  const error = typeof body.error === 'string' ? ` (${body.error.slice(0, 60)})` : '';
  return { kind: 'misconfigured', detail: `${label}'s token endpoint refused the refresh with ${res.status}${error}.` };
}

/**
 * Asks the provider to revoke a token where it can. Best effort: the tokens are forgotten
 * whatever the answer, and the result only says whether the provider confirmed.
 */
export async function revokeToken(oauth: ProviderOAuth, config: Config, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
  const request = oauth.revokeRequest?.(config, token, hint);
  if (!request) return false;
  const outcome = await fetchWithRetry(request.url, { method: 'POST', headers: request.headers, body: request.body }, { attempts: 2, budgetMs: 5_000 });
  if (outcome.kind !== 'response') return false;
  await outcome.response.body?.cancel();
  return outcome.response.ok;
}
