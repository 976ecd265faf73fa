import { describe, expect, it } from 'vitest';
import { byRefreshToken, byToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

const lib = '/v1/users/val/spotify/library';
const [id] = spotifyIds(1);

const cases: [string, string, string, unknown, { pointer?: string; parameter?: string }][] = [
  ['an album id of the wrong alphabet', 'PUT', lib, { type: 'album', ids: [id, 'abc!defghijklmnopqrstu'] }, { pointer: '/ids/1' }],
  ['an empty id list', 'PUT', lib, { type: 'track', ids: [] }, { pointer: '/ids' }],
  ['ids without a type', 'DELETE', lib, { ids: [id] }, { pointer: '/type' }],
  ['an unknown type', 'POST', `${lib}/contains`, { type: 'podcast', ids: [id] }, { pointer: '/type' }],
  ['ids and uris together', 'PUT', lib, { type: 'track', ids: [id], uris: [`spotify:track:${id}`] }, { pointer: '/uris' }],
  ['neither ids nor uris', 'PUT', lib, { type: 'track' }, { pointer: '/ids' }],
  ['a type with uris', 'PUT', lib, { type: 'track', uris: [`spotify:track:${id}`] }, { pointer: '/type' }],
  ['a URI that is not spotify:{type}:{id}', 'PUT', lib, { uris: [`spotify:track:${id}`, 'https://open.spotify.com/track/x'] }, { pointer: '/uris/1' }],
  ['a URI with a bad id', 'DELETE', lib, { uris: ['spotify:album:short'] }, { pointer: '/uris/0' }],
  ['an artist URI on save', 'PUT', lib, { uris: [`spotify:artist:${id}`] }, { pointer: '/uris/0' }],
  ['an added_at that is not ISO 8601', 'PUT', lib, { type: 'track', items: [{ id, added_at: '15/01/2023' }] }, { pointer: '/items/0/added_at' }],
  ['items for albums', 'PUT', lib, { type: 'album', items: [{ id, added_at: '2023-01-15T14:30:00Z' }] }, { pointer: '/type' }],
  ['items on remove', 'DELETE', lib, { type: 'track', items: [{ id, added_at: '2023-01-15T14:30:00Z' }] }, { pointer: '/items' }],
  ['an item with a bad id', 'PUT', lib, { type: 'track', items: [{ id: 'nope', added_at: '2023-01-15T14:30:00Z' }] }, { pointer: '/items/0/id' }],
  ['limit 0 on a list', 'GET', `${lib}?type=track&limit=0`, undefined, { parameter: 'limit' }],
  ['a list without type', 'GET', lib, undefined, { parameter: 'type' }],
  ['a cursor from another list', 'GET', `${lib}?type=track&cursor=eyJ2IjoxLCJhZnRlciI6IjZzRklXc05wWllxZmpVcGFDZ3VlanUifQ`, undefined, { parameter: 'cursor' }],
  ['an unknown time_range', 'GET', '/v1/users/val/spotify/top/artists?time_range=forever', undefined, { parameter: 'time_range' }],
  ['a negative offset', 'GET', '/v1/users/val/spotify/top/tracks?offset=-1', undefined, { parameter: 'offset' }],
  ['limit 51 on top items', 'GET', '/v1/users/val/spotify/top/tracks?limit=51', undefined, { parameter: 'limit' }],
  ['an unknown top kind', 'GET', '/v1/users/val/spotify/top/albums', undefined, { parameter: 'kind' }],
  ['a bad Spotify user id', 'GET', '/v1/users/val/spotify/users/a%20b', undefined, { parameter: 'id' }],
];

describe('library, top items and profiles: bad input never reaches Spotify', () => {
  for (const [name, method, path, body, where] of cases) {
    it(`${name} → 422 with a pointer, no call even when the token has expired`, async () => {
      const { key } = await newApp();
      const rt = unique('rt');
      const token = await connect(key, 'val', { refresh_token: rt, expires_in: 0 });
      const res = await call(key, method, path, body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await res.json()) as { type: string; errors: { pointer?: string; parameter?: string }[] };
      expect(problem.type).toBe('urn:crossfollow:problem:validation-error');
      if (where.pointer || where.parameter) expect(problem.errors).toContainEqual(expect.objectContaining(where));
      expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(0);
      expect(await mockCalls('spotify-accounts', byRefreshToken(rt))).toHaveLength(0);
    });
  }
});
