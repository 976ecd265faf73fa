import { env, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionId, connectionKey, tokensKv } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { decrypt, keyringFrom } from '../../src/tokens/crypto';
import { byRefreshToken, byToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

const tokenCalls = (rt: string) => mockCalls('spotify-accounts', byRefreshToken(rt));

async function stored(id: ConnectionId) {
  const record = await runInDurableObject(vaultFor(env, id), (_instance, state) =>
    state.storage.get<{ access: string; refresh: string | null; status: string }>('connection'),
  );
  return record!;
}

async function storedRefreshToken(id: ConnectionId) {
  const record = await stored(id);
  return decrypt(await keyringFrom(env.TOKEN_KEYS), record.refresh!, connectionKey(id));
}

afterEach(() => vi.restoreAllMocks());

describe('refresh on expiry', () => {
  it('refreshes an expired token once, with Basic auth, then calls Spotify with the new token', async () => {
    const { key, app } = await newApp();
    const rt = unique('rt');
    const old = await connect(key, 'bo', { refresh_token: rt, expires_in: 0 });
    const res = await call(key, 'PUT', '/v1/users/bo/spotify/follows', { type: 'artist', ids: spotifyIds(1) });
    expect(res.status).toBe(200);
    const refreshes = await tokenCalls(rt);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.authorization).toBe(`Basic ${btoa('test-client-id:test-client-secret')}`);
    expect(new URLSearchParams(refreshes[0]!.body).get('grant_type')).toBe('refresh_token');
    expect(refreshes[0]!.violations).toEqual([]);
    expect(await mockCalls('spotify-api', byToken(old))).toHaveLength(0);
    // Spotify sent no new refresh token: the old one is kept.
    expect(await storedRefreshToken({ app, user: 'bo', provider: 'spotify' })).toBe(rt);
    const status = await (await call(key, 'GET', '/v1/users/bo/connections/spotify')).json();
    expect(status).toMatchObject({ status: 'active', has_refresh_token: true });
    expect((status as { refreshed_at: string | null }).refreshed_at).not.toBeNull();
  });

  it('25 concurrent requests with an expired token make exactly one token call, and all succeed', async () => {
    const { key } = await newApp();
    const rt = unique('slow-rt'); // the mock holds this refresh for 300 ms, so all 25 overlap it
    await connect(key, 'cy', { refresh_token: rt, expires_in: 0 });
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => call(key, 'POST', '/v1/users/cy/spotify/follows/contains', { type: 'artist', ids: spotifyIds(1) })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(await tokenCalls(rt)).toHaveLength(1);
  });

  it('stores a rotated refresh token and sends only the new one afterwards', async () => {
    const { key, app } = await newApp();
    const rt = unique('rotate-rt');
    await connect(key, 'di', { refresh_token: rt, expires_in: 0 });
    expect((await call(key, 'POST', '/v1/users/di/spotify/follows/contains', { type: 'artist', ids: spotifyIds(1) })).status).toBe(200);
    const id: ConnectionId = { app, user: 'di', provider: 'spotify' };
    const rotated = await storedRefreshToken(id);
    expect(rotated).toMatch(/^mock-rt-/);
    expect(rotated).not.toBe(rt);
  });

  it('refreshes once after Spotify answers 401 to an unexpired token, then retries', async () => {
    const { key } = await newApp();
    const rt = unique('rt');
    const rejected = await connect(key, 'ed', { access_token: unique('expired-at'), refresh_token: rt, expires_in: 3600 });
    const res = await call(key, 'PUT', '/v1/users/ed/spotify/follows', { type: 'artist', ids: spotifyIds(3) });
    expect(res.status).toBe(200);
    expect(await mockCalls('spotify-api', byToken(rejected))).toHaveLength(1);
    expect(await tokenCalls(rt)).toHaveLength(1);
  });
});

