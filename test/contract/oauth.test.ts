import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, mockCalls, newApp, spotifyIds } from '../support/helpers';

const RETURN_TO = 'https://shop.example/connected';

async function appWithReturnTo() {
  const { key, app } = await newApp();
  const res = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ return_to: [RETURN_TO] }),
  });
  expect(res.status).toBe(200);
  return { key, app };
}

async function authorize(key: string, provider: string, user = 'oa', extra: Record<string, unknown> = {}) {
  const res = await call(key, 'POST', `/v1/connections/${provider}/authorize`, { user, return_to: RETURN_TO, ...extra });
  expect(res.status).toBe(200);
  return (await res.json()) as { authorize_url: string; redirect_uri: string };
}

/** Plays the provider's consent page (the mock says yes) and returns where it sends the user. */
async function consent(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const callbackOf = (u: URL) => SELF.fetch(`${BASE}${u.pathname}${u.search}`, { redirect: 'manual' });
const tokenCalls = (upstream: 'spotify-accounts' | 'x-api' | 'audius-api', code: string) => mockCalls(upstream, (c) => c.body.includes(code));

describe('OAuth connect', () => {
  for (const [provider, upstream] of [
    ['spotify', 'spotify-accounts'],
    ['x', 'x-api'],
    ['audius', 'audius-api'],
  ] as const) {
    it(`${provider}: authorize → consent → callback → active connection that works`, async () => {
      const { key } = await appWithReturnTo();
      const started = await authorize(key, provider);
      const url = new URL(started.authorize_url);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('redirect_uri')).toBe(`${BASE}/v1/oauth/${provider}/callback`);
      const back = await consent(started.authorize_url);
      const consentedAt = Date.now();
      const done = await callbackOf(back);
      expect(done.status).toBe(303);
      expect(done.headers.get('cache-control')).toBe('no-store');
      const location = new URL(done.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(RETURN_TO);
      const { connect_id, ...rest } = Object.fromEntries(location.searchParams);
      expect(rest).toEqual({ provider, user: 'oa', crossfollow_status: 'confirm' });
      // Nothing is connected until the app confirms in the user's own session.
      expect((await call(key, 'GET', `/v1/users/oa/connections/${provider}`)).status).toBe(404);
      expect((await call(key, 'POST', `/v1/users/oa/connections/${provider}/confirm`, { connect_id })).status).toBe(201);
      const exchange = await tokenCalls(upstream, back.searchParams.get('code')!);
      expect(exchange).toHaveLength(1);
      expect(exchange[0]!.violations).toEqual([]);
      expect(exchange[0]!.body).toContain('code_verifier');
      const status = (await (await call(key, 'GET', `/v1/users/oa/connections/${provider}`)).json()) as {
        status: string;
        authorized_at: string;
        refresh_expires_at: string | null;
      };
      expect(status.status).toBe('active');
      // Authorized at the callback, the moment consent came back; Spotify's refresh token ends 6 months on.
      expect(Date.parse(status.authorized_at)).toBeGreaterThanOrEqual(consentedAt - 1000);
      expect(Date.parse(status.authorized_at)).toBeLessThanOrEqual(Date.now());
      const end = new Date(status.authorized_at);
      end.setUTCMonth(end.getUTCMonth() + 6);
      if (provider === 'spotify') {
        const ends = Date.parse(status.refresh_expires_at!);
        expect(ends).toBeLessThanOrEqual(end.getTime());
        expect(ends - end.getTime()).toBeGreaterThan(-4 * 86_400_000); // a 31st becomes the month's last day, no earlier
      } else expect(status.refresh_expires_at).toBeNull();
      const follow = await call(
        key,
        'PUT',
        `/v1/users/oa/${provider}/follows`,
        provider === 'spotify' ? { type: 'artist', ids: spotifyIds(1) } : { type: 'user', ids: [provider === 'x' ? '42' : 'nlGNe'] },
      );
      expect(follow.status).toBe(200);
    });
  }

  it('refuses a return_to outside the allowlist', async () => {
    const { key } = await appWithReturnTo();
    const res = await call(key, 'POST', '/v1/connections/spotify/authorize', { user: 'oa', return_to: 'https://evil.example/' });
    expect(res.status).toBe(422);
  });

  it('sends access_denied back to the app and stores nothing', async () => {
    const { key } = await appWithReturnTo();
    const started = await authorize(key, 'spotify', 'oa', { scopes: ['deny'] });
    const back = await consent(started.authorize_url);
    const done = await callbackOf(back);
    expect(done.status).toBe(303);
    expect(new URL(done.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect((await call(key, 'GET', '/v1/users/oa/connections/spotify')).status).toBe(404);
  });

  it('refuses a missing, garbled, unknown, reused or wrong-provider state without calling the token endpoint', async () => {
    const { key } = await appWithReturnTo();
    const started = await authorize(key, 'spotify');
    const back = await consent(started.authorize_url);
    const code = back.searchParams.get('code')!;
    const state = back.searchParams.get('state')!;
    const bad = [
      `/v1/oauth/spotify/callback?code=${code}`,
      `/v1/oauth/spotify/callback?code=${code}&state=not-a-state`,
      `/v1/oauth/spotify/callback?code=${code}&state=${'A'.repeat(43)}`,
      `/v1/oauth/x/callback?code=${code}&state=${state}`,
    ];
    for (const path of bad) {
      const res = await SELF.fetch(`${BASE}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:invalid-state' });
    }
    // The wrong-provider attempt consumed the state: the real callback now finds it used.
    expect((await callbackOf(back)).status).toBe(400);
    expect(await tokenCalls('spotify-accounts', code)).toHaveLength(0);
    expect((await call(key, 'GET', '/v1/users/oa/connections/spotify')).status).toBe(404);
  });

  it('a state works once: a replayed callback is refused', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'spotify')).authorize_url);
    expect((await callbackOf(back)).status).toBe(303);
    expect((await callbackOf(back)).status).toBe(400);
    expect(await tokenCalls('spotify-accounts', back.searchParams.get('code')!)).toHaveLength(1);
  });
});

describe("OAuth connect cannot be used to attach someone else's account", () => {
  it('a connect_id confirms only for the user who started the connect, once', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'spotify', 'mallory')).authorize_url);
    const location = new URL((await callbackOf(back)).headers.get('location')!);
    const connectId = location.searchParams.get('connect_id')!;
    // Victor completed Mallory's link: Victor's session confirms as victor, which does not match.
    expect((await call(key, 'POST', '/v1/users/victor/connections/spotify/confirm', { connect_id: connectId })).status).toBe(404);
    expect((await call(key, 'GET', '/v1/users/victor/connections/spotify')).status).toBe(404);
    expect((await call(key, 'POST', '/v1/users/mallory/connections/spotify/confirm', { connect_id: connectId })).status).toBe(201);
    expect((await call(key, 'POST', '/v1/users/mallory/connections/spotify/confirm', { connect_id: connectId })).status).toBe(404);
  });

  it('another app cannot confirm a connect', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'spotify')).authorize_url);
    const connectId = new URL((await callbackOf(back)).headers.get('location')!).searchParams.get('connect_id')!;
    const other = await newApp();
    expect((await call(other.key, 'POST', '/v1/users/oa/connections/spotify/confirm', { connect_id: connectId })).status).toBe(404);
  });
});

describe('failed exchanges and expired states', () => {
  it('a code the provider refuses sends the user back with exchange_failed and stores nothing', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'spotify')).authorize_url);
    back.searchParams.set('code', `revoked-code-${crypto.randomUUID()}`); // the mock token endpoint answers 400
    const done = await callbackOf(back);
    expect(done.status).toBe(303);
    const location = new URL(done.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('exchange_failed');
    expect(location.searchParams.get('connect_id')).toBeNull();
    expect(await tokenCalls('spotify-accounts', back.searchParams.get('code')!)).toHaveLength(1);
    expect((await call(key, 'GET', '/v1/users/oa/connections/spotify')).status).toBe(404);
  });

  it('a callback without a code sends the user back with missing_code', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'x')).authorize_url);
    back.searchParams.delete('code');
    const done = await callbackOf(back);
    expect(new URL(done.headers.get('location')!).searchParams.get('error')).toBe('missing_code');
    expect((await call(key, 'GET', '/v1/users/oa/connections/x')).status).toBe(404);
  });

  it('a state older than 10 minutes is refused without calling the token endpoint', async () => {
    const { key } = await appWithReturnTo();
    const back = await consent((await authorize(key, 'spotify')).authorize_url);
    const state = back.searchParams.get('state')!;
    await runInDurableObject(env.OAUTH_STATE.get(env.OAUTH_STATE.idFromName(state)), async (_i, s) => {
      const pending = (await s.storage.get<{ expires_at: number }>('pending'))!;
      await s.storage.put('pending', { ...pending, expires_at: Date.now() - 1 });
    });
    const res = await callbackOf(back);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:invalid-state' });
    expect(await tokenCalls('spotify-accounts', back.searchParams.get('code')!)).toHaveLength(0);
  });
});

describe('disconnect revokes upstream where the provider can', () => {
  it('X and Audius get a revoke call with the refresh token; the tokens are gone either way', async () => {
    for (const [provider, upstream, path] of [
      ['x', 'x-api', '/2/oauth2/revoke'],
      ['audius', 'audius-api', '/oauth/revoke'],
    ] as const) {
      const { key } = await newApp();
      const rt = `rt-${crypto.randomUUID()}`;
      await call(key, 'PUT', `/v1/users/rv/connections/${provider}`, { access_token: `at-${crypto.randomUUID()}`, refresh_token: rt });
      expect((await call(key, 'DELETE', `/v1/users/rv/connections/${provider}`)).status).toBe(204);
      const revokes = await mockCalls(upstream, (c) => c.path === path && c.body.includes(rt));
      expect(revokes, provider).toHaveLength(1);
      expect(revokes[0]!.violations).toEqual([]);
      expect((await call(key, 'GET', `/v1/users/rv/connections/${provider}`)).status).toBe(404);
    }
  });
});
