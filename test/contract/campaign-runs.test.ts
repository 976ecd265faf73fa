import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { campaignFor } from '../../src/campaigns/access';
import type { Campaign } from '../../src/campaigns/campaign';
import { midnightIn } from '../../src/campaigns/schedule';
import worker from '../../src/index';
import type { CampaignMessage } from '../../src/queues/messages';
import { objectNames } from '../../src/storage/keys';
import { ARTIST, campaign, createCampaign, fan, joinAll, json, spotifyFans, UPC, until } from '../support/campaigns';
import { BASE, call, connect, type MockCall, mockCalls, mockWorld, newApp, unique } from '../support/helpers';

const byTokens = (tokens: Iterable<string>) => {
  const set = new Set([...tokens].map((t) => `Bearer ${t}`));
  return (c: MockCall) => set.has(c.authorization ?? '');
};
const stubOf = (app: string, id: string) => env.CAMPAIGN.get(env.CAMPAIGN.idFromName(objectNames.campaign(app, id))) as DurableObjectStub<Campaign>;
const iso = (ms: number) => new Date(ms).toISOString();
const saveAlbum = { provider: 'spotify', op: 'save', type: 'album', ids: ['4aawyAB9vmqN3uQ7FjRGTy'] };

describe('campaign schedules', () => {
  it('a campaign at a moment makes no upstream call before it, then runs every fan', async () => {
    const { key } = await newApp();
    const tokens = await spotifyFans(key, 5);
    const at = Date.now() + 4000;
    const created = await createCampaign(key, {
      name: 'At',
      actions: [{ provider: 'spotify', op: 'save', type: 'album', upc: UPC }],
      run: { mode: 'at', at: iso(at) },
    });
    expect(created).toMatchObject({ status: 'scheduled', starts_at: iso(at) });
    await joinAll(key, created.id, [...tokens.keys()]);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await mockCalls('spotify-api', byTokens(tokens.values()))).toEqual([]);
    expect((await campaign(key, created.id)).counts.pending).toBe(5);
    const done = await until(key, created.id, (c) => c.status === 'completed');
    expect(done.counts.done).toBe(5);
    const calls = await mockCalls('spotify-api', byTokens(tokens.values()));
    expect(Math.min(...calls.map((c) => c.startedAt))).toBeGreaterThanOrEqual(at);
    expect(calls.filter((c) => c.path === '/search')).toHaveLength(1);
  });

  it('local midnight: each fan runs at 00:00 of the date in their own time zone; one whose midnight passed runs at once', async () => {
    const { key, app } = await newApp();
    const tokens = await spotifyFans(key, 4);
    const [early1, early2, late1, late2] = [...tokens.keys()] as [string, string, string, string];
    // A date whose midnight has passed in one zone and is still ahead in another, whatever the hour.
    const now = new Date();
    const late = now.getUTCHours() >= 10;
    const date = (late ? new Date(now.getTime() + 86_400_000) : now).toISOString().slice(0, 10);
    const [passedZone, aheadZone] = late ? ['Etc/GMT-14', 'UTC'] : ['UTC', 'Etc/GMT+11'];
    const created = await createCampaign(key, { name: 'Local', actions: [saveAlbum], run: { mode: 'local-midnight', date } });
    await joinAll(key, created.id, [early1, early2], passedZone);
    await joinAll(key, created.id, [late1, late2], aheadZone);
    await until(key, created.id, (c) => c.counts.done === 2);
    expect((await fan(key, created.id, early1)).status).toBe('done');
    const waiting = await fan(key, created.id, late1);
    expect(waiting).toMatchObject({ status: 'pending', run_at: iso(midnightIn(date, aheadZone)) });
    expect(await mockCalls('spotify-api', byTokens([tokens.get(late1)!, tokens.get(late2)!]))).toEqual([]);
    // The one alarm now waits for the next zone's midnight.
    const alarm = await runInDurableObject(stubOf(app, created.id), (_o, state) => state.storage.getAlarm());
    expect(alarm).toBe(midnightIn(date, aheadZone));
    expect((await campaign(key, created.id)).status).toBe('running');
  });

  it('an unknown UPC: the campaign waits, says why and when it searches again, and no fan is run', async () => {
    const { key } = await newApp();
    const tokens = await spotifyFans(key, 3);
    const created = await createCampaign(key, {
      name: 'Not out',
      actions: [
        { provider: 'spotify', op: 'save', type: 'album', upc: '000000000000' },
        { provider: 'spotify', op: 'follow', type: 'artist', ids: [ARTIST] },
      ],
      run: { mode: 'now' },
    });
    await joinAll(key, created.id, [...tokens.keys()]);
    const waiting = await until(key, created.id, (c) => c.releases[0]?.state === 'waiting');
    expect(waiting.releases[0]).toMatchObject({ searches: 1, item: null });
    expect(waiting.releases[0]?.reason).toMatch(/found nothing for UPC 000000000000 yet/);
    expect(Date.parse(waiting.releases[0]?.next_search_at ?? '')).toBeGreaterThan(Date.now() + 30_000);
    expect(waiting.counts).toMatchObject({ pending: 3, done: 0 });
    const calls = await mockCalls('spotify-api', byTokens(tokens.values()));
    expect(calls.map((c) => c.path)).toEqual(['/search']);
  });
});