describe('a refresh token Spotify no longer accepts', () => {
  it('marks the connection reauth_required, answers 409, and does not retry the refresh', async () => {
    const { key, app } = await newApp();
    const rt = unique('revoked-rt');
    await connect(key, 'fu', { refresh_token: rt, expires_in: 0 });
    const first = await call(key, 'PUT', '/v1/users/fu/spotify/follows', { type: 'artist', ids: spotifyIds(2) });
    expect(first.status).toBe(409);
    expect(first.headers.get('content-type')).toBe('application/problem+json');
    expect(await first.json()).toMatchObject({ type: 'urn:crossfollow:problem:reauth-required', status: 409 });
    const second = await call(key, 'PUT', '/v1/users/fu/spotify/follows', { type: 'artist', ids: spotifyIds(2) });
    expect(second.status).toBe(409);
    expect(await tokenCalls(rt)).toHaveLength(1);
    const list = (await (await call(key, 'GET', '/v1/users/fu/connections')).json()) as { connections: { status: string; reason: string }[] };
    expect(list.connections).toHaveLength(1);
    expect(list.connections[0]!.status).toBe('reauth_required');
    expect(list.connections[0]!.reason).toContain('invalid_grant');
    expect(await env.TOKENS.get(tokensKv.access({ app, user: 'fu', provider: 'spotify' }))).toBeNull();
  });

  it('becomes active again when new tokens are imported', async () => {
    const { key } = await newApp();
    await connect(key, 'gi', { refresh_token: unique('revoked-rt'), expires_in: 0 });
    expect((await call(key, 'PUT', '/v1/users/gi/spotify/follows', { type: 'artist', ids: spotifyIds(1) })).status).toBe(409);
    await connect(key, 'gi');
    expect((await call(key, 'PUT', '/v1/users/gi/spotify/follows', { type: 'artist', ids: spotifyIds(1) })).status).toBe(200);
  });
});

describe('custody', () => {
  it('keeps tokens encrypted in the Durable Object and KV, and never shows them in responses or logs', async () => {
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
    const { key, app } = await newApp();
    const at = unique('at-secret');
    const rt = unique('rt-secret');
    const bodies: string[] = [];
    const imported = await call(key, 'PUT', '/v1/users/hu/connections/spotify', { access_token: at, refresh_token: rt, expires_in: 3600 });
    expect(imported.status).toBe(201);
    bodies.push(await imported.text());
    for (const [method, path, body] of [
      ['GET', '/v1/users/hu/connections'],
      ['GET', '/v1/users/hu/connections/spotify'],
      ['PUT', '/v1/users/hu/spotify/follows', { type: 'artist', ids: spotifyIds(2) }],
      ['PUT', '/v1/users/hu/spotify/follows', { type: 'artist', ids: ['not-an-id'] }],
      ['GET', '/v1/users/hu/spotify/follows?type=artist'],
    ] as const) {
      bodies.push(await (await call(key, method, path, body)).text());
    }
    const id: ConnectionId = { app, user: 'hu', provider: 'spotify' };
    const record = await stored(id);
    const cached = await env.TOKENS.get(tokensKv.access(id));
    const everything = [...bodies, ...logged, JSON.stringify(record), cached ?? ''].join('\n');
    expect(everything).not.toContain(at);
    expect(everything).not.toContain(rt);
    expect(record.access).toMatch(/^v1\.test1\./);
    expect(cached).toMatch(/^v1\.test1\./);
  });

  it('forgets a connection on DELETE: later calls answer 404 not-connected without calling Spotify', async () => {
    const { key } = await newApp();
    const token = await connect(key, 'ivo');
    expect((await call(key, 'DELETE', '/v1/users/ivo/connections/spotify')).status).toBe(204);
    const res = await call(key, 'PUT', '/v1/users/ivo/spotify/follows', { type: 'artist', ids: spotifyIds(1) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:not-connected' });
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(0);
    expect((await call(key, 'GET', '/v1/users/ivo/connections')).status).toBe(200);
    expect((await call(key, 'DELETE', '/v1/users/ivo/connections/spotify')).status).toBe(404);
  });
});
