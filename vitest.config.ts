import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { filterRuntimeNoise, withoutDanglingSourcemaps } from './test/support/log-noise.ts';

// workerd's own reports that say nothing about the code under test (see test/support/log-noise.ts).
filterRuntimeNoise();

/** A fixed test-only key: 32 bytes of 0x01..0x20, base64. */
const TEST_TOKEN_KEYS = 'test1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';

/** The worker in workerd (real KV and Durable Objects) against real Prism processes. */
function workerProject(name: string, include: string[], vars: Record<string, string> = {}) {
  return {
    plugins: [
      withoutDanglingSourcemaps('standardwebhooks'),
      cloudflareTest(({ inject }) => ({
        // src/index.ts under the secret scan (test/support/secret-scan.ts).
        main: './test/support/scanned-worker.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ...inject('upstreamVars'),
            TOKEN_KEYS: TEST_TOKEN_KEYS,
            SPOTIFY_CLIENT_ID: 'test-client-id',
            SPOTIFY_CLIENT_SECRET: 'test-client-secret',
            X_CLIENT_ID: 'test-x-client',
            AUDIUS_API_KEY: 'test-audius-key',
            ADMIN_TOKEN: 'test-admin-token',
            CROSSFOLLOW_TEST_PREFER: 'on',
            // No pacing: tests count calls and time them; the Governor's own tests set a rate.
            SPOTIFY_RATE: '0',
            X_RATE: '0',
            AUDIUS_RATE: '0',
            // Campaign verification a second after a fan ran, not the default 30.
            CAMPAIGN_VERIFY_SECONDS: '1',
            ...vars,
          },
        },
      })),
    ],
    test: { name, globalSetup: ['./test/support/global-setup.ts'], setupFiles: ['./test/support/scan-setup.ts'], include, testTimeout: 20_000 },
  };
}

export default defineConfig({
  test: {
    projects: [
      workerProject('worker', ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts']),
      // The same worker configured for Spotify's per-type endpoints.
      workerProject('worker-legacy', ['test/legacy/**/*.test.ts'], { SPOTIFY_ENDPOINTS: 'legacy' }),
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
