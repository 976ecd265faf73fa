import { SELF } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { describe, expect, inject, it } from 'vitest';
import { BASE, byToken, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

async function appWithSecret(rotate = false, settings: Record<string, unknown> = {}) {
  const { key, app } = await newApp();
  const put = (body: unknown) =>
    SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const created = (await (await put(settings)).json()) as { action_secret: string; event_secret: string };
  const first = created.action_secret;
  const eventSecret = created.event_secret;
  const secret = rotate ? ((await (await put({ rotate_action_secret: true })).json()) as { action_secret: string }).action_secret : first;
  const token = await connect(key, 'hk');
  return { key, app, secret, first, eventSecret, calls: () => mockCalls('spotify-api', byToken(token)) };
}

function send(app: string, secret: string, body: string, id = unique('msg'), when = new Date(), query = '') {
  const signature = new Webhook(secret).sign(id, when, body);
  return SELF.fetch(`${BASE}/v1/hooks/actions?app=${app}${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  });
}

describe('inbound webhook actions', () => {
  it('runs signed actions and answers one result per action', async () => {
    const { app, secret, calls } = await appWithSecret();
    const body = JSON.stringify({
      actions: [
        { op: 'follow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(2) },
        { op: 'save', user: 'hk', provider: 'spotify', type: 'album', ids: spotifyIds(1) },
        { op: 'follow', user: 'nobody', provider: 'spotify', type: 'artist', ids: spotifyIds(1) },
      ],
    });
    const res = await send(app, secret, body);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { results: { op: string; status: string; summary?: { done: number }; problem?: { type: string } }[] };
    expect(out.results.map((r) => [r.op, r.status])).toEqual([
      ['follow', 'done'],
      ['save', 'done'],
      ['follow', 'failed'],
    ]);
    expect(out.results[0]!.summary!.done).toBe(2);
    expect(out.results[2]!.problem!.type).toBe('urn:crossfollow:problem:not-connected');
    expect(await calls()).toHaveLength(2);
  });

  it('acts once per webhook-id: a replay answers as the first did, another body under the id is refused', async () => {
    const { app, secret, calls } = await appWithSecret();
    const id = unique('msg');
    const body = JSON.stringify([{ op: 'unfollow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(1) }]);
    const first = await send(app, secret, body, id);
    const again = await send(app, secret, body, id);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(await calls()).toHaveLength(1);
    const other = await send(app, secret, JSON.stringify([{ op: 'unfollow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(1) }]), id);
    expect(other.status).toBe(422);
  });

  it('refuses bad signatures, stale timestamps and unknown apps with 401, acting on nothing', async () => {
    const { app, secret, calls } = await appWithSecret();
    const body = JSON.stringify([{ op: 'follow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(1) }]);
    const wrong = await send(app, `whsec_${btoa('x'.repeat(32))}`, body);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ type: 'urn:crossfollow:problem:invalid-signature' });
    expect((await send(app, secret, body, unique('msg'), new Date(Date.now() - 301_000))).status).toBe(401);
    expect((await send('no-such-app', secret, body)).status).toBe(401);
    const unsigned = await SELF.fetch(`${BASE}/v1/hooks/actions?app=${app}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await calls()).toHaveLength(0);
  });

  it('refuses actions signed with the event secret: receiving events does not allow sending actions', async () => {
    const { app, eventSecret, calls } = await appWithSecret();
    const res = await send(app, eventSecret, JSON.stringify([{ op: 'follow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(1) }]));
    expect(res.status).toBe(401);
    expect(await calls()).toHaveLength(0);
  });

  it('still accepts the previous secret after a rotation, and refuses invalid actions with 422', async () => {
    const { app, first, secret } = await appWithSecret(true);
    expect(secret).not.toBe(first);
    const ok = await send(app, first, JSON.stringify([{ op: 'follow', user: 'hk', provider: 'spotify', type: 'artist', ids: spotifyIds(1) }]));
    expect(ok.status).toBe(200);
    const bad = await send(app, secret, JSON.stringify([{ op: 'explode', user: 'hk', provider: 'spotify', type: 'artist', ids: [] }]));
    expect(bad.status).toBe(422);
  });
});

describe('asynchronous hook actions', () => {
  it('answers 202 at once, runs the actions from a queue, and reports them with a signed batch.completed event', async () => {
    const hook = unique('batch');
    const { app, secret, eventSecret, calls } = await appWithSecret(false, { webhook_url: `${inject('mockUrls').receiver}/hooks/${hook}` });
    const ids = spotifyIds(3);
    const res = await send(
      app,
      secret,
      JSON.stringify([{ op: 'follow', user: 'hk', provider: 'spotify', type: 'artist', ids }]),
      unique('msg'),
      new Date(),
      '&async=1',
    );
    expect(res.status).toBe(202);
    const { batch_id } = (await res.json()) as { batch_id: string };
    let events: { headers: Record<string, string>; body: string }[] = [];
    for (let i = 0; i < 50 && events.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const all = (await (await fetch(`${inject('mockUrls').receiver}/__receiver/${hook}`)).json()) as typeof events;
      events = all.filter((e) => (JSON.parse(e.body) as { type: string }).type === 'batch.completed'); // connecting 'hk' sent connection.created too
    }
    expect(events).toHaveLength(1);
    const event = new Webhook(eventSecret).verify(events[0]!.body, events[0]!.headers) as {
      type: string;
      data: { batch_id: string; results: { status: string; summary: { done: number } }[] };
    };
    expect(event.type).toBe('batch.completed');
    expect(event.data.batch_id).toBe(batch_id);
    expect(event.data.results[0]).toMatchObject({ status: 'done', summary: { done: 3 } });
    expect(await calls()).toHaveLength(1);
  });
});
