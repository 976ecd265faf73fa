import { describe, expect, it } from 'vitest';
import { byToken, call, callWith, connect, mockCalls, mockWorld, newApp, ownCredential, spotifyIds } from '../support/helpers';

const FOLLOWED = '0TnOYISbd1XYRBk9myaseg'; // an artist in the sandbox catalogue

async function setup() {
  const { key } = await newApp();
  const token = await connect(key, 'ana');
  return { key, token, calls: () => mockCalls('spotify-api', byToken(token)) };
}

describe('follow artists through the worker against Prism', () => {
  it('follows 120 artists with 3 upstream calls and answers one result per id, in order', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(120);
    const res = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; status: string }[]; summary: Record<string, number> };
    expect(body.results.map((r) => r.id)).toEqual(ids);
    expect(body.results.every((r) => r.status === 'done')).toBe(true);
    expect(body.summary).toEqual({ done: 120, pending: 0, deferred: 0, failed: 0, skipped: 0 });
    const made = await calls();
    expect(made).toHaveLength(3);
    expect(made.every((c) => c.method === 'PUT' && c.path === '/me/following' && c.query.type === 'artist')).toBe(true);
    expect(made.map((c) => c.query.ids!.split(',').length).sort((a, b) => a - b)).toEqual([20, 50, 50]);
    expect(made.flatMap((c) => c.query.ids!.split(',')).sort()).toEqual([...ids].sort());
    expect(made.every((c) => c.status === 204 && c.violations.length === 0)).toBe(true);
  });

  it('sends a duplicated id once and reports the copy as skipped', async () => {
    const { key, calls } = await setup();
    const [a, b] = spotifyIds(2);
    const res = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids: [a, b, a] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; status: string; reason?: string }[] };
    expect(body.results).toEqual([
      { id: a, status: 'done' },
      { id: b, status: 'done' },
      { id: a, status: 'skipped', reason: 'duplicate' },
    ]);
    const made = await calls();
    expect(made).toHaveLength(1);
    expect(made[0]!.query.ids).toBe(`${a},${b}`);
  });

  it('unfollows artists with DELETE /me/following', async () => {
    const { key, token, calls } = await setup();
    const ids = spotifyIds(51);
    await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids: [...ids, FOLLOWED] });
    const res = await call(key, 'DELETE', '/v1/users/ana/spotify/follows', { type: 'artist', ids });
    expect(res.status).toBe(200);
    expect((await mockWorld('spotify-api', token)).follows.map((f) => f.id)).toEqual([FOLLOWED]);
    const made = (await calls()).filter((c) => c.method === 'DELETE');
    expect(made.map((c) => `${c.method} ${c.path} ${c.query.ids!.split(',').length}`).sort()).toEqual(['DELETE /me/following 1', 'DELETE /me/following 50']);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });
});

describe('check follows (library endpoint family, the default)', () => {
  it('answers one boolean per id from /me/library/contains, 40 URIs a call', async () => {
    const { key, calls } = await setup();
    await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids: [FOLLOWED] });
    const ids = [FOLLOWED, ...spotifyIds(44)];
    const res = await call(key, 'POST', '/v1/users/ana/spotify/follows/contains', { type: 'artist', ids });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; following: boolean }[] };
    expect(body.results.map((r) => r.id)).toEqual(ids);
    expect(body.results[0]).toEqual({ id: FOLLOWED, status: 'done', following: true });
    expect(body.results.slice(1).every((r) => r.following === false)).toBe(true);
    const made = (await calls()).filter((c) => c.method === 'GET');
    expect(made).toHaveLength(2);
    expect(made.every((c) => c.path === '/me/library/contains' && c.violations.length === 0)).toBe(true);
    expect(made.map((c) => c.query.uris!.split(',').length).sort((a, b) => a - b)).toEqual([5, 40]);
    expect(made.flatMap((c) => c.query.uris!.split(',')).every((u) => u.startsWith('spotify:artist:'))).toBe(true);
  });
});

