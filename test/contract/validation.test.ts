import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, newApp, spotifyIds, storedState } from '../support/helpers';

async function setup() {
  const { key, app } = await newApp();
  const token = await connect(key, 'val');
  return { key, calls: () => mockCalls('spotify-api', byToken(token)), stored: () => storedState(app, 'val', 'spotify') };
}

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer?: string; parameter?: string; detail: string }[];
}

async function expectProblem(res: Response, status: number, slug: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body.type).toBe(`urn:crossfollow:problem:${slug}`);
  expect(body.status).toBe(status);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

const follow = '/v1/users/val/spotify/follows';

describe('bad input never reaches Spotify', () => {
  const cases: [string, string, string, unknown, string, number, string, { pointer?: string; parameter?: string }?][] = [
    [
      'an artist id of the wrong length',
      'PUT',
      follow,
      { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg', 'short'] },
      'validation-error',
      422,
      '',
      { pointer: '/ids/1' },
    ],
    [
      'an artist id with a unicode look-alike',
      'PUT',
      follow,
      { type: 'artist', ids: ['0TnOYISbd1XYRBk9myasеg'] },
      'validation-error',
      422,
      '',
      { pointer: '/ids/0' },
    ],
    ['a user id with a slash', 'PUT', follow, { type: 'user', ids: ['../me'] }, 'validation-error', 422, '', { pointer: '/ids/0' }],
    ['an empty id list', 'PUT', follow, { type: 'artist', ids: [] }, 'validation-error', 422, '', { pointer: '/ids' }],
    ['a missing id list', 'DELETE', follow, { type: 'artist' }, 'validation-error', 422, '', { pointer: '/ids' }],
    ['an unknown type', 'PUT', follow, { type: 'album', ids: spotifyIds(1) }, 'validation-error', 422, '', { pointer: '/type' }],
    ['an unknown field', 'PUT', follow, { type: 'artist', ids: spotifyIds(1), idz: [] }, 'validation-error', 422, '', { pointer: '/idz' }],
    ['more ids than one request may carry', 'PUT', follow, { type: 'artist', ids: spotifyIds(1001) }, 'validation-error', 422, '', { pointer: '/ids' }],
    ['a body that is not JSON', 'PUT', follow, '{"type": "artist", ids: [', 'malformed-json', 400, ''],
    ['a body that is not an object', 'POST', `${follow}/contains`, '["0TnOYISbd1XYRBk9myaseg"]', 'validation-error', 422, ''],
    ['limit 0', 'GET', `${follow}?type=artist&limit=0`, undefined, 'validation-error', 422, '', { parameter: 'limit' }],
    ['limit 51', 'GET', `${follow}?type=artist&limit=51`, undefined, 'validation-error', 422, '', { parameter: 'limit' }],
    ['a cursor this API did not issue', 'GET', `${follow}?type=artist&cursor=abc`, undefined, 'validation-error', 422, '', { parameter: 'cursor' }],
    ['a list without type', 'GET', follow, undefined, 'validation-error', 422, '', { parameter: 'type' }],
    [
      'an unknown provider',
      'PUT',
      '/v1/users/val/myspace/follows',
      { type: 'artist', ids: spotifyIds(1) },
      'validation-error',
      422,
      '',
      { parameter: 'provider' },
    ],
    [
      'a user id with an encoded slash',
      'PUT',
      '/v1/users/a%2F..%2Fb/spotify/follows',
      { type: 'artist', ids: spotifyIds(1) },
      'validation-error',
      422,
      '',
      { parameter: 'user' },
    ],
  ];

  for (const [name, method, path, body, slug, status, , where] of cases) {
    it(`${name}: ${status} ${slug}, no call, nothing stored changed`, async () => {
      const { key, calls, stored } = await setup();
      const before = await stored();
      const problem = await expectProblem(await call(key, method, path, body), status, slug);
      if (where && (where.pointer || where.parameter)) expect(problem.errors).toContainEqual(expect.objectContaining(where));
      expect(await calls()).toHaveLength(0);
      expect(await stored()).toBe(before);
    });
  }

  it('points at every bad id, not only the first', async () => {
    const { key } = await setup();
    const problem = await expectProblem(await call(key, 'PUT', follow, { type: 'artist', ids: ['bad-1', ...spotifyIds(1), 'bad-2'] }), 422, 'validation-error');
    expect(problem.errors!.map((e) => e.pointer)).toEqual(['/ids/0', '/ids/2']);
  });

  it('answers 415 to a body sent as something other than JSON', async () => {
    const { key, calls, stored } = await setup();
    const before = await stored();
    const res = await call(key, 'PUT', follow, 'type=artist&ids=x', { 'content-type': 'application/x-www-form-urlencoded' });
    await expectProblem(res, 415, 'unsupported-media-type');
    expect(await calls()).toHaveLength(0);
    expect(await stored()).toBe(before);
  });

  it('answers 422 with the import field at fault', async () => {
    const { key } = await setup();
    const res = await call(key, 'PUT', '/v1/users/val/connections/spotify', { access_token: 'x', expires_at: 'tomorrow' });
    const problem = await expectProblem(res, 422, 'validation-error');
    expect(problem.errors).toContainEqual(expect.objectContaining({ pointer: '/expires_at' }));
  });

  it('answers unknown routes with a 404 problem', async () => {
    const { key } = await setup();
    await expectProblem(await call(key, 'GET', '/v1/nothing-here'), 404, 'not-found');
  });
});
