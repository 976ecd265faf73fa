import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, mockWorld, newApp, spotifyIds, unique } from '../support/helpers';

async function setup(access_token?: string) {
  const { key, app } = await newApp();
  const token = await connect(key, 'lib', { access_token });
  return { key, app, token, calls: () => mockCalls('spotify-api', byToken(token)) };
}

/** The NDJSON lines of an all=1 answer, and its last (summary) line apart. */
async function ndjson(res: Response) {
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { lines, summary: lines.pop() };
}

const lib = '/v1/users/lib/spotify/library';
type Batch = { results: { id: string; status: string; following?: boolean }[]; summary: Record<string, number>; type: string | null };

describe('save, remove and check by type (library endpoint family)', () => {
  for (const type of ['track', 'album', 'episode', 'show', 'audiobook'] as const) {
    it(`${type}s go to /me/library as spotify:${type} URIs, 40 a call`, async () => {
      const { key, token, calls } = await setup();
      const ids = spotifyIds(41);
      const saved = async () => (await mockWorld('spotify-api', token)).saved.filter((e) => e.type === type).length;
      const expected = { PUT: 41, DELETE: 0, POST: 0 };
      for (const [method, path] of [
        ['PUT', lib],
        ['DELETE', lib],
        ['POST', `${lib}/contains`],
      ] as const) {
        const res = await call(key, method, path, { type, ids });
        expect(res.status, `${method} ${path}`).toBe(200);
        const body = (await res.json()) as Batch;
        expect(body.results.map((r) => r.id)).toEqual(ids);
        expect(await saved(), `${method} ${path}`).toBe(expected[method]);
      }
      const made = await calls();
      expect(made.map((c) => `${c.method} ${c.path} ${c.query.uris!.split(',').length}`).sort()).toEqual([
        'DELETE /me/library 1',
        'DELETE /me/library 40',
        'GET /me/library/contains 1',
        'GET /me/library/contains 40',
        'PUT /me/library 1',
        'PUT /me/library 40',
      ]);
      expect(made.every((c) => c.query.uris!.split(',').every((u) => u.startsWith(`spotify:${type}:`)) && c.violations.length === 0)).toBe(true);
    });
  }
});

describe('save by URI', () => {
  it('sends 85 mixed URIs in 3 calls of at most 40, and answers by URI in order', async () => {
    const { key, calls } = await setup();
    const kinds = ['track', 'album', 'episode', 'show', 'audiobook', 'playlist', 'user'];
    const uris = spotifyIds(85).map((id, i) => `spotify:${kinds[i % kinds.length]}:${id}`);
    const res = await call(key, 'PUT', lib, { uris });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body.type).toBeNull();
    expect(body.results.map((r) => r.id)).toEqual(uris);
    const made = await calls();
    expect(made.map((c) => c.query.uris!.split(',').length).sort((a, b) => a - b)).toEqual([5, 40, 40]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('checks artist URIs too, which only contains accepts', async () => {
    const { key } = await setup();
    await call(key, 'PUT', '/v1/users/lib/spotify/follows', { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] });
    const res = await call(key, 'POST', `${lib}/contains`, { uris: ['spotify:artist:0TnOYISbd1XYRBk9myaseg', 'spotify:track:4iV5W9uYEdYUVa79Axb7Rh'] });
    expect(((await res.json()) as Batch).results.map((r) => r.following)).toEqual([true, false]);
    const save = await call(key, 'PUT', lib, { uris: ['spotify:artist:0TnOYISbd1XYRBk9myaseg'] });
    expect(save.status).toBe(422);
  });
});

describe('timestamped saves', () => {
  it('keeps added_at and sends 50 a call to PUT /me/tracks', async () => {
    const { key, calls } = await setup();
    const items = spotifyIds(60).map((id, i) => ({ id, added_at: new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString() }));
    const res = await call(key, 'PUT', lib, { type: 'track', items });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Batch).results.map((r) => r.id)).toEqual(items.map((i) => i.id));
    const made = await calls();
    expect(made.every((c) => c.method === 'PUT' && c.path === '/me/tracks' && c.violations.length === 0)).toBe(true);
    // The world keeps each track's own time: listed newest first, the first page is the latest 50.
    const page = (await (await call(key, 'GET', `${lib}?type=track&limit=50`)).json()) as { items: { id: string; added_at: string }[] };
    expect(page.items.map((i) => [i.id, Date.parse(i.added_at)])).toEqual(
      [...items]
        .reverse()
        .slice(0, 50)
        .map((i) => [i.id, Date.parse(i.added_at)]),
    );
    const sent = made.flatMap((c) => (JSON.parse(c.body) as { timestamped_ids: { id: string; added_at: string }[] }).timestamped_ids);
    expect(made.map((c) => JSON.parse(c.body).timestamped_ids.length).sort((a, b) => a - b)).toEqual([10, 50]);
    expect(sent.sort((a, b) => a.added_at.localeCompare(b.added_at))).toEqual(items);
  });
});

