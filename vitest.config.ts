import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** A fixed test-only key: 32 bytes of 0x01..0x20, base64. */
const TEST_TOKEN_KEYS = 'test1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';

export default defineConfig({
  test: {
    projects: [
      {
        // The worker in workerd (real KV and Durable Objects) against real Prism processes.
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './src/index.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...inject('upstreamVars'),
                TOKEN_KEYS: TEST_TOKEN_KEYS,
                SPOTIFY_CLIENT_ID: 'test-client-id',
                ADMIN_TOKEN: 'test-admin-token',
                SPOTIFY_CLIENT_SECRET: 'test-client-secret',
                X_CLIENT_ID: 'test-x-client',
                AUDIUS_API_KEY: 'test-audius-key',
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          globalSetup: ['./test/support/global-setup.ts'],
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // `npm start` itself, as a user runs it: wrangler dev + the mocks, then Ctrl-C.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
