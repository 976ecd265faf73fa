// A user's stories through the worker against the sandbox (mocks/world/): what is followed is
// followed, what is unfollowed is gone, and every list pages to its end, on each provider.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { byToken, call, connect, mockCalls, mockWorld, newApp, spotifyIds } from '../support/helpers';

const tokens: { provider: Provider; token: string }[] = [];

// Prism checked every request these stories made, and the proxy every answer the world gave.
afterAll(async () => {
  for (const { provider, token } of tokens) {
    const made = await mockCalls(`${provider}-api` as 'spotify-api', byToken(token));
    expect(made.length).toBeGreaterThan(0);
    expect(made.flatMap((c) => c.violations)).toEqual([]);
  }
});

type Provider = 'spotify' | 'x' | 'audius';
type Batch = { results: { id: string; status: string; following?: boolean }[]; summary: Record<string, number> };
type Page = { items: { id: string; type: string; name: string; added_at?: string }[]; next_cursor: string | null };

async function fan(provider: Provider) {
  const { key } = await newApp();
  const token = await connect(key, 'fan', {}, provider);
  tokens.push({ provider, token });
  const raw = (method: string, path: string, body?: unknown) => call(key, method, `/v1/users/fan/${provider}${path}`, body);
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await raw(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(200);
    return res;
  };
  const json = async <T>(method: string, path: string, body?: unknown) => (await (await send(method, path, body)).json()) as T;
  /** Every page by cursor, guarded: a list that does not end fails the test instead of hanging it. */
  const walk = async (path: string, limit: number) => {
    const seen: Page['items'] = [];
    let cursor: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages, `${path} ends`).toBeLessThan(500);
      const page: Page = await json<Page>('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items);
      if (!page.next_cursor) return seen;
      cursor = page.next_cursor;
    }
  };
  const stream = async (path: string) => {
    const lines = (await (await send('GET', `${path}${path.includes('?') ? '&' : '?'}all=1`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    return { items: lines.slice(0, -1) as Page['items'], summary: lines.at(-1) };
  };
  const upstream = `${provider}-api` as 'spotify-api';
  return { raw, send, json, walk, stream, world: () => mockWorld(upstream, token), calls: () => mockCalls(upstream, byToken(token)) };
}

const FOLLOW_TYPE = { spotify: 'artist', x: 'user', audius: 'user' } as const;
/** Three ids of each provider's catalogue, none of them a protected X account. */
const THREE = {
  spotify: ['0TnOYISbd1XYRBk9myaseg', '6sFIWsNpZYqfjUpaCgueju', '2CIMQHirSU0MQqyYHq0eOx'],
  x: ['2244994945', '783214', '1400000000000000001'],
  audius: ['nlGNe', '7eP5n', 'Wk0Ld'],
};

describe.each(['spotify', 'x', 'audius'] as const)('%s: follow, unfollow, check, list to the end', (provider) => {
  it('follow 3 → unfollow 1 → contains → every page by cursor → all=1 done', async () => {
    const f = await fan(provider);
    const type = FOLLOW_TYPE[provider];
    const [a, b, c] = THREE[provider] as [string, string, string];
    expect((await f.json<Batch>('PUT', '/follows', { type, ids: [a, b, c] })).summary.done).toBe(3);
    expect((await f.json<Batch>('DELETE', '/follows', { type, ids: [b] })).summary.done).toBe(1);
    const check = await f.json<Batch>('POST', '/follows/contains', { type, ids: [a, b, c] });
    expect(check.results.map((r) => r.following)).toEqual([true, false, true]);
    const listed = await f.walk(`/follows?type=${type}`, 1);
    expect(listed.map((i) => i.id).sort()).toEqual([a, c].sort());
    expect(listed.every((i) => i.type === type && i.name.length > 0)).toBe(true);
    const all = await f.stream(`/follows?type=${type}`);
    expect(all.summary).toEqual({ done: true, count: 2, next_cursor: null });
    expect(all.items.map((i) => i.id)).toEqual(listed.map((i) => i.id));
  });
});

describe.each(['spotify', 'audius'] as const)('%s: 250 follows, paged to the end', (provider) => {
  it('lists all 250 exactly once, by cursor and with all=1', async () => {
    const f = await fan(provider);
    const type = FOLLOW_TYPE[provider];
    const ids = provider === 'spotify' ? spotifyIds(250) : Array.from({ length: 250 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    expect((await f.json<Batch>('PUT', '/follows', { type, ids })).summary.done).toBe(250);
    const listed = (await f.walk(`/follows?type=${type}`, 40)).map((i) => i.id);
    expect(listed).toHaveLength(250);
    expect(new Set(listed)).toEqual(new Set(ids));
    const all = await f.stream(`/follows?type=${type}`);
    expect(all.summary).toEqual({ done: true, count: 250, next_cursor: null });
  });
});

describe('x: a budget of follows, paged to the end', () => {
  it('follows 45 (inside the 50-per-15-minutes budget) and lists them newest first, each once', async () => {
    const f = await fan('x');
    const ids = Array.from({ length: 45 }, (_, i) => String(5000 + i));
    for (const id of ids) await f.send('PUT', '/follows', { type: 'user', ids: [id] });
    const listed = (await f.walk('/follows?type=user', 10)).map((i) => i.id);
    expect(listed).toEqual([...ids].reverse());
    expect((await f.stream('/follows?type=user')).summary).toEqual({ done: true, count: 45, next_cursor: null });
  });

  it('a protected account stays pending: not following, not listed, until it is withdrawn', async () => {
    const f = await fan('x');
    const result = await f.json<Batch>('PUT', '/follows', { type: 'user', ids: ['1111111111'] });
    expect(result.results[0]!.status).toBe('pending');
    expect((await f.json<Batch>('POST', '/follows/contains', { type: 'user', ids: ['1111111111'] })).results[0]!.following).toBe(false);
    expect(await f.walk('/follows?type=user', 10)).toEqual([]);
    expect((await f.world()).pending.map((p) => p.id)).toEqual(['1111111111']);
    await f.send('DELETE', '/follows', { type: 'user', ids: ['1111111111'] });
    expect((await f.world()).pending).toEqual([]);
  });
});

describe('spotify: save by type and by URI, check, list, remove', () => {
  it('a track by type and an album by URI: saved, checked, listed newest first, removed', async () => {
    const f = await fan('spotify');
    const [track, album] = spotifyIds(2) as [string, string];
    await f.send('PUT', '/library', { type: 'track', ids: [track] });
    await f.send('PUT', '/library', { uris: [`spotify:album:${album}`] });
    const check = await f.json<Batch>('POST', '/library/contains', { uris: [`spotify:track:${track}`, `spotify:album:${album}`, `spotify:album:${track}`] });
    expect(check.results.map((r) => r.following)).toEqual([true, true, false]);
    expect((await f.walk('/library?type=track', 10)).map((i) => i.id)).toEqual([track]);
    const albums = await f.walk('/library?type=album', 10);
    expect(albums.map((i) => i.id)).toEqual([album]);
    expect(Date.parse(albums[0]!.added_at!)).toBeGreaterThan(Date.now() - 60_000);
    await f.send('DELETE', '/library', { type: 'track', ids: [track] });
    await f.send('DELETE', '/library', { uris: [`spotify:album:${album}`] });
    expect(await f.walk('/library?type=track', 10)).toEqual([]);
    expect(await f.walk('/library?type=album', 10)).toEqual([]);
    expect((await f.world()).saved).toEqual([]);
  });

  it('an id the provider does not have fails alone as not found; the others in its batch still happen', async () => {
    const f = await fan('spotify');
    const unknown = 'unknown000000000000000';
    const [a, b] = THREE.spotify as [string, string];
    const body = await f.json<{ results: { id: string; status: string; problem?: { status: number; type: string } }[] }>('PUT', '/follows', {
      type: 'artist',
      ids: [a, unknown, b],
    });
    expect(body.results.map((r) => [r.id, r.status])).toEqual([
      [a, 'done'],
      [unknown, 'failed'],
      [b, 'done'],
    ]);
    expect(body.results[1]!.problem).toMatchObject({ status: 404, type: 'urn:crossfollow:problem:target-not-found' });
    expect((await f.world()).follows.map((e) => e.id).sort()).toEqual([a, b].sort());
    const saved = await f.json<Batch>('PUT', '/library', { type: 'album', ids: ['382ObEPsp2rxGrnsizN5TX', unknown] });
    expect(saved.results.map((r) => r.status)).toEqual(['done', 'failed']);
  });

  it('an unknown id among 100 costs one more call, not one a call', async () => {
    const f = await fan('spotify');
    const ids = spotifyIds(100);
    ids[70] = 'unknown000000000000000';
    const before = (await f.calls()).length;
    const body = await f.json<Batch>('PUT', '/follows', { type: 'artist', ids });
    expect(body.results.map((r) => r.id)).toEqual(ids);
    expect(body.summary).toMatchObject({ done: 99, failed: 1 });
    expect(body.results[70]!.status).toBe('failed');
    // Two batches of 50; the second, refused for its unknown id, sent again without it.
    expect((await f.calls()).length - before).toBe(3);
  });

  it('X and Audius: an unknown id fails as not found on follow, unfollow and check', async () => {
    for (const [provider, unknown] of [
      ['x', '9999991234'],
      ['audius', 'unknownU1'],
    ] as const) {
      const f = await fan(provider);
      for (const [method, path] of [
        ['PUT', '/follows'],
        ['DELETE', '/follows'],
        ['POST', '/follows/contains'],
      ] as const) {
        const body = await f.json<{ results: { status: string; problem?: { type: string } }[] }>(method, path, { type: 'user', ids: [unknown] });
        expect(body.results[0], `${provider} ${method} ${path}`).toMatchObject({
          status: 'failed',
          problem: { type: 'urn:crossfollow:problem:target-not-found' },
        });
      }
    }
  });
});

describe('audius: save by type, check, list, remove', () => {
  it('a track and an album: each answers a transaction hash, is checked, listed and removed', async () => {
    const f = await fan('audius');
    for (const [type, id] of [
      ['track', 'Lq7Xb'],
      ['album', 'Ppl4X'],
    ] as const) {
      const saved = await f.json<{ results: { status: string; transaction_hash?: string }[] }>('PUT', '/library', { type, ids: [id] });
      expect(saved.results[0]).toMatchObject({ status: 'done', transaction_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
      expect((await f.json<Batch>('POST', '/library/contains', { type, ids: [id, 'Zz9'] })).results.map((r) => r.following)).toEqual([true, false]);
      expect((await f.walk(`/library?type=${type}`, 10)).map((i) => i.id)).toEqual([id]);
      await f.send('DELETE', '/library', { type, ids: [id] });
      expect(await f.walk(`/library?type=${type}`, 10)).toEqual([]);
    }
  });
});

describe('spotify search by UPC and ISRC (for campaigns)', () => {
  const search = async (q: string, type: string) => {
    const res = await fetch(`${inject('mockUrls')['spotify-api']}/search?q=${encodeURIComponent(q)}&type=${type}`, {
      headers: { authorization: 'Bearer s.search' },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, { items: { id: string; type: string; external_ids?: Record<string, string> }[]; total: number }>;
  };

  it('finds an album made for any well-formed UPC, and a track for an ISRC, the same each time', async () => {
    const album = (await search('upc:602445798029', 'album')).albums!;
    expect(album.total).toBe(1);
    expect(album.items[0]).toMatchObject({ type: 'album', external_ids: { upc: '602445798029' } });
    expect((await search('upc:602445798029', 'album')).albums!.items[0]!.id).toBe(album.items[0]!.id);
    const track = (await search('isrc:USUM72409273', 'track')).tracks!;
    expect(track.items[0]).toMatchObject({ type: 'track', external_ids: { isrc: 'USUM72409273' } });
  });

  it('finds nothing for the documented unknown codes', async () => {
    expect((await search('upc:000000000000', 'album')).albums).toMatchObject({ items: [], total: 0 });
    expect((await search('isrc:XX0000000000', 'track')).tracks).toMatchObject({ items: [], total: 0 });
  });
});

describe('the sandbox state routes', () => {
  it("shows one user's world and forgets it on DELETE, leaving other users alone", async () => {
    const a = await fan('spotify');
    const b = await fan('spotify');
    await a.send('PUT', '/follows', { type: 'artist', ids: [THREE.spotify[0]] });
    await b.send('PUT', '/follows', { type: 'artist', ids: [THREE.spotify[1]] });
    const before = await a.world();
    expect(before.follows.map((f) => f.id)).toEqual([THREE.spotify[0]]);
    const url = `${inject('mockUrls')['spotify-api']}/__mock/state?user=${encodeURIComponent(before.user)}`;
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(200);
    expect((await a.world()).follows).toEqual([]);
    expect((await b.world()).follows.map((f) => f.id)).toEqual([THREE.spotify[1]]);
    // A query that names nobody (an empty variable in a script) forgets nothing.
    const nobody = await fetch(`${inject('mockUrls')['spotify-api']}/__mock/state?token=`, { method: 'DELETE' });
    expect(nobody.status).toBe(400);
    expect((await b.world()).follows).toHaveLength(1);
  });
});

describe.each([
  ['x', '1999000000000000001', '783214'],
  ['audius', 'MyOwnId', 'nlGNe'],
] as const)('%s: an import that names its own provider_user_id', (provider, own, target) => {
  it('acts as that id, and keeps acting as it after a refresh to tokens of another sandbox user', async () => {
    const { key } = await newApp();
    // Unrelated token names (no shared `.user`), as tokens imported from elsewhere are; expired, so the first call refreshes.
    const token = await connect(
      key,
      'own',
      { access_token: `imported-${crypto.randomUUID()}`, refresh_token: `other-${crypto.randomUUID()}`, expires_in: 0, provider_user_id: own },
      provider,
    );
    const path = `/v1/users/own/${provider}`;
    expect((await (await call(key, 'PUT', `${path}/follows`, { type: 'user', ids: [target] })).json()) as Batch).toMatchObject({ summary: { done: 1 } });
    const check = (await (await call(key, 'POST', `${path}/follows/contains`, { type: 'user', ids: [target] })).json()) as Batch;
    expect(check.results[0]!.following).toBe(true);
    const page = (await (await call(key, 'GET', `${path}/follows?type=user`)).json()) as Page;
    expect(page.items.map((i) => i.id)).toEqual([target]);
    // The first call refreshed: every call after it went with the new token, as the imported id.
    const made = await mockCalls(`${provider}-api` as 'x-api', (c) => c.url.includes(own));
    expect(made.length).toBeGreaterThanOrEqual(2);
    expect(made.every((c) => c.authorization !== `Bearer ${token}` && c.violations.length === 0)).toBe(true);
  });
});

describe.each([
  ['x', '1999000000000000002', '783214'],
  ['audius', 'MyOtherId', 'nlGNe'],
] as const)('%s: a write, then a refresh, then a check', (provider, own, target) => {
  it('the refreshed token of the same sandbox user still acts as the imported id', async () => {
    const { key } = await newApp();
    const who = `fan${crypto.randomUUID().slice(0, 8)}`;
    await connect(key, 'ref', { access_token: `a1.${who}`, refresh_token: `r1.${who}`, provider_user_id: own }, provider);
    const path = `/v1/users/ref/${provider}`;
    expect(((await (await call(key, 'PUT', `${path}/follows`, { type: 'user', ids: [target] })).json()) as Batch).summary.done).toBe(1);
    // New tokens of the same user, already expired: the next call refreshes first, then checks.
    await connect(key, 'ref', { access_token: `a2.${who}`, refresh_token: `r2.${who}`, expires_in: 0, provider_user_id: own }, provider);
    const check = (await (await call(key, 'POST', `${path}/follows/contains`, { type: 'user', ids: [target] })).json()) as Batch;
    expect(check.results[0]).toMatchObject({ status: 'done', following: true });
    expect(await mockCalls(`${provider}-api` as 'x-api', (c) => c.method === 'POST' && /token$/.test(c.path) && c.body.includes(`r2.${who}`))).toHaveLength(1);
  });
});
