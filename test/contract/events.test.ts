import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { describe, expect, inject, it } from 'vitest';
import { retryDelaySeconds } from '../../src/events/deliver';
import worker from '../../src/index';
import type { EventMessage } from '../../src/queues/messages';
import { BASE, call, newApp, unique } from '../support/helpers';

interface Delivery {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

const receiver = () => inject('mockUrls').receiver!;
const deliveries = async (name: string) => (await (await fetch(`${receiver()}/__receiver/${name}`)).json()) as Delivery[];

async function appListening(hook: string) {
  const { key, app } = await newApp();
  const res = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
    method: 'PUT',
    headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: `${receiver()}/hooks/${hook}` }),
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
