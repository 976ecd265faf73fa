// What an app sees of all its users at once: its connections by status (GET /v1/connections),
// its event deliveries (GET /v1/events/deliveries), and a campaign's fans finished by minute.
import { createMessageBatch, env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { connectionIndexFor } from '../../src/connections/access';
import { deliveryLogFor } from '../../src/events/delivery-log';
import worker from '../../src/index';
import type { EventMessage } from '../../src/queues/messages';
import { vaultStorage } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { ARTIST, createCampaign, joinAll, spotifyFans, until } from '../support/campaigns';
import { BASE, call, connect, newApp, unique } from '../support/helpers';

type IndexPage = {
  counts: Record<string, number>;
  connections: {
    user: string;
    provider: string;
    status: string;
    reason: string | null;
    since: string;
    reconnect: { path: string; body: { user: string } } | null;
  }[];
  next_cursor: string | null;
};
const index = async (key: string, query = '') => (await (await call(key, 'GET', `/v1/connections${query}`)).json()) as IndexPage;

describe("an app's connections, all at once (GET /v1/connections)", () => {
  it('counts them by status and lists the users to send back through consent, newest first, with the call that does it', async () => {
    const { key } = await newApp();
    await connect(key, 'ok-1');
    await connect(key, 'ok-2');
    const day = 86_400_000;
    // Spotify refresh tokens end six months after consent; 14 days before, a connection is expiring.
    await connect(key, 'soon', { authorized_at: new Date(Date.now() - 176 * day).toISOString() });
    await connect(key, 'old', { authorized_at: new Date(Date.now() - 200 * day).toISOString() });
    // A refresh the provider refuses: reauth_required, now.
    await connect(key, 'lost', { refresh_token: unique('revoked-rt'), expires_in: 0 });
    await call(key, 'PUT', '/v1/users/lost/spotify/follows', { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] });
    const all = await index(key);
    expect(all.counts).toEqual({ active: 2, expiring: 1, reauth_required: 2, total: 5 });
    const lapsed = await index(key, '?status=reauth_required');
    expect(lapsed.connections.map((c) => c.user)).toEqual(['lost', 'old']);
    expect(lapsed.connections[0]).toMatchObject({
      provider: 'spotify',
      status: 'reauth_required',
      reconnect: { path: '/v1/connections/spotify/authorize', body: { user: 'lost' } },
    });
    expect(lapsed.connections[0]!.reason).toBeTruthy();
    expect((await index(key, '?status=expiring')).connections.map((c) => c.user)).toEqual(['soon']);
    // Reconnecting sends the user back to active; forgetting takes the connection away.
    await connect(key, 'lost');
    await call(key, 'DELETE', '/v1/users/old/connections/spotify');
    expect((await index(key)).counts).toEqual({ active: 3, expiring: 1, reauth_required: 0, total: 4 });
  });

  it("hears a change it missed from the vault's alarm, and a vault that was heard keeps no alarm", async () => {
    const { key, app } = await newApp();
    await connect(key, 'missed');
    const id = { app, user: 'missed', provider: 'spotify' as const };
    const vault = vaultFor(env, id);
    expect(await runInDurableObject(vault, (_, state) => state.storage.getAlarm())).toBeNull();
    // As if the index never answered: its row gone, the vault's note untold.
    await runInDurableObject(connectionIndexFor(env, app), (_, state) => state.storage.sql.exec('DELETE FROM connections'));
    await runInDurableObject(vault, async (_, state) => {
      const note = (await state.storage.get<{ told: boolean }>(vaultStorage.index))!;
      await state.storage.put(vaultStorage.index, { ...note, told: false });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect((await index(key)).counts.total).toBe(0);
    expect(await runDurableObjectAlarm(vault)).toBe(true);
    expect((await index(key)).counts).toMatchObject({ active: 1, total: 1 });
    expect(await runInDurableObject(vault, (_, state) => state.storage.getAlarm())).toBeNull();
  });

  it('pages with next_cursor, refuses a cursor it did not make, and shows another app nothing', async () => {
    const { key } = await newApp();
    for (const user of ['p1', 'p2', 'p3']) await connect(key, user);
    const first = await index(key, '?limit=2');
    expect(first.connections).toHaveLength(2);
    const second = await index(key, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.next_cursor).toBeNull();
    expect([...first.connections, ...second.connections].map((c) => c.user).sort()).toEqual(['p1', 'p2', 'p3']);
    const bad = await call(key, 'GET', '/v1/connections?cursor=nonsense');
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: [{ parameter: 'cursor' }] });
    const other = await newApp();
    expect((await index(other.key)).counts.total).toBe(0);
  });
});

