import { describe, expect, it } from 'vitest';
import { ARTIST, createCampaign as create, spotifyFans as fans, json, UPC, until } from '../support/campaigns';
import { call, type MockCall, mockCalls, mockWorld, newApp, unique } from '../support/helpers';

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
  });

  it('an Idempotency-Key makes a retried create the same campaign, not a second one', async () => {
    const { key } = await newApp();
    const body = { name: 'Once', actions: [{ provider: 'spotify', op: 'follow', type: 'artist', ids: [ARTIST] }], run: { mode: 'now' } };
    const first = await call(key, 'POST', '/v1/campaigns', body, { 'idempotency-key': 'create-once' });
    const again = await call(key, 'POST', '/v1/campaigns', body, { 'idempotency-key': 'create-once' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    expect(((await (await call(key, 'GET', '/v1/campaigns')).json()) as { campaigns: unknown[] }).campaigns).toHaveLength(1);
  });
});
