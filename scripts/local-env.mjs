// The settings `npm start` gives `wrangler dev`: the local mocks, the demo switch, and key
// material that is public on purpose (local use only; a deployment sets its own secrets).
export const PORT = Number(process.env.PORT ?? 8787);
export const MOCKS_PORT = Number(process.env.MOCKS_PORT ?? 4010);

/** Proxy port of each mocked upstream (see mocks/harness.mjs). */
export const MOCK_PORTS = { 'spotify-api': MOCKS_PORT, 'spotify-accounts': MOCKS_PORT + 1, 'x-api': MOCKS_PORT + 2, 'audius-api': MOCKS_PORT + 3 };

/**
 * The event receiver (mocks/receiver.mjs) beside the mocks: the demo app's webhook_url until the
 * user sets another. Derived, not read from the environment: docs/hooks-and-events.md's
 * walkthrough uses RECEIVER_PORT for a receiver of the user's own.
 */
export const RECEIVER_PORT = MOCKS_PORT + 4;

export const LOCAL_VARS = {
  SPOTIFY_API_URL: `http://127.0.0.1:${MOCK_PORTS['spotify-api']}`,
  SPOTIFY_ACCOUNTS_URL: `http://127.0.0.1:${MOCK_PORTS['spotify-accounts']}`,
  X_API_URL: `http://127.0.0.1:${MOCK_PORTS['x-api']}`,
  X_AUTHORIZE_URL: `http://127.0.0.1:${MOCK_PORTS['x-api']}/i/oauth2/authorize`,
  AUDIUS_API_URL: `http://127.0.0.1:${MOCK_PORTS['audius-api']}`,
  X_CLIENT_ID: 'local-x-client-id',
  AUDIUS_API_KEY: 'local-audius-api-key',
  CROSSFOLLOW_LOCAL_DEMO: 'on',
  // Read by src/dev/demo.ts only: seeding points the demo app's events at <this>/events/demo-app.
  DEMO_WEBHOOK_URL: `http://127.0.0.1:${RECEIVER_PORT}`,
  TOKEN_KEYS: 'local1:bG9jYWwtb25seS1rZXktLW5vdC1hLXNlY3JldC0hISE=',
  SPOTIFY_CLIENT_ID: 'local-client-id',
  SPOTIFY_CLIENT_SECRET: 'local-client-secret',
  ADMIN_TOKEN: 'local-admin-token',
};

/**
 * The Governor's settings from the environment, for `npm start` to pass on (`SPOTIFY_RATE=0 npm
 * start`); unset ones keep the worker's defaults. Only plain values: they go into a command line.
 */
export const GOVERNOR_VARS = Object.fromEntries(
  ['RATE_GOVERNOR', 'SPOTIFY_RATE', 'X_RATE', 'AUDIUS_RATE'].filter((k) => /^[\w.]+$/.test(process.env[k] ?? '')).map((k) => [k, process.env[k]]),
);

export const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
