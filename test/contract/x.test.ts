import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type ConnectionId, connectionKey, tokensKv } from '../../src/storage/keys';
import { forgetInMemory, vaultFor } from '../../src/tokens/access';
import { observeBudget, releaseBudget, reserveBudget } from '../../src/tokens/budget';
import { decrypt, keyringFrom } from '../../src/tokens/crypto';
import { byRefreshToken, byToken, call, connect, mockCalls, mockWorld, newApp, refreshTokenSent, unique } from '../support/helpers';

/** An X id the sandbox knows (@XDevelopers), for imports that name some valid id. */
const SOME_ID = '2244994945';
const PROTECTED = '1111111111'; // a protected account in the sandbox catalogue
const MISSING = '9999999999'; // ids from 999999… are ones X does not know

/**
 * A user connected with a fresh token (or `access_token`); with `knownId`, the import names the
 * user's X id (the sandbox's id for that token), so no GET /2/users/me is made.
 */
async function setup({ access_token = unique('at'), knownId = false }: { access_token?: string; knownId?: boolean } = {}) {
  const { key, app } = await newApp();
  // Both tokens name one sandbox user (after the last `.`), so a refresh keeps the user's world.
  const who = unique('fan');
  const tokens = { access_token: `${access_token}.${who}`, refresh_token: `${unique('rt')}.${who}` };
  const ME = (await mockWorld('x-api', tokens.access_token)).user_id;
  const token = await connect(key, 'xu', { ...tokens, ...(knownId ? { provider_user_id: ME } : {}) }, 'x');
  return { key, app, token, ME, calls: () => mockCalls('x-api', byToken(token)) };
}

const ids = (n: number, from = 100) => Array.from({ length: n }, (_, i) => String(from + i));
type Batch = { results: { id: string; status: string; following?: boolean; retry_at?: string; resolved_id?: string }[]; summary: Record<string, number> };

