import { formRequest, type ProviderOAuth } from '../../oauth/client';

/** X OAuth 2: public (PKCE) or confidential client; single-use refresh tokens; `POST /2/oauth2/revoke`. */
export const xOAuth: ProviderOAuth = {
  defaultScopes: 'tweet.read users.read follows.read follows.write offline.access',
  rotatesRefreshTokens: true,
  refreshLifetime: null,
  authorize: (config) => ({ url: config.x.authorizeUrl, clientId: config.x.clientId }),
  tokenRequest(config, grant) {
    const { clientId, clientSecret, apiUrl } = config.x;
    if (!clientId) return 'X_CLIENT_ID must be set (and X_CLIENT_SECRET for a confidential client) to use X tokens.';
    return formRequest(`${apiUrl}/2/oauth2/token`, grant, clientId, clientSecret);
  },
  // X answers a spent or revoked refresh token with 400 invalid_request ("Value passed for the
  // token was invalid"); other invalid_requests are the client's fault, not the user's.
  refused: (status, error, description) =>
    status === 400 && (error === 'invalid_grant' || (error === 'invalid_request' && /token/i.test(String(description ?? '')))),
  revokeRequest(config, token, hint) {
    const { clientId, clientSecret, apiUrl } = config.x;
    return clientId ? formRequest(`${apiUrl}/2/oauth2/revoke`, { token, token_type_hint: hint }, clientId, clientSecret) : null;
  },
};
