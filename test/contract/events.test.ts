import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { EVENTS_QUEUE, fetchFailure, retryDelaySeconds } from '../../src/events/deliver';
import worker from '../../src/index';
import type { EventMessage } from '../../src/queues/messages';
import { appsKv } from '../../src/storage/keys';
import wranglerToml from '../../wrangler.toml?raw';
import { BASE, call, newApp, unique } from '../support/helpers';

interface Delivery {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

const receiver = () => inject('mockUrls').receiver!;
const deliveries = async (name: string) => (await (await fetch(`${receiver()}/__receiver/${name}`)).json()) as Delivery[];

async function appListening(hook: string, base = receiver()) {
  const { key, app } = await newApp();
  const res = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: `${base}/hooks/${hook}` }),
  });
  const { event_secret } = (await res.json()) as { event_secret: string };
  return { key, app, secret: event_secret };
}

describe('outbound events', () => {
  it('after an event secret rotation, events carry both signatures, so receivers on either verify', async () => {
    const name = unique('rot');
    const { app, secret: older } = await appListening(name);
    const rotated = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ rotate_event_secret: true }),
    });
    const { event_secret: newer } = (await rotated.json()) as { event_secret: string };
    const event: EventMessage = {
      id: 'evt_rot',
      app,
      type: 'connection.deleted',
      timestamp: new Date().toISOString(),
      data: { user: 'u', provider: 'spotify' },
    };
    const batch = createMessageBatch<EventMessage>('crossfollow-events', [{ id: 'r1', timestamp: new Date(), attempts: 1, body: event }]);
    await worker.queue(batch, env);
    const [got] = await deliveries(name);
    for (const secret of [older, newer]) expect(() => new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).not.toThrow();
  });

  it('backs off 10 s, 20 s, 40 s … up to 10 minutes between deliveries', () => {
    expect([1, 2, 3, 4, 8, 12].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 600, 600]);
  });

  it('an event whose receiver fails twice arrives on the third try, with a valid signature', async () => {
    const name = unique('down');
    const { app, secret } = await appListening(`${name}?fail=2`);
    const event: EventMessage = {
      id: 'evt_test_1',
      app,
      type: 'connection.reauth_required',
      timestamp: new Date().toISOString(),
      data: { user: 'u1', provider: 'x', reason: 'invalid_grant' },
    };
    const outcomes = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const batch = createMessageBatch<EventMessage>('crossfollow-events', [{ id: 'm1', timestamp: new Date(), attempts: attempt, body: event }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      const result = await getQueueResult(batch, ctx);
      outcomes.push(result.explicitAcks.includes('m1') ? 'ack' : result.retryMessages.some((m: { msgId: string }) => m.msgId === 'm1') ? 'retry' : 'none');
    }
    expect(outcomes).toEqual(['retry', 'retry', 'ack']);
    const got = await deliveries(name);
    expect(got.map((d) => d.answered)).toEqual([500, 500, 204]);
    const last = got[2]!;
    expect(last.headers['webhook-id']).toBe('evt_test_1');
    const verified = new Webhook(secret).verify(last.body, last.headers as Record<string, string>) as { type: string; data: { user: string } };
    expect(verified).toMatchObject({ type: 'connection.reauth_required', data: { user: 'u1', provider: 'x' } });
  });

  it('connecting, losing and deleting a connection each send their event to the app', async () => {
    const name = unique('events');
    const { key } = await appListening(name);
    await call(key, 'PUT', '/v1/users/ev/connections/spotify', { access_token: 'a', refresh_token: unique('revoked-rt'), expires_in: 0 });
    await call(key, 'PUT', '/v1/users/ev/spotify/follows', { type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] });
    await call(key, 'DELETE', '/v1/users/ev/connections/spotify');
    let types: string[] = [];
    for (let i = 0; i < 50 && types.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      types = (await deliveries(name)).map((d) => (JSON.parse(d.body) as { type: string }).type);
    }
    expect(types.sort()).toEqual(['connection.created', 'connection.deleted', 'connection.reauth_required']);
  });
});

const eventOf = (app: string, id = unique('evt')): EventMessage => ({
  id,
  app,
  type: 'connection.created',
  timestamp: new Date().toISOString(),
  data: { user: 'u-log', provider: 'spotify', via: 'import' },
});

/** One delivery attempt of `event`, as the queue's `attempts`-th; the lines it logged with console.warn. */
async function attempt(event: EventMessage, attempts: number) {
  const warn = vi.spyOn(console, 'warn');
  const batch = createMessageBatch<EventMessage>('crossfollow-events', [{ id: 'm1', timestamp: new Date(), attempts, body: event }]);
  const ctx = createExecutionContext();
  const before = Date.now();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  const lines = warn.mock.calls.map((args) => args.join(' ')).filter((line) => line.includes(event.id));
  warn.mockRestore();
  return { lines, before, retried: result.retryMessages.some((m: { msgId: string }) => m.msgId === 'm1') };
}