describe('X follows', () => {
  it('follows one target a call as the connected user, looking that user up once', async () => {
    const { key, ME, token, calls } = await setup();
    const targets = ids(3);
    for (let round = 0; round < 2; round++) {
      const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: targets });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Batch).results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    }
    const made = await calls();
    expect(made.filter((c) => c.path === '/2/users/me')).toHaveLength(1);
    const follows = made.filter((c) => c.method === 'POST');
    expect(follows).toHaveLength(6);
    expect(follows.every((c) => c.path === `/2/users/${ME}/following` && c.violations.length === 0)).toBe(true);
    expect(
      follows
        .slice(0, 3)
        .map((c) => JSON.parse(c.body).target_user_id)
        .sort(),
    ).toEqual(targets);
    // Following again changed nothing: the world holds each target once.
    expect((await mockWorld('x-api', token)).follows.map((f) => f.id).sort()).toEqual(targets);
  });

  it('reports a protected account as pending, not done', async () => {
    const { key, token } = await setup({ knownId: true });
    const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: [PROTECTED, '42'] });
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => [r.id, r.status])).toEqual([
      [PROTECTED, 'pending'],
      ['42', 'done'],
    ]);
    expect(body.summary.pending).toBe(1);
    const world = await mockWorld('x-api', token);
    expect([world.follows.map((f) => f.id), world.pending.map((f) => f.id)]).toEqual([['42'], [PROTECTED]]);
    const check = (await (await call(key, 'POST', '/v1/users/xu/x/follows/contains', { type: 'user', ids: [PROTECTED, '42'] })).json()) as Batch;
    expect(check.results.map((r) => r.following)).toEqual([false, true]);
  });

  it('resolves @usernames and reports under the name given', async () => {
    const { key, ME, calls } = await setup({ knownId: true });
    const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['@XDevelopers'] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Batch).results).toEqual([{ id: '@XDevelopers', status: 'done', resolved_id: '2244994945' }]);
    expect((await calls()).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /2/users/by/username/XDevelopers', `POST /2/users/${ME}/following`]);
  });

  it('unfollows with DELETE /2/users/{me}/following/{target}', async () => {
    const { key, ME, token, calls } = await setup({ knownId: true });
    await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['42', '43'] });
    expect((await call(key, 'DELETE', '/v1/users/xu/x/follows', { type: 'user', ids: ['42'] })).status).toBe(200);
    expect((await calls()).filter((c) => c.method === 'DELETE').map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE /2/users/${ME}/following/42`]);
    expect((await mockWorld('x-api', token)).follows.map((f) => f.id)).toEqual(['43']);
  });

  it('does what fits the 50-per-15-minutes budget and defers the rest with Retry-After', async () => {
    const { key, calls } = await setup({ knownId: true });
    const targets = ids(60);
    const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: targets });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.summary).toMatchObject({ done: 50, deferred: 10 });
    expect(body.results.map((r) => r.id)).toEqual(targets);
    expect(body.results.slice(50).every((r) => r.status === 'deferred' && Date.parse(r.retry_at!) > Date.now())).toBe(true);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await calls()).filter((c) => c.method === 'POST')).toHaveLength(50);
    // The budget is spent: the next batch burns no calls at all.
    const again = (await (await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ids(2, 900) })).json()) as Batch;
    expect(again.results.map((r) => r.status)).toEqual(['deferred', 'deferred']);
    expect((await calls()).filter((c) => c.method === 'POST')).toHaveLength(50);
  });
});

describe("the X budget in the user's Durable Object", () => {
  it("takes slots back for calls never sent, but not into a count X's own figure has replaced since", async () => {
    const { app } = await setup({ knownId: true });
    const id: ConnectionId = { app, user: 'xu', provider: 'x' };
    const figures = await runInDurableObject(vaultFor(env, id), async (_i, state) => {
      const storage = state.storage;
      const read = async () => (await storage.get<{ remaining: number }>('budget:x:follow'))!.remaining;
      const first = await reserveBudget(storage, 'x:follow', 10, 50, 900_000);
      const reserved = await read();
      // X counts more left than we do (our 10 are not all sent yet): our count stays, and 4 unsent come back.
      await observeBudget(storage, 'x:follow', 45, first.resetAt);
      await releaseBudget(storage, 'x:follow', 4, first, 50);
      const released = await read();
      // Another request of the user's hears X count fewer (another client of the user's): X's figure
      // replaces ours, and slots reserved before it were never in it.
      const second = await reserveBudget(storage, 'x:follow', 2, 50, 900_000);
      await observeBudget(storage, 'x:follow', 5, first.resetAt);
      await releaseBudget(storage, 'x:follow', 3, first, 50);
      await releaseBudget(storage, 'x:follow', 1, second, 50);
      return { granted: first.granted, reserved, released, adopted: await read() };
    });
    expect(figures).toEqual({ granted: 10, reserved: 40, released: 44, adopted: 5 });
  });
});

describe('X refusals and rate limits', () => {
  it('defers the whole batch after one 429, spending exactly one call, until the reset X announced', async () => {
    const { key, calls } = await setup({ access_token: unique('ratelimited-at'), knownId: true });
    const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ids(3) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => r.status)).toEqual(['deferred', 'deferred', 'deferred']);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(30);
    expect(wait).toBeLessThanOrEqual(61);
    expect((await calls()).filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('refreshes once on a 401 and answers a 403 with failed items under a 502', async () => {
    const expired = await setup({ access_token: unique('expired-at'), knownId: true });
    expect((await call(expired.key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['42'] })).status).toBe(200);
    const forbidden = await setup({ access_token: unique('forbidden-at'), knownId: true });
    const res = await call(forbidden.key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['42'] });
    expect(res.status).toBe(502);
    expect(((await res.json()) as Batch).results[0]).toMatchObject({ id: '42', status: 'failed' });
  });

  it('answers an unknown id or username as that item not found, and the rest normally', async () => {
    const { key } = await setup({ knownId: true });
    const res = await call(key, 'POST', '/v1/users/xu/x/follows/contains', { type: 'user', ids: [SOME_ID, MISSING] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch & { results: { problem?: { type: string; status: number } }[] };
    expect(body.results[1]).toMatchObject({ id: MISSING, status: 'failed', problem: { type: 'urn:crossfollow:problem:target-not-found', status: 404 } });
  });

  it('acts once for a handle and the id it resolves to, reporting the copies skipped', async () => {
    const { key, calls } = await setup({ knownId: true });
    const res = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['@XDevelopers', '2244994945', '@xdevelopers'] });
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => r.status)).toEqual(['done', 'skipped', 'skipped']);
    expect(body.summary).toMatchObject({ done: 1, skipped: 2 });
    expect((await calls()).filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('refuses a provider_user_id that is not an X id, and a foreign cursor, before any call', async () => {
    const { key } = await newApp();
    const bad = await call(key, 'PUT', '/v1/users/xv/connections/x', { access_token: 'a', refresh_token: 'r', provider_user_id: '..' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/provider_user_id');
    const { key: k2, calls } = await setup({ knownId: true });
    const offsetCursor = btoa(JSON.stringify({ v: 1, after: '50' })).replace(/=+$/, ''); // an Audius list's
    const res = await call(k2, 'GET', `/v1/users/xu/x/follows?type=user&cursor=${offsetCursor}`);
    expect(res.status).toBe(422);
    expect(await calls()).toHaveLength(0);
  });
});

describe('X checks and lists', () => {
  it('checks 150 users with 2 lookups of connection_status, not by paging follows', async () => {
    const { key, calls } = await setup({ knownId: true });
    await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: [SOME_ID] });
    const check = [SOME_ID, MISSING, ...ids(148)];
    const body = (await (await call(key, 'POST', '/v1/users/xu/x/follows/contains', { type: 'user', ids: check })).json()) as Batch & { type: string };
    expect(body.results[0]).toEqual({ id: SOME_ID, status: 'done', following: true });
    expect(body.results[1]!.status).toBe('failed');
    expect(body.results.slice(2).every((r) => r.following === false)).toBe(true);
    const made = (await calls()).filter((c) => c.method === 'GET');
    expect(made.map((c) => c.path)).toEqual(['/2/users', '/2/users']);
    expect(made.map((c) => c.query.ids!.split(',').length).sort((a, b) => a - b)).toEqual([50, 100]);
    expect(made.every((c) => c.query['user.fields'] === 'connection_status' && c.violations.length === 0)).toBe(true);
  });

  it('lists following and followers with pagination tokens behind an opaque cursor', async () => {
    const { key, ME, calls } = await setup({ knownId: true });
    // Followed one at a time, oldest first: X lists the newest first.
    for (const id of ['783214', SOME_ID, '1400000000000000001']) await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: [id] });
    const first = (await (await call(key, 'GET', '/v1/users/xu/x/follows?type=user&limit=2')).json()) as {
      items: Record<string, unknown>[];
      next_cursor: string;
    };
    expect(first.items.map((i) => i.id)).toEqual(['1400000000000000001', SOME_ID]);
    expect(first.items[1]).toEqual({
      id: SOME_ID,
      type: 'user',
      uri: `x:user:${SOME_ID}`,
      name: 'X Developers',
      url: 'https://x.com/XDevelopers',
      image: `https://images.sandbox.crossfollow.invalid/x/${SOME_ID}.jpg`,
    });
    const second = (await (await call(key, 'GET', `/v1/users/xu/x/follows?type=user&limit=2&cursor=${first.next_cursor}`)).json()) as {
      items: { id: string }[];
      next_cursor: string | null;
    };
    expect(second.items.map((i) => i.id)).toEqual(['783214']);
    expect(second.next_cursor).toBeNull();
    const followers = await call(key, 'GET', '/v1/users/xu/x/followers?limit=10');
    expect(followers.status).toBe(200);
    expect(((await followers.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const made = (await calls()).filter((c) => c.method === 'GET');
    const token = made[1]!.query.pagination_token!;
    expect(token).toMatch(/^[A-Za-z0-9]{16,128}$/);
    expect(made.map((c) => `${c.path} ${c.query.max_results} ${c.query.pagination_token ?? '-'}`)).toEqual([
      `/2/users/${ME}/following 2 -`,
      `/2/users/${ME}/following 2 ${token}`,
      `/2/users/${ME}/followers 10 -`,
    ]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('answers the profile from GET /2/users/me', async () => {
    const { key, ME } = await setup();
    const body = (await (await call(key, 'GET', '/v1/users/xu/x/profile')).json()) as { profile: { id: string; url: string } };
    expect(body.profile).toMatchObject({ id: ME });
    expect(body.profile.url).toMatch(/^https:\/\/x\.com\/\w+$/);
  });

  it('refuses what X cannot do with 422 unsupported-operation, and bad ids with 422 pointers', async () => {
    const { key, calls } = await setup();
    for (const [method, path, body] of [
      ['PUT', '/v1/users/xu/x/library', { type: 'track', ids: ['1'] }],
      ['DELETE', '/v1/users/xu/x/library', { type: 'track', ids: ['1'] }],
      ['POST', '/v1/users/xu/x/library/contains', { type: 'track', ids: ['1'] }],
      ['GET', '/v1/users/xu/x/library?type=track'],
    ] as const) {
      const library = await call(key, method, path, body);
      expect(library.status, `${method} ${path}`).toBe(422);
      expect(await library.json()).toMatchObject({ type: 'urn:crossfollow:problem:unsupported-operation', provider: 'x' });
    }
    const artist = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'artist', ids: ['1'] });
    expect(await artist.json()).toMatchObject({ type: 'urn:crossfollow:problem:unsupported-operation' });
    const bad = await call(key, 'PUT', '/v1/users/xu/x/follows', { type: 'user', ids: ['12a', '@way-too-long-for-x-name'] });
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/ids/0', '/ids/1']);
    const spotifyFollowers = await call(key, 'GET', '/v1/users/xu/spotify/followers');
    expect(spotifyFollowers.status).toBe(422);
    expect(await calls()).toHaveLength(0);
  });
});

