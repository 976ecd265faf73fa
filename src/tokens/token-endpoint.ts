import type { Env } from '../env';
import { fetchWithRetry, isRetryableStatus, parseRetryAfter } from '../upstream/retry';

export type ProviderName = 'spotify';
export const PROVIDERS: readonly ProviderName[] = ['spotify'];

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

/**
 * Calls a provider's token endpoint with a refresh token. Only the TokenVault Durable Object
 * calls this, so there is one refresh per connection at a time.
 */
export async function refreshGrant(provider: ProviderName, env: Env, refreshToken: string): Promise<RefreshOutcome> {
  if (provider !== 'spotify') return { kind: 'misconfigured', detail: `no token endpoint for ${provider}` };
  if (!env.SPOTIFY_CLIENT_ID || !env.SPOTIFY_CLIENT_SECRET) {
    return { kind: 'misconfigured', detail: 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must be set as secrets to refresh Spotify tokens.' };
  }
  const outcome = await fetchWithRetry(`${env.SPOTIFY_ACCOUNTS_URL}/api/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${env.SPOTIFY_CLIENT_ID}:${env.SPOTIFY_CLIENT_SECRET}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  if (outcome.kind === 'network') return { kind: 'unavailable', detail: `Spotify's token endpoint: ${outcome.detail}` };
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
  if (res.status === 400 && body.error === 'invalid_grant') {
    return { kind: 'invalid_grant', detail: 'Spotify no longer accepts the stored refresh token (invalid_grant).' };
  }
  if (res.status === 401 || (res.status === 400 && body.error === 'invalid_client')) {
    return { kind: 'misconfigured', detail: 'Spotify rejected the client credentials (SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET).' };
  }
  if (isRetryableStatus(res.status)) {
    return { kind: 'unavailable', detail: `Spotify's token endpoint answered ${res.status}.`, retryAfter: parseRetryAfter(res.headers.get('retry-after')) };
  }
  // Any other refusal will not pass on a retry: it is for the operator to look at.
  const error = typeof body.error === 'string' ? ` (${body.error.slice(0, 60)})` : '';
  return { kind: 'misconfigured', detail: `Spotify's token endpoint refused the refresh with ${res.status}${error}.` };
}