describe('users and playlists (library endpoint family)', () => {
  it('follows users by spotify:user URIs on /me/library', async () => {
    const { key, calls } = await setup();
    const res = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'user', ids: ['smedjan', 'wizzler'] });
    expect(res.status).toBe(200);
    const [made] = await calls();
    expect(made).toMatchObject({ method: 'PUT', path: '/me/library', query: { uris: 'spotify:user:smedjan,spotify:user:wizzler' }, violations: [] });
  });

  it('follows, checks and unfollows playlists', async () => {
    const { key, calls } = await setup();
    const playlist = '3cEYpjA9oz9GiPac4AsH4n';
    expect((await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'playlist', ids: [playlist] })).status).toBe(200);
    const check = await call(key, 'POST', '/v1/users/ana/spotify/follows/contains', { type: 'playlist', ids: [playlist] });
    expect(((await check.json()) as { results: unknown[] }).results).toEqual([{ id: playlist, status: 'done', following: true }]);
    expect((await call(key, 'DELETE', '/v1/users/ana/spotify/follows', { type: 'playlist', ids: [playlist] })).status).toBe(200);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path} ${c.query.uris}`)).toEqual([
      `PUT /me/library spotify:playlist:${playlist}`,
      `GET /me/library/contains spotify:playlist:${playlist}`,
      `DELETE /me/library spotify:playlist:${playlist}`,
    ]);
    expect(made.every((c) => c.violations.length === 0)).toBe(true);
  });

  it('follows a playlist privately through the per-type endpoint, the only one with a visibility flag', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(2);
    const res = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'playlist', ids, public: false });
    expect(res.status).toBe(200);
    const made = await calls();
    expect(made.map((c) => `${c.method} ${c.path}`).sort()).toEqual(ids.map((id) => `PUT /playlists/${id}/followers`).sort());
    expect(made.every((c) => JSON.parse(c.body).public === false && c.contentType === 'application/json' && c.violations.length === 0)).toBe(true);
  });
});

describe('list followed artists', () => {
  it('normalizes items and pages with an opaque cursor', async () => {
    const { key, calls } = await setup();
    const ids = ['6sFIWsNpZYqfjUpaCgueju', FOLLOWED, '2CIMQHirSU0MQqyYHq0eOx'];
    await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids });
    const first = await call(key, 'GET', '/v1/users/ana/spotify/follows?type=artist&limit=2');
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: Record<string, unknown>[]; next_cursor: string };
    // Spotify pages followed artists by id (`after` is the last id seen).
    expect(page.items.map((i) => i.id)).toEqual([FOLLOWED, '2CIMQHirSU0MQqyYHq0eOx']);
    expect(page.items[0]).toEqual({
      id: FOLLOWED,
      type: 'artist',
      uri: `spotify:artist:${FOLLOWED}`,
      name: 'The Midnight Ferries',
      url: `https://open.spotify.com/artist/${FOLLOWED}`,
      image: `https://images.sandbox.crossfollow.invalid/spotify/${FOLLOWED}.jpg`,
    });
    expect(page.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await call(key, 'GET', `/v1/users/ana/spotify/follows?type=artist&limit=2&cursor=${page.next_cursor}`);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ items: [{ id: '6sFIWsNpZYqfjUpaCgueju' }], next_cursor: null });
    const made = (await calls()).filter((c) => c.method === 'GET');
    expect(made.map((c) => c.query)).toEqual([
      { type: 'artist', limit: '2' },
      { type: 'artist', limit: '2', after: '2CIMQHirSU0MQqyYHq0eOx' },
    ]);
  });

  it('streams every followed artist with all=1, to the end', async () => {
    const { key, calls } = await setup();
    const ids = spotifyIds(120);
    await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids });
    const lines = (await (await call(key, 'GET', '/v1/users/ana/spotify/follows?type=artist&all=1')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.pop();
    expect(lines.every((l) => l.type === 'artist')).toBe(true);
    expect(lines.map((l) => l.id)).toEqual([...ids].sort());
    expect(summary).toEqual({ done: true, count: 120, next_cursor: null });
    // Pages of 50: 50, 50, 20.
    expect((await calls()).filter((c) => c.method === 'GET')).toHaveLength(3);
  });

  it('adds the upstream object as raw when asked', async () => {
    const { key } = await setup();
    await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids: [FOLLOWED] });
    const res = await call(key, 'GET', '/v1/users/ana/spotify/follows?type=artist&raw=1');
    const page = (await res.json()) as { items: { raw: { popularity: number; genres: string[] } }[] };
    expect(page.items[0]!.raw.popularity).toEqual(expect.any(Number));
    expect(page.items[0]!.raw.genres).toEqual(['sandbox pop']);
  });

  it('answers 422 unsupported-operation for followed users, without calling Spotify', async () => {
    const { key, calls } = await setup();
    const res = await call(key, 'GET', '/v1/users/ana/spotify/follows?type=user');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:unsupported-operation', provider: 'spotify', operation: 'list-follows' });
    expect(await calls()).toHaveLength(0);
  });
});