describe('list saved items', () => {
  it('normalizes saved tracks with added_at and pages by cursor, newest first, to the end', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(110);
    // Saved in two calls, oldest first; the catalogue track last, so it is the newest.
    await call(key, 'PUT', lib, { type: 'track', ids });
    await call(key, 'PUT', lib, { type: 'track', ids: ['4iV5W9uYEdYUVa79Axb7Rh'] });
    const first = (await (await call(key, 'GET', `${lib}?type=track&limit=50`)).json()) as { items: Record<string, unknown>[]; next_cursor: string };
    expect(first.items[0]).toEqual({
      id: '4iV5W9uYEdYUVa79Axb7Rh',
      type: 'track',
      uri: 'spotify:track:4iV5W9uYEdYUVa79Axb7Rh',
      name: 'Lanterns on the Water',
      url: 'https://open.spotify.com/track/4iV5W9uYEdYUVa79Axb7Rh',
      image: 'https://images.sandbox.crossfollow.invalid/spotify/4iV5W9uYEdYUVa79Axb7Rh.jpg',
      added_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const second = (await (await call(key, 'GET', `${lib}?type=track&limit=50&cursor=${first.next_cursor}`)).json()) as {
      items: { id: string }[];
      next_cursor: string;
    };
    const third = (await (await call(key, 'GET', `${lib}?type=track&limit=50&cursor=${second.next_cursor}`)).json()) as {
      items: { id: string }[];
      next_cursor: string | null;
    };
    expect(third.next_cursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map((i) => i.id);
    expect(all).toHaveLength(111);
    expect(new Set(all).size).toBe(111);
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => c.query.offset)).toEqual(['0', '50', '100']);
  });

  for (const [type, path] of [
    ['album', '/me/albums'],
    ['episode', '/me/episodes'],
    ['show', '/me/shows'],
    ['audiobook', '/me/audiobooks'],
    ['playlist', '/me/playlists'],
  ] as const) {
    it(`lists saved ${type}s from ${path}`, async () => {
      const { key, calls } = await setup();
      const saved = spotifyIds(2);
      await call(key, 'PUT', lib, { type, ids: saved });
      const res = await call(key, 'GET', `${lib}?type=${type}&raw=1`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { type: string; id: string; raw: unknown }[] };
      expect(page.items.every((i) => i.type === type && i.id.length === 22 && i.raw !== undefined)).toBe(true);
      // Newest first; a user's playlists also hold the two they own.
      expect(page.items.slice(0, 2).map((i) => i.id)).toEqual([...saved].reverse());
      expect(page.items).toHaveLength(type === 'playlist' ? 4 : 2);
      expect((await calls()).filter((c) => c.method === 'GET').map((c) => c.path)).toEqual([path]);
    });
  }

  it('walks every page with all=1 and streams NDJSON ending in a summary line', async () => {
    const { key, calls } = await setup();
    const albums = spotifyIds(106);
    await call(key, 'PUT', lib, { type: 'album', ids: albums });
    const res = await call(key, 'GET', `${lib}?type=album&all=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const { lines, summary } = await ndjson(res);
    expect(summary).toEqual({ done: true, count: 106, next_cursor: null });
    expect(lines.every((l) => l.type === 'album')).toBe(true);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(albums));
    expect((await calls()).filter((c) => c.method === 'GET').map((c) => `${c.query.offset}/${c.query.limit}`)).toEqual(['0/50', '50/50', '100/50']);
  });

  it('stops all=1 at 20 pages and says where to resume', async () => {
    const { key, calls } = await setup(unique('huge-at'));
    const { summary } = await ndjson(await call(key, 'GET', `${lib}?type=show&all=1`));
    expect(summary.done).toBe(false);
    expect(summary.count).toBe(1000);
    expect(await calls()).toHaveLength(20);
    const resumed = await call(key, 'GET', `${lib}?type=show&limit=50&cursor=${summary.next_cursor}`);
    expect(resumed.status).toBe(200);
    expect((await calls()).at(-1)!.query.offset).toBe('1000');
  });
});

describe('list edge cases', () => {
  it('ends an all=1 stream with an error line when a later page fails, keeping the lines already sent', async () => {
    const { key } = await setup(unique('failpage-at'));
    await call(key, 'PUT', lib, { type: 'track', ids: spotifyIds(60) });
    const res = await call(key, 'GET', `${lib}?type=track&all=1`);
    expect(res.status).toBe(200);
    const { lines, summary: last } = await ndjson(res);
    expect(lines).toHaveLength(50);
    expect(last).toMatchObject({ done: false, count: 50, error: { type: 'urn:crossfollow:problem:upstream-unavailable', status: 503 } });
    const resumed = await call(key, 'GET', `${lib}?type=track&cursor=${last.next_cursor}`);
    expect(resumed.status).toBe(503);
  });

  it('acts on a repeated id or URI once, with the first added_at, and reports the copy skipped', async () => {
    const { key, calls } = await setup();
    const [a, b] = spotifyIds(2);
    const items = [
      { id: a, added_at: '2020-01-01T00:00:00+02:00' },
      { id: b, added_at: '2020-01-02T00:00:00Z' },
      { id: a, added_at: '2021-01-01T00:00:00Z' },
    ];
    const res = (await (await call(key, 'PUT', lib, { type: 'track', items })).json()) as Batch;
    expect(res.results.map((r) => [r.id, r.status])).toEqual([
      [a, 'done'],
      [b, 'done'],
      [a, 'skipped'],
    ]);
    const sent = JSON.parse((await calls())[0]!.body).timestamped_ids;
    expect(sent).toEqual([
      { id: a, added_at: '2019-12-31T22:00:00.000Z' },
      { id: b, added_at: '2020-01-02T00:00:00.000Z' },
    ]);
    const uri = `spotify:album:${a}`;
    const byUri = (await (await call(key, 'PUT', lib, { uris: [uri, uri] })).json()) as Batch;
    expect(byUri.results.map((r) => r.status)).toEqual(['done', 'skipped']);
    expect((await calls()).at(-1)!.query.uris).toBe(uri);
  });
});
