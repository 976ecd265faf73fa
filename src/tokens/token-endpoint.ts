import type { Env } from '../env';
import { PROVIDER_LABELS, type ProviderName } from '../providers/names';
import { fetchWithRetry, isRetryableStatus, parseRetryAfter } from '../net/retry';


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

interface TokenRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The grant a token request carries: a refresh, or an authorization code with its PKCE verifier. */
export type GrantRequest = { grant_type: 'refresh_token'; refresh_token: string } | { grant_type: 'authorization_code'; code: string; code_verifier: string; redirect_uri: string };

/**
 * How each provider wants a refresh asked for. X and Audius hand out single-use refresh tokens
 * (every refresh returns a new one), so their requests are never retried: a retry after a lost
 * answer would send a refresh token that may already be spent.
 */
const ENDPOINTS: Record<
  ProviderName,
  { rotates: boolean; build(env: Env, grant: GrantRequest): TokenRequest | string; refused(status: number, error: unknown, description?: unknown): boolean }
> = {
  spotify: {
    rotates: false,
    build(env, grant) {
      if (!env.SPOTIFY_CLIENT_ID || !env.SPOTIFY_CLIENT_SECRET) return 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must be set as secrets to use Spotify tokens.';
      return {
        url: `${env.SPOTIFY_ACCOUNTS_URL}/api/token`,
        headers: { authorization: `Basic ${btoa(`${env.SPOTIFY_CLIENT_ID}:${env.SPOTIFY_CLIENT_SECRET}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(grant).toString(),
      };
    },
    refused: (status, error) => status === 400 && error === 'invalid_grant',
  },
  x: {
    rotates: true,
    build(env, grant) {
      if (!env.X_CLIENT_ID) return 'X_CLIENT_ID must be set (and X_CLIENT_SECRET for a confidential client) to use X tokens.';
      const form = new URLSearchParams(grant);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      // Confidential clients authenticate with Basic; public clients name themselves in the body.
      if (env.X_CLIENT_SECRET) headers.authorization = `Basic ${btoa(`${env.X_CLIENT_ID}:${env.X_CLIENT_SECRET}`)}`;
      else form.set('client_id', env.X_CLIENT_ID);
      return { url: `${env.X_API_URL}/2/oauth2/token`, headers, body: form.toString() };
    },
    // X answers a spent or revoked refresh token with 400 invalid_request ("Value passed for the
    // token was invalid"); other invalid_requests are the client's fault, not the user's.
    refused: (status, error, description) => status === 400 && (error === 'invalid_grant' || (error === 'invalid_request' && /token/i.test(String(description ?? '')))),
  },
  audius: {
    rotates: true,
    build(env, grant) {
      if (!env.AUDIUS_API_KEY) return 'AUDIUS_API_KEY must be set (it is the OAuth client_id) to use Audius tokens.';
      return {
        url: `${env.AUDIUS_API_URL}/oauth/token`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...grant, client_id: env.AUDIUS_API_KEY }),
      };
    },
    refused: (status, error) => status === 400 && error === 'invalid_grant',
  },
};

/**
 * Calls a provider's token endpoint with a refresh token. Only the TokenVault Durable Object
 * calls this, so there is one refresh per connection at a time.
 */
export function refreshGrant(provider: ProviderName, env: Env, refreshToken: string): Promise<RefreshOutcome> {
  return tokenGrant(provider, env, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Calls a provider's token endpoint with a refresh token or an authorization code. */
export async function tokenGrant(provider: ProviderName, env: Env, grant: GrantRequest): Promise<RefreshOutcome> {
  const endpoint = ENDPOINTS[provider];
  const label = PROVIDER_LABELS[provider];
  const request = endpoint.build(env, grant);
  if (typeof request === 'string') return { kind: 'misconfigured', detail: request };
  const outcome = await fetchWithRetry(
    request.url,
    { method: 'POST', headers: { ...request.headers, accept: 'application/json' }, body: request.body },
    // A code is single-use too: an exchange is never retried either.
    { attempts: endpoint.rotates || grant.grant_type === 'authorization_code' ? 1 : 3 },
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
  if (endpoint.refused(res.status, body.error, body.error_description)) {
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

/** Whether the provider's refresh tokens are single-use (a new one with every refresh). */
export function rotatesRefreshTokens(provider: ProviderName): boolean {
  return ENDPOINTS[provider].rotates;
}

/**
 * Asks the provider to revoke a token where it can (X `POST /2/oauth2/revoke`, Audius
 * `POST /oauth/revoke`; Spotify has no revocation endpoint). Best effort: the tokens are
 * forgotten whatever the answer, and the result only says whether the provider confirmed.
 */
export async function revokeToken(provider: ProviderName, env: Env, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
  let request: TokenRequest | null = null;
  if (provider === 'x' && env.X_CLIENT_ID) {
    const form = new URLSearchParams({ token, token_type_hint: hint });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (env.X_CLIENT_SECRET) headers.authorization = `Basic ${btoa(`${env.X_CLIENT_ID}:${env.X_CLIENT_SECRET}`)}`;
    else form.set('client_id', env.X_CLIENT_ID);
    request = { url: `${env.X_API_URL}/2/oauth2/revoke`, headers, body: form.toString() };
  } else if (provider === 'audius' && env.AUDIUS_API_KEY) {
    request = { url: `${env.AUDIUS_API_URL}/oauth/revoke`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, client_id: env.AUDIUS_API_KEY }) };
  }
  if (!request) return false;
  const outcome = await fetchWithRetry(request.url, { method: 'POST', headers: request.headers, body: request.body }, { attempts: 2, budgetMs: 5_000 });
  if (outcome.kind !== 'response') return false;
  await outcome.response.body?.cancel();
  return outcome.response.ok;
}