describe('campaign outcomes', () => {
  it('verify: a while after the actions ran, each item is checked with contains and marked verified', async () => {
    const { key } = await newApp();
    const tokens = await spotifyFans(key, 3);
    const created = await createCampaign(key, {
      name: 'Gate',
      actions: [{ provider: 'spotify', op: 'follow', type: 'artist', ids: [ARTIST] }],
      run: { mode: 'now' },
      verify: true,
    });
    await joinAll(key, created.id, [...tokens.keys()]);
    const done = await until(key, created.id, (c) => c.status === 'completed');
    expect(done.verified).toEqual({ verified: 3, unverified: 0, waiting: 0 });
    const one = await fan(key, created.id, [...tokens.keys()][0]!);
    expect(one.verified).toBe(true);
    expect(one.actions[0]?.results[0]).toMatchObject({ id: ARTIST, status: 'done', verified: true });
    const calls = await mockCalls('spotify-api', byTokens(tokens.values()));
    expect(calls.filter((c) => c.path.endsWith('/contains'))).toHaveLength(3);
  });

  it('a fan whose connection needs consent again fails with reauth-required; the others are done; the app hears of both', async () => {
    const hook = unique('cmp');
    const { key, app } = await newApp();
    await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_url: `${inject('mockUrls').receiver}/hooks/${hook}` }),
    });
    const tokens = await spotifyFans(key, 2);
    const revoked = unique('revoked-fan');
    await connect(key, revoked, { access_token: `expired-${unique('a')}`, refresh_token: `revoked-${unique('r')}`, expires_in: 0 });
    const created = await createCampaign(key, { name: 'Mixed', actions: [saveAlbum], run: { mode: 'now' } });
    await joinAll(key, created.id, [...tokens.keys(), revoked]);
    const done = await until(key, created.id, (c) => c.status === 'completed');
    expect(done.counts).toMatchObject({ done: 2, failed: 1 });
    expect(done.failures).toEqual([{ reason: 'reauth-required', fans: 1 }]);
    expect(await fan(key, created.id, revoked)).toMatchObject({ status: 'failed', reason: 'reauth-required' });
    const events = async () =>
      ((await (await fetch(`${inject('mockUrls').receiver}/__receiver/${hook}`)).json()) as { body: string }[]).map(
        (d) => JSON.parse(d.body) as { type: string; data: Record<string, unknown> },
      );
    let got = await events();
    for (let i = 0; i < 50 && !got.some((e) => e.type === 'campaign.completed'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      got = await events();
    }
    const types = got.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['campaign.started', 'campaign.fans', 'campaign.completed', 'connection.reauth_required']));
    const fans = got.filter((e) => e.type === 'campaign.fans').flatMap((e) => e.data.fans as { user: string; status: string; reason: string | null }[]);
    expect(fans).toEqual(expect.arrayContaining([{ user: revoked, status: 'failed', reason: 'reauth-required' }]));
    expect(got.find((e) => e.type === 'campaign.completed')?.data).toMatchObject({ campaign_id: created.id, counts: { done: 2, failed: 1 } });
  });

  it('retry runs only what did not happen; cancel stops what has not run; a fan leaves until it ran; joining twice changes nothing', async () => {
    const { key } = await newApp();
    const tokens = await spotifyFans(key, 2);
    const [a, b] = [...tokens.keys()] as [string, string];
    const created = await createCampaign(key, {
      name: 'Retry',
      actions: [{ provider: 'spotify', op: 'save', type: 'album', ids: ['4aawyAB9vmqN3uQ7FjRGTy', 'unknown000000000000001'] }],
      run: { mode: 'now' },
    });
    expect((await call(key, 'PUT', `/v1/campaigns/${created.id}/fans/${a}`, { timezone: 'Europe/Paris' })).status).toBe(201);
    await until(key, created.id, (c) => c.status === 'completed');
    expect(await fan(key, created.id, a)).toMatchObject({ status: 'partly_done', reason: 'target-not-found', attempts: 1 });
    expect((await call(key, 'PUT', `/v1/campaigns/${created.id}/fans/${a}`)).status).toBe(200);
    expect((await call(key, 'DELETE', `/v1/campaigns/${created.id}/fans/${a}`)).status).toBe(409);
    const before = (await mockCalls('spotify-api', byTokens([tokens.get(a)!]))).length;
    expect(await json(await call(key, 'POST', `/v1/campaigns/${created.id}/retry`), 200)).toEqual({ retried: 1 });
    await until(key, created.id, (c) => c.status === 'completed');
    const again = await mockCalls('spotify-api', byTokens([tokens.get(a)!]));
    // Only the id that did not happen went again.
    const sent = again.slice(before).map((c) => decodeURIComponent(c.url) + c.body);
    expect(sent).toEqual([expect.stringContaining('unknown000000000000001')]);
    expect(sent[0]).not.toContain('4aawyAB9vmqN3uQ7FjRGTy');

    const later = await createCampaign(key, { name: 'Later', actions: [saveAlbum], run: { mode: 'at', at: iso(Date.now() + 3_600_000) } });
    await joinAll(key, later.id, [a, b]);
    expect((await call(key, 'DELETE', `/v1/campaigns/${later.id}/fans/${b}`)).status).toBe(204);
    const cancelled = await json<{ status: string; counts: Record<string, number> }>(await call(key, 'DELETE', `/v1/campaigns/${later.id}`), 200);
    expect(cancelled).toMatchObject({ status: 'cancelled', counts: { fans: 1, cancelled: 1 } });
    const closed = await call(key, 'PUT', `/v1/campaigns/${later.id}/fans/${b}`);
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { type: string }).type).toBe('urn:crossfollow:problem:campaign-closed');
    const listed = await json<{ campaigns: { id: string }[] }>(await call(key, 'GET', '/v1/campaigns'), 200);
    expect(listed.campaigns.map((c) => c.id)).toEqual([later.id, created.id]);
  });

  it("one app never reaches another's campaign", async () => {
    const one = await newApp();
    const other = await newApp();
    const created = await createCampaign(one.key, { name: 'Mine', actions: [saveAlbum], run: { mode: 'now' } });
    for (const [method, path] of [
      ['GET', `/v1/campaigns/${created.id}`],
      ['GET', `/v1/campaigns/${created.id}/fans`],
      ['DELETE', `/v1/campaigns/${created.id}`],
      ['POST', `/v1/campaigns/${created.id}/retry`],
      ['PUT', `/v1/campaigns/${created.id}/fans/someone`],
    ] as const) {
      expect((await call(other.key, method, path)).status, `${method} ${path}`).toBe(404);
    }
    expect((await campaign(one.key, created.id)).status).toBe('running');
  });
});

