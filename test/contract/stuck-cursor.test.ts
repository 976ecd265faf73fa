import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/providers/cursor';
import { call, connect, newApp, spotifyIds, unique } from '../support/helpers';
// The scanned entry (secret scan), called with a changed env.
import worker from '../support/scanned-worker';

const faults = () => inject('mockUrls').faults!;
const STUCK = 'urn:crossfollow:problem:cursor-stuck';
// What mocks/faults.mjs hands back (its `stuck` and `cycle` steps).
const X_STUCK = 'STUCKTOKEN0000000001';
const X_CYCLE_A = 'CYCLETOKENA000000001';
const AFTER_STUCK = 'StuckAfter000000000001';
const AFTER_A = 'CycleAfterA00000000001';
const AFTER_B = 'CycleAfterB00000000001';

interface Page {
  items: { id: string }[];
  next_cursor: string | null;
  warnings?: { type: string; detail: string }[];
}
interface Line {
  id?: string;
  done?: boolean;
  count?: number;
  next_cursor?: string | null;
  error?: { type: string; status: number; detail: string };
}

/**
 * A connection whose provider is the fault server running `script`: `get` calls a path of the
 * user's through the worker, `calls` lists what the fault server was asked (`path?query`).
 */
async function through(script: string, provider: 'spotify' | 'x') {
  const { key } = await newApp();
  const user = unique('stk');
  const token = await connect(key, user, { access_token: unique('at'), ...(provider === 'x' ? { provider_user_id: '1001' } : {}) }, provider);
  const base = provider === 'x' ? { X_API_URL: `${faults()}/${script}` } : { SPOTIFY_API_URL: `${faults()}/${script}` };
  const get = (path: string) =>
    worker.fetch(
      new Request(`http://crossfollow.test/v1/users/${user}/${provider}${path}`, { headers: { authorization: `Bearer ${key}` } }),
      { ...env, ...base },
      createExecutionContext(),
    );
  const calls = async () =>
    ((await (await fetch(`${faults()}/__faults/${script}|Bearer ${token}`)).json()) as { path: string; query: string }[]).map((c) => `${c.path}?${c.query}`);
  return { get, calls };
}

// Read as bytes: workerd warns on .text() of a body that is not text/*.
const lines = async (res: Response) =>
  new TextDecoder()
    .decode(await res.arrayBuffer())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('a page whose paging does not move', () => {
  it('Spotify followed artists handing back the `after` given: the items, next_cursor null and a warning', async () => {
    const { get, calls } = await through('stuck', 'spotify');
    const first = (await (await get('/follows?type=artist&limit=2')).json()) as Page;
    expect(decodeCursor(first.next_cursor ?? undefined)).toBe(AFTER_STUCK);
    expect(first).not.toHaveProperty('warnings');
    const res = await get(`/follows?type=artist&limit=2&cursor=${first.next_cursor}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.items).toHaveLength(2);
    expect(page.next_cursor).toBeNull();
    expect(page.warnings).toEqual([{ type: STUCK, detail: expect.stringContaining('Spotify handed back the paging token it was given') }]);
    expect(page.warnings![0]!.detail).toContain('instead of looping');
    expect(await calls()).toEqual(['/me/following?type=artist&limit=2', `/me/following?type=artist&limit=2&after=${AFTER_STUCK}`]);
  });

  it('X following and followers handing back the pagination token given: the same', async () => {
    const { get, calls } = await through('stuck', 'x');
    const cursor = encodeCursor(X_STUCK);
    for (const path of [`/follows?type=user&cursor=${cursor}`, `/followers?cursor=${cursor}`]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.items.map((i) => i.id)).toHaveLength(2);
      expect(page.next_cursor).toBeNull();
      expect(page.warnings).toEqual([{ type: STUCK, detail: expect.stringContaining('X handed back the paging token it was given') }]);
    }
    expect((await calls()).map((c) => c.split('?')[0])).toEqual(['/2/users/1001/following', '/2/users/1001/followers']);
  });

  it('a Spotify offset list whose `next` asks for the offset just served: next_cursor null, not the same offset again', async () => {
    const { get, calls } = await through('stuck', 'spotify');
    for (const cursor of ['', `&cursor=${encodeCursor('50')}`]) {
      const page = (await (await get(`/library?type=track&limit=50${cursor}`)).json()) as Page;
      expect(page.items).toHaveLength(2);
      expect(page.next_cursor).toBeNull();
      expect(page.warnings?.map((w) => w.type)).toEqual([STUCK]);
    }
    expect(await calls()).toEqual(['/me/tracks?limit=50&offset=0', '/me/tracks?limit=50&offset=50']);
  });

  it('a list that pages normally has no warnings', async () => {
    const { key } = await newApp();
    await connect(key, 'fine');
    await call(key, 'PUT', '/v1/users/fine/spotify/library', { type: 'track', ids: spotifyIds(60) });
    const page = (await (await call(key, 'GET', '/v1/users/fine/spotify/library?type=track&limit=50')).json()) as Page;
    expect(page.next_cursor).not.toBeNull();
    expect(page).not.toHaveProperty('warnings');
  });
});

describe('all=1 over paging that does not move', () => {
  it('a provider answering the same page for the cursor it handed back: the first page, then the cursor-stuck line, after 2 calls', async () => {
    const { get, calls } = await through('stuck', 'spotify');
    const res = await get('/follows?type=artist&all=1');
    expect(res.status).toBe(200);
    const all = await lines(res);
    const last = all.pop();
    // The repeated page's copies are not streamed.
    expect(all.map((l) => l.id)).toEqual(['stuckx1000000000000000', 'stuckx2000000000000000']);
    expect(last).toEqual({ done: false, count: 2, next_cursor: null, error: expect.objectContaining({ type: STUCK, status: 502 }) });
    expect(await calls()).toHaveLength(2);
  });

  it('an X list whose tokens go round (none → A → B → A): every page once, then the cursor-stuck line naming A, after 3 calls', async () => {
    const { get, calls } = await through('cycle', 'x');
    const all = await lines(await get('/follows?type=user&all=1'));
    const last = all.pop();
    expect(new Set(all.map((l) => l.id)).size).toBe(6);
    expect(last).toMatchObject({ done: false, count: 6, next_cursor: encodeCursor(X_CYCLE_A), error: { type: STUCK, status: 502 } });
    expect(last!.error!.detail).toContain('X handed back a paging token it had already given');
    expect(await calls()).toHaveLength(3);
  });

  it('Spotify followed artists going round (none → A → B → A): the same, after 3 calls', async () => {
    const { get, calls } = await through('cycle', 'spotify');
    const all = await lines(await get('/follows?type=artist&all=1'));
    expect(all.pop()).toMatchObject({ done: false, count: 6, next_cursor: encodeCursor(AFTER_A), error: { type: STUCK } });
    expect((await calls()).map((c) => new URLSearchParams(c.split('?')[1]).get('after'))).toEqual([null, AFTER_A, AFTER_B]);
  });

  it('a Spotify offset list whose `next` does not move: its one page, then the cursor-stuck line, after 1 call', async () => {
    const { get, calls } = await through('stuck', 'spotify');
    const all = await lines(await get('/library?type=album&all=1'));
    expect(all.pop()).toMatchObject({ done: false, count: 2, next_cursor: encodeCursor('0'), error: { type: STUCK, status: 502 } });
    expect(all).toHaveLength(2);
    expect(await calls()).toEqual(['/me/albums?limit=50&offset=0']);
  });
});
