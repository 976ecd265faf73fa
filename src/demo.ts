import type { Env } from './env';
import { registerAppKey } from './auth/apps';
import { vaultFor } from './tokens/access';

/** Local `npm start` only: what README "Try it" relies on. Never set in a deployment. */
export const DEMO = {
  apiKey: 'demo-key',
  app: 'demo-app',
  user: 'demo',
  spotify: { access_token: 'demo-spotify-access-token', refresh_token: 'demo-spotify-refresh-token' },
} as const;

const SPOTIFY_SCOPES =
  'user-follow-read user-follow-modify user-library-read user-library-modify playlist-read-private playlist-modify-public playlist-modify-private user-top-read user-read-private user-read-email';

let seeded: Promise<void> | null = null;

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * Demo mode needs the switch and upstreams on this machine: a deployment that sets the var by
 * mistake still talks to the real services, and so never opens the public demo key.
 */
export function isLocalDemo(env: Env): boolean {
  return env.CROSSFOLLOW_LOCAL_DEMO === 'on' && LOOPBACK.test(env.SPOTIFY_API_URL) && LOOPBACK.test(env.SPOTIFY_ACCOUNTS_URL);
}

/** Seeds the demo app key and the demo user's Spotify connection once per isolate, if absent. */
export function seedDemo(env: Env): Promise<void> {
  seeded ??= (async () => {
    await registerAppKey(env.APPS, DEMO.apiKey, DEMO.app, 'crossfollow local demo');
    const vault = vaultFor(env, { app: DEMO.app, user: DEMO.user, provider: 'spotify' });
    if (!(await vault.status())) {
      const put = await vault.put({
        id: { app: DEMO.app, user: DEMO.user, provider: 'spotify' },
        ...DEMO.spotify,
        expires_at: Date.now() + 3600_000,
        scope: SPOTIFY_SCOPES,
      });
      if (!put.ok) throw new Error(put.detail);
    }
  })().catch((err) => {
    seeded = null;
    throw err;
  });
  return seeded;
}
