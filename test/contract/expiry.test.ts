import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import type { Stored } from '../../src/tokens/status';
import { BASE, byRefreshToken, byToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

// Spotify refresh tokens end six calendar months after the user's consent (src/tokens/expiry.ts);
// the warning window is EXPIRY_WARNING_DAYS, 14 by default. 175 days ago is 6 to 9 days from the
// end whatever today is; 190 days ago is past it.
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
const RETURN_TO = 'https://shop.example/connected';

/** Six calendar months later, a missing day becoming the month's last (worked out apart from src/). */
function sixMonthsAfter(iso: string): string {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 6, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return target.toISOString();
}

interface Status {
  status: string;
  reason: string | null;
  authorized_at: string;
  refresh_expires_at: string | null;
  expiring: boolean;
  connected_at: string;
  refreshed_at: string | null;
}
interface Event {
  type: string;
  data: Record<string, unknown>;
}

/** A new app whose events go to the test receiver under `name`, and that may send users back to RETURN_TO. */
async function appWithEvents(name: string) {
  const { key, app } = await newApp();
  const res = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: `${inject('mockUrls').receiver}/hooks/${name}`, return_to: [RETURN_TO] }),
  });
  expect(res.status).toBe(200);
  return { key, app };
}

async function events(name: string): Promise<Event[]> {
  const res = await fetch(`${inject('mockUrls').receiver}/__receiver/${name}`);
  return ((await res.json()) as { body: string }[]).map((d) => JSON.parse(d.body) as Event);
}

/**
 * The events of `type` delivered once one of type `until` has arrived, and a moment more: the
 * queue delivers within about a second, so an extra event sent as early would be there too.
 */
async function delivered(name: string, type: string, until = type): Promise<Event[]> {
  for (let i = 0; i < 50 && !(await events(name)).some((e) => e.type === until); i++) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1500));
  return (await events(name)).filter((e) => e.type === type);
}

const status = async (key: string, user: string, provider = 'spotify') =>
  (await (await call(key, 'GET', `/v1/users/${user}/connections/${provider}`)).json()) as Status;
const use = (key: string, user: string) => call(key, 'POST', `/v1/users/${user}/spotify/follows/contains`, { type: 'artist', ids: spotifyIds(1) });
const record = (app: string, user: string, provider: 'spotify' | 'x' | 'audius' = 'spotify') =>
  runInDurableObject(env.TOKEN_VAULT.get(env.TOKEN_VAULT.idFromName(`${app}|${user}|${provider}`)), (_i, state) => state.storage.get<Stored>('connection'));

