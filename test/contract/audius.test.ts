import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type ConnectionId, connectionKey } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { decrypt, keyringFrom } from '../../src/tokens/crypto';
import { byToken, call, connect, mockCalls, newApp, refreshTokenSent, unique } from '../support/helpers';

const ME = 'eYZmn'; // the id GET /me answers in openapi/audius.yaml
type Batch = { results: { id: string; status: string; following?: boolean; transaction_hash?: string; resolved_id?: string }[] };

async function setup(tokens: Parameters<typeof connect>[2] = {}) {
  const { key } = await newApp();
  const token = await connect(key, 'au', tokens, 'audius');
  return { key, calls: () => mockCalls('audius-api', byToken(token)) };
}

describe('Audius follows', () => {
  it('follows as the connected user (looked up once) and returns each transaction hash', async () => {
    const { key, calls } = await setup();
    const res = await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: ['nlGNe', '7eP5n'] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => [r.id, r.status, r.transaction_hash?.startsWith('0x')])).toEqual([
      ['nlGNe', 'done', true],
      ['7eP5n', 'done', true],
    ]);
    await call(key, 'DELETE', '/v1/users/au/audius/follows', { type: 'user', ids: ['nlGNe'] });
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.url}`).sort()).toEqual(
      ['GET /me', `POST /users/nlGNe/follow?user_id=${ME}`, `POST /users/7eP5n/follow?user_id=${ME}`, `DELETE /users/nlGNe/follow?user_id=${ME}`].sort(),
    );
    expect(made.every((c) => c.violations.length === 0 && c.apiKey === 'test-audius-key')).toBe(true);
  });

  it('resolves @handles first', async () => {
    const { key, calls } = await setup({ provider_user_id: ME });
    const body = (await (await call(key, 'PUT', '/v1/users/au/audius/follows', { type: 'user', ids: ['@rayjacobson'] })).json()) as Batch;
    expect(body.results[0]).toMatchObject({ id: '@rayjacobson', status: 'done', resolved_id: 'eYZmn' });
    expect((await calls()).map((c) => c.path)).toEqual(['/users/handle/rayjacobson', '/users/eYZmn/follow']);
  });

  it('checks with does_current_user_follow from bulk lookups of 50', async () => {
    const { key, calls } = await setup({ provider_user_id: ME });
    const ids = ['nlGNe', ...Array.from({ length: 59 }, (_, i) => `u${i}`)];
    const body = (await (await call(key, 'POST', '/v1/users/au/audius/follows/contains', { type: 'user', ids })).json()) as Batch;
    expect(body.results[0]).toEqual({ id: 'nlGNe', status: 'done', following: true });
    expect(body.results.slice(1).every((r) => r.following === false)).toBe(true);
    const made = await calls();
    expect(made.map((c) => c.path)).toEqual(['/users', '/users']);
    expect(made.every((c) => c.query.user_id === ME)).toBe(true);
  });

  it('lists following and followers by offset behind an opaque cursor', async () => {
    const { key, calls } = await setup({ provider_user_id: ME });
    const first = (await (await call(key, 'GET', '/v1/users/au/audius/follows?type=user&limit=2')).json()) as {
      items: Record<string, unknown>[];
      next_cursor: string;
    };
    expect(first.items[0]).toEqual({
      id: 'nlGNe',
      type: 'user',
      uri: 'audius:user:nlGNe',
      name: 'Ray Jacobson',
      url: 'https://audius.co/rayjacobson',
      image: 'https://audius.example/nlGNe/480x480.jpg',
    });
    const second = (await (await call(key, 'GET', `/v1/users/au/audius/follows?type=user&limit=2&cursor=${first.next_cursor}`)).json()) as {
      items: unknown[];
      next_cursor: string | null;
    };
    expect(second).toMatchObject({ items: [], next_cursor: null });
    expect((await call(key, 'GET', '/v1/users/au/audius/followers?limit=100')).status).toBe(200);
    expect((await call(key, 'GET', '/v1/users/au/audius/followers?limit=101')).status).toBe(422);
    expect((await calls()).map((c) => `${c.path} ${c.query.offset}/${c.query.limit}`)).toEqual([
      `/users/${ME}/following 0/2`,
      `/users/${ME}/following 2/2`,
      `/users/${ME}/followers 0/100`,
    ]);
  });
});

describe('Audius library', () => {
  it('saves and removes tracks, playlists and albums through favorites', async () => {
    const { key, calls } = await setup({ provider_user_id: ME });
    for (const [type, id] of [
      ['track', 'D7KyD'],
      ['playlist', 'DOPRl'],
      ['album', 'AlB1m'],
    ] as const) {
      expect((await call(key, 'PUT', '/v1/users/au/audius/library', { type, ids: [id] })).status).toBe(200);
      expect((await call(key, 'DELETE', '/v1/users/au/audius/library', { type, ids: [id] })).status).toBe(200);
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
    const { key, calls } = await setup({ provider_user_id: ME });
    const body = (await (await call(key, 'POST', '/v1/users/au/audius/library/contains', { type: 'track', ids: ['D7KyD', 'Zz9'] })).json()) as Batch;
    expect(body.results.map((r) => r.following)).toEqual([true, false]);
    for (const type of ['playlist', 'album']) {
      const saved = (await (await call(key, 'POST', '/v1/users/au/audius/library/contains', { type, ids: ['DOPRl'] })).json()) as Batch;
      expect(saved.results).toEqual([{ id: 'DOPRl', status: 'done', following: false }]);
    }
    expect((await calls()).map((c) => c.path)).toEqual(['/tracks', '/playlists', '/playlists']);
  });

  it('lists saved tracks, albums and playlists with added_at', async () => {
    const { key, calls } = await setup({ provider_user_id: ME });
    for (const type of ['track', 'album', 'playlist']) {
      const page = (await (await call(key, 'GET', `/v1/users/au/audius/library?type=${type}&limit=20`)).json()) as {
        items: { added_at: string; type: string }[];
      };
      expect(page.items[0]).toMatchObject({ type, added_at: '2026-10-01T12:00:00Z' });
    }
    expect((await calls()).map((c) => `${c.path} ${c.query.type}`)).toEqual([
      `/users/${ME}/library/tracks favorite`,
      `/users/${ME}/library/albums favorite`,
      `/users/${ME}/library/playlists favorite`,
    ]);
  });

  it('refuses library types Audius has not (422) and answers the profile from GET /me', async () => {
    const { key } = await setup();
    const episode = await call(key, 'PUT', '/v1/users/au/audius/library', { type: 'episode', ids: ['a'] });
    expect(episode.status).toBe(422);
    expect(await episode.json()).toMatchObject({ type: 'urn:crossfollow:problem:unsupported-operation', provider: 'audius' });
    const body = (await (await call(key, 'GET', '/v1/users/au/audius/profile')).json()) as { profile: { id: string; followers: number } };
    expect(body.profile).toMatchObject({ id: ME, followers: 12 });
  });
});

describe('Audius refresh', () => {
  it('refreshes with a JSON body whose client_id is the API key, and keeps the new pair', async () => {
    const { key, app } = await newApp();
    const rt = unique('rt');
    await connect(key, 'ar', { refresh_token: rt, expires_in: 0, provider_user_id: ME }, 'audius');
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