type DeliveriesJson = {
  counts: Record<string, number>;
  failures: { reason: string; attempts: number }[];
  deliveries: { event_id: string; status: string; attempt: number; reason: string | null; host: string | null; next_attempt_at: string | null }[];
};
const deliveries = async (key: string, query = '') => (await (await call(key, 'GET', `/v1/events/deliveries${query}`)).json()) as DeliveriesJson;

async function listening(path: string) {
  const { key, app } = await newApp();
  await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: `${inject('mockUrls').receiver}/hooks/${path}` }),
  });
  return { key, app };
}

const eventOf = (app: string, id = unique('evt')): EventMessage => ({
  id,
  app,
  type: 'connection.created',
  timestamp: new Date().toISOString(),
  data: { user: 'u', provider: 'spotify', via: 'import' },
});

/** Delivers `event` as the queue's `attempts`-th try. */
const deliver = (event: EventMessage, attempts: number) =>
  worker.queue(createMessageBatch<EventMessage>('crossfollow-events', [{ id: unique('m'), timestamp: new Date(), attempts, body: event }]), env);

describe("an app's event deliveries (GET /v1/events/deliveries)", () => {
  it('records each attempt: failures with their reason and next try, then the delivery, newest first', async () => {
    const { key, app } = await listening(`${unique('flaky')}?fail=1`);
    const event = eventOf(app);
    await deliver(event, 1);
    await deliver(event, 2);
    const log = await deliveries(key);
    expect(log.deliveries.map((d) => [d.event_id, d.attempt, d.status])).toEqual([
      [event.id, 2, 'delivered'],
      [event.id, 1, 'failed'],
    ]);
    const failed = log.deliveries[1]!;
    expect(failed.reason).toBe('HTTP 500');
    expect(failed.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(Date.parse(failed.next_attempt_at!)).toBeGreaterThan(Date.now());
    expect(log.counts).toEqual({ delivered: 1, failed: 1, dead_lettered: 0, no_webhook: 0 });
    expect(log.failures).toEqual([expect.objectContaining({ reason: 'HTTP 500', attempts: 1 })]);
    expect((await deliveries(key, '?status=failed')).deliveries).toHaveLength(1);
  });

  it('counts every attempt of the day by the hour, beyond the 1,000 rows it keeps', async () => {
    const { key, app } = await newApp();
    const log = deliveryLogFor(env, app);
    const at = Date.now();
    for (let batch = 0; batch < 11; batch++)
      await log.record(
        Array.from({ length: 100 }, (_, i) => ({
          eventId: `evt_${batch}_${i}`,
          type: 'campaign.fans' as const,
          status: i === 0 ? ('failed' as const) : ('delivered' as const),
          attempt: 1,
          reason: i === 0 ? 'HTTP 503' : null,
          host: null,
          at,
          nextAttemptAt: null,
        })),
      );
    const report = await deliveries(key, '?limit=5');
    expect(report.counts).toEqual({ delivered: 1089, failed: 11, dead_lettered: 0, no_webhook: 0 });
    expect(report.failures).toEqual([expect.objectContaining({ reason: 'HTTP 503', attempts: 11 })]);
    expect(report.deliveries).toHaveLength(5);
  });

  it('marks the last try dead-lettered, an app without a webhook no_webhook, a redelivered attempt once, and shows another app nothing', async () => {
    const { key, app } = await listening(`${unique('down')}?fail=100`);
    const event = eventOf(app);
    await deliver(event, 9);
    await deliver(event, 9);
    const log = await deliveries(key);
    expect(log.deliveries).toEqual([expect.objectContaining({ status: 'dead_lettered', attempt: 9, next_attempt_at: null })]);
    const quiet = await newApp();
    await deliver(eventOf(quiet.app), 1);
    expect((await deliveries(quiet.key)).deliveries.map((d) => d.status)).toEqual(['no_webhook']);
    expect((await deliveries((await newApp()).key)).deliveries).toEqual([]);
  });
});

describe("a campaign's fans finished by minute", () => {
  it('adds up to the fans that finished, each minute at its start', async () => {
    const { key } = await newApp();
    const fans = [...(await spotifyFans(key, 3)).keys()];
    const { id } = await createCampaign(key, {
      name: 'by minute',
      actions: [{ provider: 'spotify', op: 'follow', type: 'artist', ids: [ARTIST] }],
      run: { mode: 'now' },
    });
    await joinAll(key, id, fans);
    const done = await until(key, id, (c) => c.status === 'completed');
    const perMinute = done.per_minute;
    expect(perMinute.reduce((n, m) => n + m.done, 0)).toBe(3);
    expect(perMinute.every((m) => Date.parse(m.minute) % 60_000 === 0 && m.failed === 0)).toBe(true);
  });
});
