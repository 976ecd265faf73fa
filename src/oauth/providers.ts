import type { Env } from '../env';
import type { ProviderName } from '../providers/names';

/** What the follow and library operations need, per provider; an app may ask for others. */
export const DEFAULT_SCOPES: Record<ProviderName, string> = {
  spotify:
    'user-follow-read user-follow-modify user-library-read user-library-modify playlist-read-private playlist-read-collaborative playlist-modify-public playlist-modify-private user-top-read user-read-private user-read-email user-read-playback-position',
  x: 'tweet.read users.read follows.read follows.write offline.access',
  audius: 'read write',
};

/** The provider's authorize page and this app's client id there. */
function authorizeBase(provider: ProviderName, env: Env): { url: string; clientId: string | undefined } {
  switch (provider) {
    case 'spotify':
      return { url: `${env.SPOTIFY_ACCOUNTS_URL}/authorize`, clientId: env.SPOTIFY_CLIENT_ID };
    case 'x':
      return { url: env.X_AUTHORIZE_URL, clientId: env.X_CLIENT_ID };
    case 'audius':
      return { url: `${env.AUDIUS_API_URL}/oauth/authorize`, clientId: env.AUDIUS_API_KEY };
  }
}

/** Authorization code with PKCE S256; null when the app's client id for the provider is not set. */
export function authorizeUrl(provider: ProviderName, env: Env, p: { state: string; challenge: string; redirectUri: string; scopes: string }): string | null {
  const base = authorizeBase(provider, env);
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

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes, base64url: used for both `state` and the PKCE verifier (43 characters). */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;