describe('campaign work is at-least-once', () => {
  it('a message delivered again after its fans ran runs nobody twice', async () => {
    const { key, app } = await newApp();
    const tokens = await spotifyFans(key, 3);
    const created = await createCampaign(key, { name: 'Twice', actions: [saveAlbum], run: { mode: 'now' } });
    await joinAll(key, created.id, [...tokens.keys()]);
    await until(key, created.id, (c) => c.status === 'completed');
    const before = (await mockCalls('spotify-api', byTokens(tokens.values()))).length;
    // The same fans again, under a ticket that is not theirs (a redelivery of an old message).
    const message: CampaignMessage = { app, campaign: created.id, kind: 'run', fans: [...tokens.keys()], ticket: 'old-ticket' };
    const batch = createMessageBatch<CampaignMessage>('crossfollow-campaigns', [
      { id: 'm1', timestamp: new Date(), attempts: 2, body: message },
      { id: 'm2', timestamp: new Date(), attempts: 2, body: message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m1', 'm2']);
    expect((await mockCalls('spotify-api', byTokens(tokens.values()))).length).toBe(before);
    expect((await campaign(key, created.id)).counts.done).toBe(3);
  });

  it('a consumer that dies after claiming loses no fan: its lease runs out and the fan runs again, once', async () => {
    const { key, app } = await newApp();
    const tokens = await spotifyFans(key, 2);
    const created = await createCampaign(key, { name: 'Crash', actions: [saveAlbum], run: { mode: 'at', at: iso(Date.now() + 3_600_000) } });
    await joinAll(key, created.id, [...tokens.keys()]);
    const stub = campaignFor(env, app, created.id);
    // Make the fans due now, hand them out, and let a "consumer" claim them and die before reporting.
    await runInDurableObject(stubOf(app, created.id), (_o, state) => {
      state.storage.sql.exec(`UPDATE fans SET run_at = ?`, Date.now() - 1);
    });
    await runInDurableObject(stubOf(app, created.id), (_o, state) => {
      state.storage.sql.exec(`UPDATE fans SET state = 'queued', ticket = 'dead', lease_until = ?`, Date.now() + 300_000);
    });
    const claimed = await stub.claim('dead', [...tokens.keys()]);
    expect(claimed.fans).toHaveLength(2);
    // A redelivery while the lease holds does not run them a second time alongside.
    expect((await stub.claim('dead', [...tokens.keys()])).fans).toEqual([]);
    expect((await campaign(key, created.id)).counts.running).toBe(2);
    // The lease runs out: the next alarm hands the fans out again and they run.
    await runInDurableObject(stubOf(app, created.id), (_o, state) => {
      state.storage.sql.exec(`UPDATE fans SET lease_until = ?`, Date.now() - 1);
    });
    await runDurableObjectAlarm(stubOf(app, created.id));
    const done = await until(key, created.id, (c) => c.counts.done === 2);
    expect(done.counts).toMatchObject({ done: 2, running: 0, pending: 0 });
    // A late report from the dead consumer's claim changes nothing.
    await stub.report('dead', [{ user: [...tokens.keys()][0]!, results: [{ action: 0, results: [{ id: '4aawyAB9vmqN3uQ7FjRGTy', status: 'failed' }] }] }]);
    expect((await fan(key, created.id, [...tokens.keys()][0]!)).status).toBe('done');
    for (const token of tokens.values()) expect((await mockWorld('spotify-api', token)).saved.map((s) => s.id)).toEqual(['4aawyAB9vmqN3uQ7FjRGTy']);
  });

  it('deferred fans (a paused credential) run again at their retry time without spending an attempt', async () => {
    const { key, app } = await newApp();
    const tokens = await spotifyFans(key, 1);
    const [user] = [...tokens.keys()] as [string];
    const created = await createCampaign(key, { name: 'Paused', actions: [saveAlbum], run: { mode: 'at', at: iso(Date.now() + 3_600_000) } });
    await joinAll(key, created.id, [user]);
    await runInDurableObject(stubOf(app, created.id), (_o, state) => {
      state.storage.sql.exec(`UPDATE fans SET state = 'queued', ticket = 't1', lease_until = ?`, Date.now() + 300_000);
    });
    const stub = campaignFor(env, app, created.id);
    await stub.claim('t1', [user]);
    const retryAt = Date.now() + 1500;
    await stub.report('t1', [
      { user, results: [{ action: 0, results: [{ id: '4aawyAB9vmqN3uQ7FjRGTy', status: 'deferred', reason: 'rate-limited', retry_at: iso(retryAt) }] }] },
    ]);
    expect(await fan(key, created.id, user)).toMatchObject({ status: 'deferred', reason: 'rate-limited', attempts: 0, run_at: iso(retryAt) });
    expect((await campaign(key, created.id)).failures).toEqual([{ reason: 'rate-limited', fans: 1 }]);
    const done = await until(key, created.id, (c) => c.status === 'completed');
    expect(done.counts.done).toBe(1);
    expect(await fan(key, created.id, user)).toMatchObject({ status: 'done', attempts: 1 });
    const calls = await mockCalls('spotify-api', byTokens(tokens.values()));
    expect(Math.min(...calls.map((c) => c.startedAt))).toBeGreaterThanOrEqual(retryAt);
  });

  it('a cancel while fans run: their reports settle them, nothing is verified or deferred after, and the alarm rests', async () => {
    const { key, app } = await newApp();
    const tokens = await spotifyFans(key, 2);
    const [a, b] = [...tokens.keys()] as [string, string];
    const created = await createCampaign(key, {
      name: 'Cancel mid-run',
      actions: [saveAlbum],
      run: { mode: 'at', at: iso(Date.now() + 3_600_000) },
      verify: true,
    });
    await joinAll(key, created.id, [a, b]);
    await runInDurableObject(stubOf(app, created.id), (_o, state) => {
      state.storage.sql.exec(`UPDATE fans SET state = 'queued', ticket = 't1', lease_until = ?`, Date.now() + 300_000);
    });
    const stub = campaignFor(env, app, created.id);
    await stub.claim('t1', [a, b]);
    expect((await json<{ status: string }>(await call(key, 'DELETE', `/v1/campaigns/${created.id}`), 200)).status).toBe('cancelled');
    await stub.report('t1', [
      { user: a, results: [{ action: 0, results: [{ id: '4aawyAB9vmqN3uQ7FjRGTy', status: 'done' }] }] },
      {
        user: b,
        results: [{ action: 0, results: [{ id: '4aawyAB9vmqN3uQ7FjRGTy', status: 'deferred', reason: 'rate-limited', retry_at: iso(Date.now() + 1000) }] }],
      },
    ]);
    expect(await fan(key, created.id, a)).toMatchObject({ status: 'done', verified: null });
    expect(await fan(key, created.id, b)).toMatchObject({ status: 'cancelled' });
    const { alarm, verifying } = await runInDurableObject(stubOf(app, created.id), async (_o, state) => ({
      alarm: await state.storage.getAlarm(),
      verifying: state.storage.sql.exec('SELECT COUNT(*) AS n FROM fans WHERE verify_at IS NOT NULL').one().n,
    }));
    expect(verifying).toBe(0);
    // Only the purge, 90 days on.
    expect(alarm).toBeGreaterThan(Date.now() + 89 * 86_400_000);
  });
});
