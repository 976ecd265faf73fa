import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with the mocks
import { spotifyObject } from '../../mocks/world/catalogue.mjs';
import { byToken, call, connect, mockCalls, mockWorld, newApp, spotifyIds } from '../support/helpers';

async function setup() {
  const { key } = await newApp();
  const token = await connect(key, 'pro');
  return { key, token, calls: () => mockCalls('spotify-api', byToken(token)) };
}

describe('profiles', () => {
  it("returns the user's own profile from GET /me, normalized", async () => {
    const { key, token, calls } = await setup();
    const me = (await mockWorld('spotify-api', token)).user_id;
    const res = await call(key, 'GET', '/v1/users/pro/spotify/profile');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      provider: 'spotify',
      profile: {
        id: me,
        type: 'user',
        uri: `spotify:user:${me}`,
        // The sandbox user's made-up name and follower count (mocks/world/catalogue.mjs).
        name: spotifyObject('user', me).display_name,
        url: `https://open.spotify.com/user/${me}`,
        image: `https://images.sandbox.crossfollow.invalid/spotify/${me}.jpg`,
        followers: spotifyObject('user', me).followers.total,
      },
    });
    expect((await calls()).map((c) => `${c.method} ${c.path}`)).toEqual(['GET /me']);
  });

  it("returns another user's profile from GET /users/{id}, with raw on request", async () => {
    const { key, calls } = await setup();
    const res = await call(key, 'GET', '/v1/users/pro/spotify/users/wizzler?raw=1');
    const body = (await res.json()) as { profile: { id: string; followers: number; raw: { display_name: string } } };
    expect(body.profile).toMatchObject({
      id: 'wizzler',
      name: 'Wiz Zler',
      followers: spotifyObject('user', 'wizzler').followers.total,
      raw: { display_name: 'Wiz Zler' },
    });
    expect((await calls()).map((c) => c.path)).toEqual(['/users/wizzler']);
  });
});

describe('top items', () => {
  it('passes time_range, limit and offset, and answers the next offset', async () => {
    const { key, calls } = await setup();
    // The sandbox's top artists are the followed ones, then the catalogue's 8.
    await call(key, 'PUT', '/v1/users/pro/spotify/follows', { type: 'artist', ids: spotifyIds(30) });
    const res = await call(key, 'GET', '/v1/users/pro/spotify/top/artists?time_range=short_term&limit=10&offset=20');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { type: string }[]; total: number; offset: number; next_offset: number | null; time_range: string };
    expect(body).toMatchObject({ kind: 'artists', time_range: 'short_term', total: 38, offset: 20, next_offset: 30 });
    expect(body.items).toHaveLength(10);
    expect(body.items.every((i) => i.type === 'artist')).toBe(true);
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => c.query)).toEqual([{ time_range: 'short_term', limit: '10', offset: '20' }]);
  });

  it('defaults to medium_term and has no next offset on the last page', async () => {
    const { key, calls } = await setup();
    const body = (await (await call(key, 'GET', '/v1/users/pro/spotify/top/tracks?limit=2&offset=2')).json()) as {
      next_offset: number | null;
      items: { type: string }[];
    };
    expect(body.next_offset).toBeNull();
    expect(body.items.every((i) => i.type === 'track')).toBe(true);
    expect((await calls())[0]!.query.time_range).toBe('medium_term');
  });
});

describe('playlists', () => {
  it("lists the user's playlists, then another user's, by cursor", async () => {
    const { key, calls } = await setup();
    const followed = spotifyIds(50);
    await call(key, 'PUT', '/v1/users/pro/spotify/follows', { type: 'playlist', ids: followed });
    const mine = (await (await call(key, 'GET', '/v1/users/pro/spotify/playlists?limit=50')).json()) as { items: { type: string }[]; next_cursor: string };
    expect(mine.items).toHaveLength(50);
    expect(mine.items.every((i) => i.type === 'playlist')).toBe(true);
    // 50 followed and the 2 the user owns: the second page holds the owned two.
    const rest = (await (await call(key, 'GET', `/v1/users/pro/spotify/playlists?limit=50&cursor=${mine.next_cursor}`)).json()) as {
      items: { name: string }[];
      next_cursor: string | null;
    };
    expect(rest.items).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();
    const theirs = await call(key, 'GET', '/v1/users/pro/spotify/users/smedjan/playlists?limit=5');
    expect(theirs.status).toBe(200);
    expect(((await theirs.json()) as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['Release Day (smedjan)', 'On Repeat (smedjan)']);
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => `${c.path} ${c.query.offset}`)).toEqual([
      '/me/playlists 0',
      '/me/playlists 50',
      '/users/smedjan/playlists 0',
    ]);
  });

  it('streams every playlist with all=1, one normalized playlist a line', async () => {
    const { key, calls } = await setup();
    await call(key, 'PUT', '/v1/users/pro/spotify/follows', { type: 'playlist', ids: spotifyIds(104) });
    const lines = (await (await call(key, 'GET', '/v1/users/pro/spotify/playlists?all=1')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.pop()).toEqual({ done: true, count: 106, next_cursor: null });
    expect(lines.every((l) => l.type === 'playlist' && l.uri === `spotify:playlist:${l.id}`)).toBe(true);
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => `${c.query.offset}/${c.query.limit}`)).toEqual(['0/50', '50/50', '100/50']);
  });
});