describe('a Spotify connection near the end of its refresh token', () => {
  it('shows authorized_at, refresh_expires_at and expiring, and sends connection.expiring once for many and concurrent uses', async () => {
    const hook = unique('expiring');
    const { key, app } = await appWithEvents(hook);
    const authorizedAt = daysAgo(175);
    await connect(key, 'ann', { authorized_at: authorizedAt });
    const before = await status(key, 'ann');
    expect(before).toMatchObject({ status: 'active', authorized_at: authorizedAt, refresh_expires_at: sixMonthsAfter(authorizedAt), expiring: true });
    expect((await record(app, 'ann'))!.expiryWarnedAt ?? null).toBeNull();

    const concurrent = await Promise.all(Array.from({ length: 10 }, () => use(key, 'ann')));
    expect(concurrent.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (let i = 0; i < 3; i++) expect((await use(key, 'ann')).status).toBe(200);

    const sent = await delivered(hook, 'connection.expiring');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toEqual({
      user: 'ann',
      provider: 'spotify',
      authorized_at: authorizedAt,
      refresh_expires_at: sixMonthsAfter(authorizedAt),
      reconnect: { method: 'POST', path: '/v1/connections/spotify/authorize', body: { user: 'ann', scopes: ['user-follow-read', 'user-follow-modify'] } },
    });
    expect((await record(app, 'ann'))!.expiryWarnedAt).toEqual(expect.any(Number));
    expect(await status(key, 'ann')).toMatchObject({ status: 'active', expiring: true });

    // The reconnect is the real route: with the app's return_to added it starts a connect.
    const { method, path, body } = sent[0]!.data.reconnect as { method: string; path: string; body: Record<string, unknown> };
    const started = await call(key, method, path, { ...body, return_to: RETURN_TO });
    expect(started.status).toBe(200);
    expect(((await started.json()) as { authorize_url: string }).authorize_url).toContain('scope=user-follow-read+user-follow-modify');
  });

  it('a refresh never moves authorized_at; re-importing the same authorization keeps its one warning, new tokens without authorized_at are a new one', async () => {
    const hook = unique('reimport');
    const { key } = await appWithEvents(hook);
    const authorizedAt = daysAgo(175);
    const rt = unique('rt');
    await connect(key, 'bea', { refresh_token: rt, expires_in: 0, authorized_at: authorizedAt });
    expect((await use(key, 'bea')).status).toBe(200);
    expect(await mockCalls('spotify-accounts', byRefreshToken(rt))).toHaveLength(1);
    const refreshed = await status(key, 'bea');
    expect(refreshed.refreshed_at).not.toBeNull();
    expect(refreshed).toMatchObject({ authorized_at: authorizedAt, expiring: true });

    await connect(key, 'bea', { authorized_at: authorizedAt });
    expect((await use(key, 'bea')).status).toBe(200);
    expect(await delivered(hook, 'connection.expiring')).toHaveLength(1);

    const start = Date.now();
    await connect(key, 'bea');
    const renewed = await status(key, 'bea');
    expect(Date.parse(renewed.authorized_at)).toBeGreaterThanOrEqual(start - 1000);
    expect(renewed).toMatchObject({ expiring: false, refresh_expires_at: sixMonthsAfter(renewed.authorized_at) });
  });

  it('a connection kept from before authorized_at counts from connected_at', async () => {
    const { key, app } = await newApp();
    await connect(key, 'cai');
    await runInDurableObject(env.TOKEN_VAULT.get(env.TOKEN_VAULT.idFromName(`${app}|cai|spotify`)), async (_i, state) => {
      const { authorizedAt: _a, expiryWarnedAt: _w, ...old } = (await state.storage.get<Stored>('connection'))!;
      await state.storage.put('connection', old);
    });
    const shown = await status(key, 'cai');
    expect(shown.authorized_at).toBe(shown.connected_at);
    expect(shown.refresh_expires_at).toBe(sixMonthsAfter(shown.connected_at));
    expect((await use(key, 'cai')).status).toBe(200);
  });
});

describe('a Spotify connection past the end of its refresh token', () => {
  for (const [label, expiresIn] of [
    ['an expired', 0],
    ['an unexpired', 3600],
  ] as const) {
    it(`answers 409 reauth-required on first use with ${label} access token, calling neither the token endpoint nor Spotify`, async () => {
      const hook = unique('ended');
      const { key, app } = await appWithEvents(hook);
      const rt = unique('rt');
      const at = await connect(key, 'dan', { refresh_token: rt, expires_in: expiresIn, authorized_at: daysAgo(190) });
      // Before any use the status already tells the truth; the record turns on use.
      expect(await status(key, 'dan')).toMatchObject({ status: 'reauth_required', expiring: false, reason: expect.stringContaining('6-month limit') });

      const first = await call(key, 'PUT', '/v1/users/dan/spotify/follows', { type: 'artist', ids: spotifyIds(1) });
      expect(first.status).toBe(409);
      const problem = (await first.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:crossfollow:problem:reauth-required');
      expect(problem.detail).toContain('6-month limit');
      expect((await use(key, 'dan')).status).toBe(409);
      expect(await mockCalls('spotify-accounts', byRefreshToken(rt))).toHaveLength(0);
      expect(await mockCalls('spotify-api', byToken(at))).toHaveLength(0);

      const stored = (await record(app, 'dan'))!;
      expect(stored.status).toBe('reauth_required');
      expect(stored.reason).toContain('6-month limit');
      expect(await env.TOKENS.get(`token:${app}|dan|spotify`)).toBeNull();
      const reauth = await delivered(hook, 'connection.reauth_required');
      expect(reauth).toHaveLength(1);
      expect(reauth[0]!.data).toMatchObject({ user: 'dan', provider: 'spotify', reason: expect.stringContaining('6-month limit') });
      expect((await events(hook)).filter((e) => e.type === 'connection.expiring')).toEqual([]);
    });
  }
});

describe('X and Audius refresh tokens have no documented end', () => {
  for (const [provider, ids] of [
    ['x', ['42']],
    ['audius', ['nlGNe']],
  ] as const) {
    it(`${provider}: refresh_expires_at null, never expiring, usable long after authorized_at`, async () => {
      const hook = unique(`noend-${provider}`);
      const { key } = await appWithEvents(hook);
      const authorizedAt = daysAgo(400);
      await connect(key, 'eve', { authorized_at: authorizedAt }, provider);
      expect(await status(key, 'eve', provider)).toMatchObject({ status: 'active', authorized_at: authorizedAt, refresh_expires_at: null, expiring: false });
      expect((await call(key, 'PUT', `/v1/users/eve/${provider}/follows`, { type: 'user', ids })).status).toBe(200);
      expect((await call(key, 'DELETE', `/v1/users/eve/connections/${provider}`)).status).toBe(204);
      expect(await delivered(hook, 'connection.expiring', 'connection.deleted')).toEqual([]);
    });
  }
});

describe('authorized_at on import', () => {
  it('in the future, or not a date-time, is a 422 at /authorized_at', async () => {
    const { key } = await newApp();
    for (const authorized_at of [new Date(Date.now() + DAY).toISOString(), 'last June']) {
      const res = await call(key, 'PUT', '/v1/users/fay/connections/spotify', { access_token: 'a', authorized_at });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual(['/authorized_at']);
    }
    expect((await call(key, 'GET', '/v1/users/fay/connections/spotify')).status).toBe(404);
  });

  it('defaults to now', async () => {
    const { key } = await newApp();
    const start = Date.now();
    await connect(key, 'gus');
    const shown = await status(key, 'gus');
    expect(Date.parse(shown.authorized_at)).toBeGreaterThanOrEqual(start - 1000);
    expect(Date.parse(shown.authorized_at)).toBeLessThanOrEqual(Date.now());
    expect(shown.expiring).toBe(false);
  });
});
