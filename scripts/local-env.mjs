// The vars `npm start` gives `wrangler dev`: the local mocks, the demo switch, and key material
// that is public on purpose (local use only; a deployment sets its own secrets).
export const LOCAL_VARS = {
  SPOTIFY_API_URL: 'http://127.0.0.1:4010',
  SPOTIFY_ACCOUNTS_URL: 'http://127.0.0.1:4011',
  CROSSFOLLOW_LOCAL_DEMO: 'on',
  TOKEN_KEYS: 'local1:bG9jYWwtb25seS1rZXktLW5vdC1hLXNlY3JldC0hISE=',
  SPOTIFY_CLIENT_ID: 'local-client-id',
  SPOTIFY_CLIENT_SECRET: 'local-client-secret',
};

export const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
