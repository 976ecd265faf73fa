import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with the mocks
import { audiusUser } from '../../mocks/world/catalogue.mjs';
import { type ConnectionId, connectionKey } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { decrypt, keyringFrom } from '../../src/tokens/crypto';
import { byToken, call, connect, mockCalls, mockWorld, newApp, refreshTokenSent, unique } from '../support/helpers';

type Batch = { results: { id: string; status: string; following?: boolean; transaction_hash?: string; resolved_id?: string }[] };

/**
 * A user connected with a fresh token; with `knownId`, the import names the user's Audius id (the
 * sandbox's id for that token) so no GET /me is made.
 */
async function setup({ knownId = false } = {}) {
  const { key } = await newApp();
  const token = unique('at');
  const ME = (await mockWorld('audius-api', token)).user_id;
  await connect(key, 'au', { access_token: token, ...(knownId ? { provider_user_id: ME } : {}) }, 'audius');
  return { key, ME, token, calls: () => mockCalls('audius-api', byToken(token)) };
}

describe('Audius follows', () => {
  it('follows as the connected user (looked up once) and returns each transaction hash', async () => {
    const { key, ME, token, calls } = await setup();
    const res = await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: ['nlGNe', '7eP5n'] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => [r.id, r.status, r.transaction_hash?.startsWith('0x')])).toEqual([
      ['nlGNe', 'done', true],
      ['7eP5n', 'done', true],
    ]);
    await call(key, 'DELETE', '/v1/users/au/audius/follows', { type: 'user', ids: ['nlGNe'] });
    expect((await mockWorld('audius-api', token)).follows.map((f) => f.id)).toEqual(['7eP5n']);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.url}`).sort()).toEqual(
      ['GET /me', `POST /users/nlGNe/follow?user_id=${ME}`, `POST /users/7eP5n/follow?user_id=${ME}`, `DELETE /users/nlGNe/follow?user_id=${ME}`].sort(),
    );
    expect(made.every((c) => c.violations.length === 0 && c.apiKey === 'test-audius-key')).toBe(true);
  });

  it('resolves @handles first', async () => {
    const { key, calls } = await setup({ knownId: true });
    const body = (await (await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: ['@rayjacobson', '@nobody_here'] })).json()) as Batch;
    expect(body.results[0]).toMatchObject({ id: '@rayjacobson', status: 'done', resolved_id: 'nlGNe' });
    expect(body.results[1]).toMatchObject({ id: '@nobody_here', status: 'failed', problem: { status: 404 } });
    expect((await calls()).map((c) => c.path).sort()).toEqual(['/users/handle/nobody_here', '/users/handle/rayjacobson', '/users/nlGNe/follow']);
  });

  it('checks with does_current_user_follow from bulk lookups of 50', async () => {
    const { key, ME, calls } = await setup({ knownId: true });
    await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: ['nlGNe'] });
    const ids = ['nlGNe', ...Array.from({ length: 59 }, (_, i) => `u${i}`)];
    const body = (await (await call(key, 'POST', '/v1/users/au/audius/follows/contains', { type: 'user', ids })).json()) as Batch;
    expect(body.results[0]).toEqual({ id: 'nlGNe', status: 'done', following: true });
    expect(body.results.slice(1).every((r) => r.following === false)).toBe(true);
    const made = await calls();
    expect(made.map((c) => c.path)).toEqual(['/users/nlGNe/follow', '/users', '/users']);
    expect(made.every((c) => c.query.user_id === ME)).toBe(true);
  });

  it('lists following and followers by offset behind an opaque cursor', async () => {
    const { key, ME, calls } = await setup({ knownId: true });
    // Followed one at a time, oldest first: Audius lists the newest first.
    for (const id of ['Wk0Ld', '7eP5n', 'nlGNe']) await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: [id] });
    const first = (await (await call(key, 'GET', '/v1/users/au/audius/follows?type=user&limit=2')).json()) as {
      items: Record<string, unknown>[];
      next_cursor: string;
    };
    expect(first.items[0]).toEqual({
      id: 'nlGNe',
      type: 'user',
      uri: 'audius:user:nlGNe',
      name: 'Ray Jacobsen',
      url: 'https://audius.co/rayjacobson',
      image: 'https://images.sandbox.crossfollow.invalid/audius/nlGNe-480.jpg',
    });
    expect(first.items.map((i) => i.id)).toEqual(['nlGNe', '7eP5n']);
    const second = (await (await call(key, 'GET', `/v1/users/au/audius/follows?type=user&limit=2&cursor=${first.next_cursor}`)).json()) as {
      items: unknown[];
      next_cursor: string | null;
    };
    expect(second).toMatchObject({ items: [{ id: 'Wk0Ld' }], next_cursor: null });
    expect((await call(key, 'GET', '/v1/users/au/audius/followers?limit=100')).status).toBe(200);
    expect((await call(key, 'GET', '/v1/users/au/audius/followers?limit=101')).status).toBe(422);
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => `${c.path} ${c.query.offset}/${c.query.limit}`)).toEqual([
      `/users/${ME}/following 0/2`,
      `/users/${ME}/following 2/2`,
      `/users/${ME}/followers 0/100`,
    ]);
  });
});

describe('Audius library', () => {
  it('saves and removes tracks, playlists and albums through favorites', async () => {
    const { key, token, calls } = await setup({ knownId: true });
    for (const [type, id] of [
      ['track', 'D7KyD'],
      ['playlist', 'DOPRl'],
      ['album', 'AlB1m'],
    ] as const) {
      expect((await call(key, 'PUT', '/v1/users/au/audius/library', { type, ids: [id] })).status).toBe(200);
      expect((await mockWorld('audius-api', token)).saved.map((e) => e.id)).toEqual([id]);
      expect((await call(key, 'DELETE', '/v1/users/au/audius/library', { type, ids: [id] })).status).toBe(200);
      expect((await mockWorld('audius-api', token)).saved).toEqual([]);
    }
    expect((await calls()).map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /tracks/D7KyD/favorites',
      'DELETE /tracks/D7KyD/favorites',
      'POST /playlists/DOPRl/favorites',
      'DELETE /playlists/DOPRl/favorites',
      'POST /playlists/AlB1m/favorites',
      'DELETE /playlists/AlB1m/favorites',
    ]);
  });

  it('checks saved items with has_current_user_saved from bulk lookups', async () => {
    const { key, calls } = await setup({ knownId: true });
    await call(key, 'PUT', '/v1/users/au/audius/library', { type: 'track', ids: ['D7KyD'] });
    const body = (await (await call(key, 'POST', '/v1/users/au/audius/library/contains', { type: 'track', ids: ['D7KyD', 'Zz9'] })).json()) as Batch;
    expect(body.results.map((r) => r.following)).toEqual([true, false]);
    for (const type of ['playlist', 'album']) {
      const saved = (await (await call(key, 'POST', '/v1/users/au/audius/library/contains', { type, ids: ['DOPRl'] })).json()) as Batch;
      expect(saved.results).toEqual([{ id: 'DOPRl', status: 'done', following: false }]);
    }
    expect((await calls()).map((c) => c.path)).toEqual(['/tracks/D7KyD/favorites', '/tracks', '/playlists', '/playlists']);
  });

  it('lists saved tracks, albums and playlists with added_at', async () => {
    const { key, ME, calls } = await setup({ knownId: true });
    const saved = { track: 'D7KyD', album: 'Ppl4X', playlist: 'DOPRl' } as const;
    const before = Date.now();
    for (const [type, id] of Object.entries(saved)) await call(key, 'PUT', '/v1/users/au/audius/library', { type, ids: [id] });
    for (const [type, id] of Object.entries(saved)) {
      const page = (await (await call(key, 'GET', `/v1/users/au/audius/library?type=${type}&limit=20`)).json()) as {
        items: { id: string; added_at: string; type: string }[];
      };
      // The catalogue knows Ppl4X as an album and DOPRl as a playlist: each lists in its own kind only.
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({ id, type });
      expect(Date.parse(page.items[0]!.added_at)).toBeGreaterThanOrEqual(before - 1000);
    }
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => `${c.path} ${c.query.type}`)).toEqual([
      `/users/${ME}/library/tracks favorite`,
      `/users/${ME}/library/albums favorite`,
      `/users/${ME}/library/playlists favorite`,
    ]);
  });

  it('refuses library types Audius has not (422) and answers the profile from GET /me', async () => {
    const { key, ME } = await setup();
    const episode = await call(key, 'PUT', '/v1/users/au/audius/library', { type: 'episode', ids: ['a'] });
    expect(episode.status).toBe(422);
    expect(await episode.json()).toMatchObject({ type: 'urn:crossfollow:problem:unsupported-operation', provider: 'audius' });
    const body = (await (await call(key, 'GET', '/v1/users/au/audius/profile')).json()) as { profile: { id: string; followers: number } };
    expect(body.profile).toMatchObject({ id: ME, followers: audiusUser(ME).follower_count });
  });
});

describe('Audius refresh', () => {
  it('refreshes with a JSON body whose client_id is the API key, and keeps the new pair', async () => {
    const { key, app } = await newApp();
    const rt = unique('rt');
    await connect(key, 'ar', { refresh_token: rt, expires_in: 0 }, 'audius');
    expect((await call(key, 'POST', '/v1/users/ar/audius/follows/contains', { type: 'user', ids: ['nlGNe'] })).status).toBe(200);
    const refreshes = await mockCalls('audius-api', (c) => c.path === '/oauth/token' && refreshTokenSent(c) === rt);
    expect(refreshes).toHaveLength(1);
    expect(JSON.parse(refreshes[0]!.body)).toEqual({ grant_type: 'refresh_token', refresh_token: rt, client_id: 'test-audius-key' });
    expect(refreshes[0]!.violations).toEqual([]);
    const id: ConnectionId = { app, user: 'ar', provider: 'audius' };
    const record = await runInDurableObject(vaultFor(env, id), (_i, state) => state.storage.get<{ refresh: string }>('connection'));
    const stored = await decrypt(await keyringFrom(env.TOKEN_KEYS), record!.refresh, connectionKey(id));
    expect(stored).toMatch(/^mock-rt-/);
    expect(stored).not.toBe(rt);
  });
});
