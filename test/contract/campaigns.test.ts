import { describe, expect, inject, it } from 'vitest';
import { call, connect, type MockCall, mockCalls, mockWorld, newApp, unique } from '../support/helpers';

const ARTIST = '0TnOYISbd1XYRBk9myaseg';
const UPC = '00602445798029';

interface CampaignJson {
  id: string;
  status: string;
  counts: Record<string, number>;
  releases: { state: string; item: { id: string } | null; searches: number; reason: string | null; next_search_at: string | null }[];
  by_action: { action: number; done: number; failed: number; pending: number }[];
  failures: { reason: string; fans: number }[];
  verified: { verified: number; unverified: number; waiting: number } | null;
  started_at: string | null;
  estimated_end_at: string | null;
}

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function create(key: string, body: unknown): Promise<CampaignJson> {
  return json<CampaignJson>(await call(key, 'POST', '/v1/campaigns', body), 201);
}

/** Polls the campaign until `done` says so (or fails with its last state). */
async function until(key: string, id: string, done: (c: CampaignJson) => boolean, ms = 15_000): Promise<CampaignJson> {
  const end = Date.now() + ms;
  let last: CampaignJson | null = null;
  while (Date.now() < end) {
    last = await json<CampaignJson>(await call(key, 'GET', `/v1/campaigns/${id}`), 200);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`campaign never got there: ${JSON.stringify(last)}`);
}

/** `n` fans connected to Spotify, each its own sandbox user; returns user → access token. */
async function fans(key: string, n: number, prefix = unique('fan')): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const user = `${prefix}-${i}`;
      out.set(user, await connect(key, user, { access_token: `at-${unique('t')}.${user}` }));
    }),
  );
  return out;
}

const searches = (c: MockCall) => c.path === '/search';

describe('campaigns', () => {
  it('a pre-save with a follow: the UPC is searched once, each fan saves the album in one call and follows, and the campaign completes', async () => {
    const { key } = await newApp();
    const tokens = await fans(key, 6);
    const created = await create(key, {
      name: 'Release day',
      actions: [
        { provider: 'spotify', op: 'save', type: 'album', upc: UPC },
        { provider: 'spotify', op: 'follow', type: 'artist', ids: [ARTIST] },
      ],
      run: { mode: 'now' },
    });
    expect(created.status).toBe('running');
    expect(created.releases[0]).toMatchObject({ state: 'pending', searches: 0 });
    const joined = await json<{ joined: string[] }>(
      await call(key, 'POST', `/v1/campaigns/${created.id}/fans`, { fans: [...tokens.keys()].map((user) => ({ user })) }),
      200,
    );
    expect(joined.joined).toHaveLength(6);
    const done = await until(key, created.id, (c) => c.status === 'completed');
    expect(done.counts).toMatchObject({ fans: 6, done: 6, failed: 0, pending: 0 });
    expect(done.by_action.map((a) => a.done)).toEqual([6, 6]);
    const album = done.releases[0]?.item?.id;
    expect(album).toBeTruthy();
    expect(done.releases[0]).toMatchObject({ state: 'resolved', searches: 1 });
    const all = [...tokens.values()];
    const byFans = (c: MockCall) => all.some((t) => c.authorization === `Bearer ${t}`);
    const calls = await mockCalls('spotify-api', byFans);
    expect(calls.filter(searches)).toHaveLength(1);
    // One save and one follow a fan: the minimum.
    expect(calls.filter((c) => !searches(c))).toHaveLength(12);
    expect(calls.flatMap((c) => c.violations)).toEqual([]);
    for (const token of all) {
      const world = await mockWorld('spotify-api', token);
      expect(world.saved.map((s) => s.id)).toContain(album);
      expect(world.follows.map((s) => s.id)).toContain(ARTIST);
    }
    const page = await json<{ fans: { user: string; status: string; actions: { results: { status: string }[] }[] }[] }>(
      await call(key, 'GET', `/v1/campaigns/${created.id}/fans?status=done`),
      200,
    );
    expect(page.fans).toHaveLength(6);
    expect(page.fans[0]?.actions.map((a) => a.results[0]?.status)).toEqual(['done', 'done']);
  });

  it('a fan without the connection is refused at join with the route that connects it', async () => {
    const { key } = await newApp();
    const created = await create(key, { name: 'Gate', actions: [{ provider: 'x', op: 'follow', type: 'user', ids: ['2244994945'] }], run: { mode: 'now' } });
    const res = await call(key, 'PUT', `/v1/campaigns/${created.id}/fans/${unique('nobody')}`);
    const problem = await json<{ type: string; connect: { provider: string; status: string; connect: { path: string } }[] }>(res, 409);
    expect(problem.type).toBe('urn:crossfollow:problem:fan-not-connected');
    expect(problem.connect).toEqual([
      expect.objectContaining({ provider: 'x', status: 'not_connected', connect: expect.objectContaining({ path: '/v1/connections/x/authorize' }) }),
    ]);
  });

  it('bad actions are refused whole, each with its pointer, before anything is stored', async () => {
    const { key } = await newApp();
    const res = await call(key, 'POST', '/v1/campaigns', {
      name: 'Bad',
      actions: [
        { provider: 'spotify', op: 'follow', type: 'album', ids: [ARTIST] },
        { provider: 'spotify', op: 'save', type: 'album', ids: ['nope'] },
        { provider: 'x', op: 'save', type: 'track', upc: UPC },
      ],
      run: { mode: 'at', at: '2020-01-01T00:00:00Z' },
    });
    const problem = await json<{ errors: { pointer: string }[] }>(res, 422);
    expect(problem.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/actions/2/upc']));
    const again = await call(key, 'POST', '/v1/campaigns', {
      name: 'Bad',
      actions: [
        { provider: 'spotify', op: 'follow', type: 'album', ids: [ARTIST] },
        { provider: 'spotify', op: 'save', type: 'album', ids: ['nope'] },
      ],
      run: { mode: 'at', at: '2020-01-01T00:00:00Z' },
    });
    const p2 = await json<{ errors: { pointer: string }[] }>(again, 422);
    expect(p2.errors.map((e) => e.pointer)).toEqual(['/actions/0/type', '/actions/1/ids/0', '/run/at']);
    const list = await json<{ campaigns: unknown[] }>(await call(key, 'GET', '/v1/campaigns'), 200);
    expect(list.campaigns).toEqual([]);
    expect(inject('mockUrls')).toBeTruthy();
  });
});
