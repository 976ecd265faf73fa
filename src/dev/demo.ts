import { registerAppKey } from '../auth/apps';
import { hasSettings, newWebhookSecret, readSettings, writeSettings } from '../auth/settings';
import { configOf } from '../config';
import type { Env } from '../env';
import { PROVIDERS } from '../providers/names';
import { providerFor } from '../providers/registry';
import { vaultFor } from '../tokens/access';

/** Local `npm start` only: what README "Try it" relies on. Never set in a deployment. */
export const DEMO = {
  apiKey: 'demo-key',
  app: 'demo-app',
  user: 'demo',
  // The mocks read the user after the last `.`: both tokens (and every refresh) are sandbox user `demo`.
  tokens: {
    spotify: { access_token: 'demo-spotify-access.demo', refresh_token: 'demo-spotify-refresh.demo' },
    x: { access_token: 'demo-x-access.demo', refresh_token: 'demo-x-refresh.demo' },
    audius: { access_token: 'demo-audius-access.demo', refresh_token: 'demo-audius-refresh.demo' },
  },
  /** Fans `fan-1` … `fan-20`, connected to Spotify only, for a demo campaign (docs/campaigns.md). */
  fans: 20,
  /**
   * Two more Spotify fans whose consent is old, for the dashboard's connections view: one past
   * Spotify's six months (reauth_required), one within the warning window (expiring).
   */
  lapsed: { 'fan-lapsed': 200, 'fan-expiring': 176 },
} as const;

/** A demo fan's Spotify tokens: sandbox user `fan-N` (the part after the last `.`). */
const fanTokens = (user: string) => ({ access_token: `demo-${user}-access.${user}`, refresh_token: `demo-${user}-refresh.${user}` });

let seeded: Promise<void> | null = null;

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * Demo mode needs the switch and upstreams on this machine: a deployment that sets the var by
 * mistake still talks to the real services, and so never opens the public demo key.
 */
export function isLocalDemo(env: Env): boolean {
  const { spotify, x, audius } = configOf(env);
  return env.CROSSFOLLOW_LOCAL_DEMO === 'on' && [spotify.apiUrl, spotify.accountsUrl, x.apiUrl, audius.apiUrl].every((u) => LOOPBACK.test(u));
}

/** The URL seeding gives the demo app, on whatever port the receiver had then. */
const SEEDED_RECEIVER = new RegExp(`^http://127\\.0\\.0\\.1:\\d+/events/${DEMO.app}$`);

/**
 * The demo app's events go to DEMO_WEBHOOK_URL (the mocks' receiver), for an app with no settings
 * or one whose URL is the receiver's on another port (an earlier npm start with another
 * MOCKS_PORT): whatever else a user set (another URL, or null) stays. Events are signed, so an event
 * secret is made here; nobody sees it (the receiver does not verify), and `rotate_event_secret`
 * shows a new one. No action secret: the first PUT …/settings makes and shows that one.
 */
export async function seedDemoSettings(env: Env): Promise<void> {
  if (!env.DEMO_WEBHOOK_URL) return;
  const webhook_url = `${env.DEMO_WEBHOOK_URL}/events/${DEMO.app}`;
  if (!(await hasSettings(env, DEMO.app))) {
    await writeSettings(env, DEMO.app, { return_to: [], webhook_url, event_secrets: [newWebhookSecret()], action_secrets: [] });
    return;
  }
  // A receiver URL seeded by an earlier npm start on other ports (MOCKS_PORT) follows the
  // receiver to its port now; any other URL (or null) is the user's and stays.
  const settings = await readSettings(env, DEMO.app);
  if (settings.webhook_url && settings.webhook_url !== webhook_url && SEEDED_RECEIVER.test(settings.webhook_url)) {
    await writeSettings(env, DEMO.app, { ...settings, webhook_url });
  }
}

/**
 * Seeds, once per isolate and each only where absent: the demo app key, the demo app's settings,
 * the demo user's connections and the demo fans' Spotify connections.
 */
export function seedDemo(env: Env): Promise<void> {
  seeded ??= (async () => {
    await registerAppKey(env.APPS, DEMO.apiKey, DEMO.app, 'crossfollow local demo');
    await seedDemoSettings(env);
    const connections = [
      ...PROVIDERS.map((provider) => ({ id: { app: DEMO.app, user: DEMO.user, provider }, tokens: DEMO.tokens[provider] })),
      ...Array.from({ length: DEMO.fans }, (_, i) => `fan-${i + 1}`).map((user) => ({
        id: { app: DEMO.app, user, provider: 'spotify' as const },
        tokens: fanTokens(user),
      })),
      ...Object.entries(DEMO.lapsed).map(([user, daysAgo]) => ({
        id: { app: DEMO.app, user, provider: 'spotify' as const },
        tokens: { ...fanTokens(user), authorized_at: Date.now() - daysAgo * 86_400_000 },
      })),
    ];
    await Promise.all(
      connections.map(async ({ id, tokens }) => {
        const vault = vaultFor(env, id);
        if (await vault.status()) return;
        const put = await vault.put({ id, ...tokens, expires_at: Date.now() + 3600_000, scope: providerFor(id.provider).oauth.defaultScopes });
        if (!put.ok) throw new Error(put.detail);
      }),
    );
  })().catch((err) => {
    seeded = null;
    throw err;
  });
  return seeded;
}