describe('X refresh tokens rotate on every refresh', () => {
  it('20 concurrent requests make one refresh; the new refresh token is stored and the old one never sent again', async () => {
    const { key, app } = await newApp();
    const first = unique('slow-rt');
    await connect(key, 'rot', { refresh_token: first, expires_in: 0, provider_user_id: SOME_ID }, 'x');
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 20 }, () => call(key, 'POST', '/v1/users/rot/x/follows/contains', { type: 'user', ids: ['42'] })));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const calls1 = await mockCalls('x-api', (c) => c.path === '/2/oauth2/token' && refreshTokenSent(c) === first);
    expect(calls1).toHaveLength(1);
    // No other refresh ran meanwhile either (no test but this one refreshes on X in that window).
    expect(await mockCalls('x-api', (c) => c.path === '/2/oauth2/token' && c.at >= started)).toHaveLength(1);
    expect(new URLSearchParams(calls1[0]!.body).get('client_id')).toBe('test-x-client');
    // The rotated refresh token is what is stored now.
    const id: ConnectionId = { app, user: 'rot', provider: 'x' };
    const stored = async () => {
      const record = await runInDurableObject(vaultFor(env, id), (_i, state) => state.storage.get<{ refresh: string }>('connection'));
      return decrypt(await keyringFrom(env.TOKEN_KEYS), record!.refresh, connectionKey(id));
    };
    const second = await stored();
    expect(second).toMatch(/^mock-rt-/);
    // Expire again: the next refresh sends the rotated token, and the first is never sent again.
    await runInDurableObject(vaultFor(env, id), async (_i, state) => {
      const record = (await state.storage.get<{ expiresAt: number }>('connection'))!;
      await state.storage.put('connection', { ...record, expiresAt: Date.now() - 1 });
    });
    await env.TOKENS.delete(tokensKv.access(id));
    forgetInMemory(id);
    expect((await call(key, 'POST', '/v1/users/rot/x/follows/contains', { type: 'user', ids: ['42'] })).status).toBe(200);
    expect(await mockCalls('x-api', byRefreshToken(second))).toHaveLength(1);
    expect(await mockCalls('x-api', byRefreshToken(first))).toHaveLength(1);
    expect(await stored()).not.toBe(second);
  });
});
