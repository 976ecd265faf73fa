import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, newApp, peakOverlap, spotifyIds, unique } from '../support/helpers';

async function setup(access_token?: string) {
  const { key } = await newApp();
  const token = await connect(key, 'leg', { access_token });
  return { key, calls: () => mockCalls('spotify-api', byToken(token)) };
}

const follows = '/v1/users/leg/spotify/follows';

describe('SPOTIFY_ENDPOINTS=legacy: follows through the per-type endpoints', () => {
  it('follows and unfollows users with /me/following?type=user, 50 a call', async () => {
    const { key, calls } = await setup();
    const users = Array.from({ length: 60 }, (_, i) => `user.${i}`);
    expect((await call(key, 'PUT', follows, { type: 'user', ids: users })).status).toBe(200);
    expect((await call(key, 'DELETE', follows, { type: 'user', ids: users.slice(0, 2) })).status).toBe(200);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path} ${c.query.type} ${c.query.ids!.split(',').length}`).sort()).toEqual([
      'DELETE /me/following user 2',
      'PUT /me/following user 10',
      'PUT /me/following user 50',
    ]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('checks artists with /me/following/contains and playlists one call each', async () => {
    const { key, calls } = await setup();
    await call(key, 'PUT', follows, { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] });
    await call(key, 'PUT', follows, { type: 'playlist', ids: ['3cEYpjA9oz9GiPac4AsH4n'] });
    const artists = ['0TnOYISbd1XYRBk9myaseg', ...spotifyIds(2)];
    const a = (await (await call(key, 'POST', `${follows}/contains`, { type: 'artist', ids: artists })).json()) as { results: { following: boolean }[] };
    expect(a.results.map((r) => r.following)).toEqual([true, false, false]);
    const playlists = ['3cEYpjA9oz9GiPac4AsH4n', ...spotifyIds(1)];
    const p = (await (await call(key, 'POST', `${follows}/contains`, { type: 'playlist', ids: playlists })).json()) as { results: { following: boolean }[] };
    expect(p.results.map((r) => r.following)).toEqual([true, false]);
    const made = (await calls()).filter((c) => c.method === 'GET');
    expect(made.map((c) => c.path).sort()).toEqual(['/me/following/contains', ...playlists.map((id) => `/playlists/${id}/followers/contains`)].sort());
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('follows and unfollows playlists with /playlists/{id}/followers', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(3);
    await call(key, 'PUT', follows, { type: 'playlist', ids });
    await call(key, 'DELETE', follows, { type: 'playlist', ids });
    expect((await calls()).map((c) => `${c.method} ${c.path}`).sort()).toEqual(
      ids.flatMap((id) => [`DELETE /playlists/${id}/followers`, `PUT /playlists/${id}/followers`]).sort(),
    );
  });

  it('keeps at most UPSTREAM_CONCURRENCY (4) batches in flight, and does use them', async () => {
    // `slow` access tokens make every mock call take 100 ms, so overlaps are certain.
    const { key, calls } = await setup(unique('slow-at'));
    await call(key, 'PUT', follows, { type: 'playlist', ids: spotifyIds(8) });
    const made = await calls();
    expect(made).toHaveLength(8);
    expect(peakOverlap(made)).toBe(4);
  });
});
