import { basicAuth, type ProviderOAuth } from '../../oauth/client';

/** Spotify accounts: a confidential client; refresh tokens are reused (not rotated); no revocation endpoint. */
export const spotifyOAuth: ProviderOAuth = {
  defaultScopes:
    'user-follow-read user-follow-modify user-library-read user-library-modify playlist-read-private playlist-read-collaborative playlist-modify-public playlist-modify-private user-top-read user-read-private user-read-email user-read-playback-position',
  rotatesRefreshTokens: false,
  // Since 2026 (new apps from 2026-06-18, existing ones from 2026-07-20) a refresh token ends six
  // months after the user's original consent, and refreshing does not extend it.
  refreshLifetime: { months: 6 },
  authorize: (config) => ({ url: `${config.spotify.accountsUrl}/authorize`, clientId: config.spotify.clientId }),
  tokenRequest(config, grant) {
    const { clientId, clientSecret, accountsUrl } = config.spotify;
    if (!clientId || !clientSecret) return 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must be set as secrets to use Spotify tokens.';
    return {
      url: `${accountsUrl}/api/token`,
      headers: { authorization: basicAuth(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(grant).toString(),
    };
  },
  refused: (status, error) => status === 400 && error === 'invalid_grant',
};
