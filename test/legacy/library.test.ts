import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, newApp, spotifyIds } from '../support/helpers';

async function setup() {
  const { key } = await newApp();
  const token = await connect(key, 'leg');
  return { key, calls: () => mockCalls('spotify-api', byToken(token)) };
}

const lib = '/v1/users/leg/spotify/library';

describe('SPOTIFY_ENDPOINTS=legacy: the per-type library endpoints', () => {
  it('saves and checks 45 albums in calls of 20, 20 and 5', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(45);
    const saved = (await (await call(key, 'PUT', lib, { type: 'album', ids })).json()) as { results: { id: string; status: string }[] };
    expect(saved.results.map((r) => r.id)).toEqual(ids);
    expect((await call(key, 'POST', `${lib}/contains`, { type: 'album', ids })).status).toBe(200);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path} ${c.query.ids!.split(',').length}`).sort()).toEqual([
      'GET /me/albums/contains 20',
      'GET /me/albums/contains 20',
      'GET /me/albums/contains 5',
      'PUT /me/albums 20',
      'PUT /me/albums 20',
      'PUT /me/albums 5',
    ]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('saves tracks with ids in the body, removes them with ids in the query, checks 50 a call', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(3);
    await call(key, 'PUT', lib, { type: 'track', ids });
    await call(key, 'DELETE', lib, { type: 'track', ids });
    await call(key, 'POST', `${lib}/contains`, { type: 'track', ids });
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path}`)).toEqual(['PUT /me/tracks', 'DELETE /me/tracks', 'GET /me/tracks/contains']);
    expect(JSON.parse(made[0]!.body)).toEqual({ ids });
    expect(made[1]!.query.ids).toBe(ids.join(','));
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('uses /me/episodes, /me/shows and /me/audiobooks for their types', async () => {
    const { key, calls } = await setup();
    for (const type of ['episode', 'show', 'audiobook'] as const) {
      await call(key, 'PUT', lib, { type, ids: spotifyIds(1) });
      await call(key, 'DELETE', lib, { type, ids: spotifyIds(1) });
      await call(key, 'POST', `${lib}/contains`, { type, ids: spotifyIds(1) });
    }
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path}`).sort()).toEqual(
      ['episodes', 'shows', 'audiobooks'].flatMap((p) => [`DELETE /me/${p}`, `GET /me/${p}/contains`, `PUT /me/${p}`]).sort(),
    );
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('still sends {uris} to /me/library, the only endpoint that takes URIs', async () => {
    const { key, calls } = await setup();
    await call(key, 'PUT', lib, { uris: [`spotify:track:${spotifyIds(1)[0]}`] });
    expect((await calls()).map((c) => c.path)).toEqual(['/me/library']);
  });
});