describe('when Spotify refuses or rate limits', () => {
  it('reports every item as failed under a 502 problem when Spotify answers 403', async () => {
    const { key } = await newApp();
    await connect(key, 'ana', { access_token: `forbidden-${crypto.randomUUID()}` });
    const ids = spotifyIds(3);
    const res = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as {
      type: string;
      detail: string;
      results: { id: string; status: string; problem: { upstream_status: number } }[];
      summary: unknown;
    };
    expect(body.type).toBe('urn:crossfollow:problem:upstream-error');
    expect(body.detail).toContain('scope');
    expect(body.results.map((r) => [r.id, r.status, r.problem.upstream_status])).toEqual(ids.map((id) => [id, 'failed', 403]));
    expect(body.summary).toEqual({ done: 0, pending: 0, deferred: 0, failed: 3, skipped: 0 });
  });

  it('a 429 pauses the app: one call, no retry into the penalty, each item deferred until Retry-After', async () => {
    const { key } = await newApp();
    const token = await connect(key, 'ana', { access_token: `ratelimited-${crypto.randomUUID()}` });
    const res = await callWith(ownCredential(), key, 'POST', '/v1/users/ana/spotify/follows/contains', { type: 'artist', ids: spotifyIds(2) });
    expect(res.status).toBe(200);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { results: { status: string; reason: string; retry_at: string }[] };
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['deferred', 'rate-limited'],
      ['deferred', 'rate-limited'],
    ]);
    expect(Date.parse(body.results[0]!.retry_at)).toBeGreaterThan(Date.now());
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(1);
  });
});

describe('when listing fails upstream', () => {
  it('answers 503 with Retry-After from the provider, or 5 s when it gave none', async () => {
    for (const [prefix, after] of [
      ['ratelimited', '1'],
      ['broken', '5'],
    ] as const) {
      const { key } = await newApp();
      await connect(key, 'ana', { access_token: `${prefix}-${crypto.randomUUID()}` });
      const res = await callWith(ownCredential(), key, 'GET', '/v1/users/ana/spotify/follows?type=artist');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(after);
      expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:upstream-unavailable' });
    }
  });
});

describe('the public flag', () => {
  it('is refused for artists and users, and on unfollow, instead of being ignored', async () => {
    const { key, calls } = await setup();
    const artist = await call(key, 'PUT', '/v1/users/ana/spotify/follows', { type: 'artist', ids: spotifyIds(1), public: true });
    expect(artist.status).toBe(422);
    expect(((await artist.json()) as { errors: unknown[] }).errors).toEqual([{ pointer: '/public', detail: 'public applies to playlists only' }]);
    const unfollow = await call(key, 'DELETE', '/v1/users/ana/spotify/follows', { type: 'playlist', ids: spotifyIds(1), public: true });
    expect(unfollow.status).toBe(422);
    expect(await calls()).toHaveLength(0);
  });
});
