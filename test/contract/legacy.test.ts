import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { spotify } from '../../src/providers/spotify';
import { UpstreamSession } from '../../src/upstream/session';
import { byToken, connect, mockCalls, newApp, peakOverlap, spotifyIds, unique } from '../support/helpers';

/** The adapter with SPOTIFY_ENDPOINTS=legacy, inside workerd, against Prism. */
async function legacySession(concurrency = '4', access_token?: string) {
  const { key, app } = await newApp();
  const token = await connect(key, 'leg', { access_token });
  const session = await UpstreamSession.open({ ...env, SPOTIFY_ENDPOINTS: 'legacy', UPSTREAM_CONCURRENCY: concurrency }, { app, user: 'leg', provider: 'spotify' });
  return { session, calls: () => mockCalls('spotify-api', byToken(token)) };
}

describe('SPOTIFY_ENDPOINTS=legacy: the per-type endpoints', () => {
  it('follows and unfollows users with /me/following?type=user, 50 a call', async () => {
    const { session, calls } = await legacySession();
    const users = Array.from({ length: 60 }, (_, i) => `user.${i}`);
    expect((await spotify.follow(session, 'user', users, {})).every((r) => r.status === 'done')).toBe(true);
    expect((await spotify.unfollow(session, 'user', users.slice(0, 2))).every((r) => r.status === 'done')).toBe(true);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path} ${c.query.type} ${c.query.ids!.split(',').length}`).sort()).toEqual([
      'DELETE /me/following user 2',
      'PUT /me/following user 10',
      'PUT /me/following user 50',
    ]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('checks artists with /me/following/contains and playlists one call each', async () => {
    const { session, calls } = await legacySession();
    const artists = ['0TnOYISbd1XYRBk9myaseg', ...spotifyIds(2)];
    const results = await spotify.contains(session, 'artist', artists);
    expect(results.map((r) => r.following)).toEqual([true, false, false]);
    const playlists = ['3cEYpjA9oz9GiPac4AsH4n', ...spotifyIds(1)];
    expect((await spotify.contains(session, 'playlist', playlists)).map((r) => r.following)).toEqual([true, false]);
    const made = await calls();
    expect(made.map((c) => c.path).sort()).toEqual(['/me/following/contains', ...playlists.map((p) => `/playlists/${p}/followers/contains`)].sort());
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('unfollows playlists with DELETE /playlists/{id}/followers', async () => {
    const { session, calls } = await legacySession();
    const ids = spotifyIds(3);
    await spotify.unfollow(session, 'playlist', ids);
    expect((await calls()).map((c) => `${c.method} ${c.path}`).sort()).toEqual(ids.map((id) => `DELETE /playlists/${id}/followers`).sort());
  });

  it('keeps at most UPSTREAM_CONCURRENCY batches in flight, and does use them', async () => {
    for (const limit of [2, 4]) {
      // `slow` access tokens make every mock call take 100 ms, so overlaps are certain.
      const { session, calls } = await legacySession(String(limit), unique('slow-at'));
      await spotify.follow(session, 'playlist', spotifyIds(8), {});
      const made = await calls();
      expect(made).toHaveLength(8);
      expect(peakOverlap(made)).toBe(limit);
    }
  });
});
