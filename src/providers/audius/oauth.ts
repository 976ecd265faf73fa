import type { ProviderOAuth } from '../../oauth/client';

/** Audius OAuth: the app's API key is the client id; JSON bodies; single-use refresh tokens; `POST /oauth/revoke`. */
export const audiusOAuth: ProviderOAuth = {
  defaultScopes: 'read write',
  rotatesRefreshTokens: true,
  refreshLifetime: null,
  authorize: (config) => ({ url: `${config.audius.apiUrl}/oauth/authorize`, clientId: config.audius.apiKey }),
  tokenRequest(config, grant) {
    const { apiKey, apiUrl } = config.audius;
    if (!apiKey) return 'AUDIUS_API_KEY must be set (it is the OAuth client_id) to use Audius tokens.';
    return { url: `${apiUrl}/oauth/token`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...grant, client_id: apiKey }) };
  },
  refused: (status, error) => status === 400 && error === 'invalid_grant',
  revokeRequest(config, token) {
    const { apiKey, apiUrl } = config.audius;
    return apiKey
      ? { url: `${apiUrl}/oauth/revoke`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, client_id: apiKey }) }
      : null;
  },
};