describe('a failed delivery says so in one log line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a receiver answering 500: app, type, event, host (never the path, signature or payload), reason, attempt and the next attempt', async () => {
    const name = unique('logged');
    const { app, secret } = await appListening(`${name}?fail=1&token=hook-path-secret`);
    const event = eventOf(app);
    const { lines, before, retried } = await attempt(event, 1);
    expect(retried).toBe(true);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    const logged = JSON.parse(line) as Record<string, unknown>;
    expect(logged).toMatchObject({
      msg: 'event delivery failed; will retry',
      app,
      type: 'connection.created',
      event: event.id,
      host: new URL(receiver()).host,
      reason: 'HTTP 500',
      attempt: 1,
      max_attempts: EVENTS_QUEUE.maxRetries + 1,
      fix: `check that the receiver is up, and webhook_url with PUT /admin/apps/${app}/settings`,
    });
    expect(logged).not.toHaveProperty('dead_letter');
    const next = Date.parse(logged.next_attempt as string);
    expect(next - before).toBeGreaterThanOrEqual(retryDelaySeconds(1) * 1000);
    expect(next - Date.now()).toBeLessThanOrEqual(retryDelaySeconds(1) * 1000);
    for (const hidden of ['/hooks/', name, 'hook-path-secret', 'fail=', 'v1,', secret, 'u-log']) expect(line).not.toContain(hidden);
    // The receiver did get the attempt (and answered 500), so the line is about a real failure.
    expect((await deliveries(name)).map((d) => d.answered)).toEqual([500]);
  });

  it('a URL where nothing listens: the host and port, and why', async () => {
    const closed = inject('mockUrls').closed!;
    const { app } = await appListening('nobody?key=closed-port-secret', closed);
    const event = eventOf(app);
    // workerd reports the failed connection on the test log; the filter expects it (log-noise.ts).
    await fetch(`${inject('mockUrls').faults}/__expect-drop`);
    const { lines, retried } = await attempt(event, 3);
    expect(retried).toBe(true);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ app, event: event.id, host: new URL(closed).host, reason: 'connection refused or lost', attempt: 3 });
    expect(lines[0]).not.toContain('nobody');
    expect(lines[0]).not.toContain('closed-port-secret');
  });

  it('the last attempt before the dead-letter queue says so, instead of a next attempt', async () => {
    const { app } = await appListening(`${unique('dlq')}?fail=100`);
    const event = eventOf(app);
    const penultimate = await attempt(event, EVENTS_QUEUE.maxRetries);
    expect(JSON.parse(penultimate.lines[0]!)).toHaveProperty('next_attempt');
    const last = await attempt(event, EVENTS_QUEUE.maxRetries + 1);
    expect(last.retried).toBe(true); // the queue moves it to the dead-letter queue
    expect(last.lines).toHaveLength(1);
    const logged = JSON.parse(last.lines[0]!) as Record<string, unknown>;
    expect(logged).toMatchObject({
      msg: 'event delivery failed; no retry left, kept in the dead-letter queue',
      attempt: EVENTS_QUEUE.maxRetries + 1,
      dead_letter: 'crossfollow-events-dlq',
    });
    expect(logged).not.toHaveProperty('next_attempt');
  });

  it('settings that no longer decrypt: settings unreadable, and what to do', async () => {
    const { app } = await newApp();
    const settings = { return_to: [], webhook_url: 'https://hooks.example/x', event_secrets: ['v1.gone.AAAA.AAAA'], action_secrets: [] };
    await env.APPS.put(appsKv.settings(app), JSON.stringify(settings));
    const { lines, retried } = await attempt(eventOf(app), 1);
    expect(retried).toBe(true);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ app, host: null, reason: 'settings unreadable', fix: expect.stringContaining('TOKEN_KEYS') });
  });

  it('names a timeout, and never quotes an error message that may hold the URL', () => {
    expect(fetchFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe('timeout after 10 s');
    expect(fetchFailure(new TypeError('Fetch API cannot load: https://hooks.example/x?token=abc'))).toBe('fetch failed (TypeError)');
  });

  it("knows the queue's retries as wrangler.toml sets them", () => {
    // wrangler.toml's tables, each from its [header] to the next; the events queue's consumer among them.
    const tables = wranglerToml.split(/^(?=\[)/m);
    const consumer = tables.find((t) => t.startsWith('[[queues.consumers]]') && /^queue = "crossfollow-events"$/m.test(t));
    expect(consumer).toMatch(new RegExp(`^max_retries = ${EVENTS_QUEUE.maxRetries}$`, 'm'));
    expect(consumer).toMatch(new RegExp(`^dead_letter_queue = "${EVENTS_QUEUE.deadLetterQueue}"$`, 'm'));
  });
});
