import { createExecutionContext, env } from 'cloudflare:test';
import worker from '../../src/index';
import { describe, expect, inject, it } from 'vitest';
import { spotify } from '../../src/providers/spotify';
import { resetCircuits } from '../../src/upstream/circuit';
import { UpstreamSession } from '../../src/upstream/session';
import { byToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

const faults = () => inject('mockUrls').faults!;

/** The Spotify adapter pointed at the fault server with `script`, for one fresh connection. */
async function faulty(script: string) {
  const { key, app } = await newApp();
  const token = await connect(key, 'flt', { access_token: unique('at') });
  const session = await UpstreamSession.open({ ...env, SPOTIFY_API_URL: `${faults()}/${script}` }, { app, user: 'flt', provider: 'spotify' });
  const calls = async () => ((await (await fetch(`${faults()}/__faults/${script}|Bearer ${token}`)).json()) as { step: string }[]).map((c) => c.step);
  return { session, calls };
}

describe('upstream faults', () => {
  it('fail twice, then succeed: retried to done, three calls', async () => {
    const { session, calls } = await faulty('503-503-204');
    const results = await spotify.follow(session, 'artist', spotifyIds(2), {});
    expect(results.map((r) => r.status)).toEqual(['done', 'done']);
    expect(await calls()).toEqual(['503', '503', '204']);
  });

  it('a dropped connection is retried like a 5xx', async () => {
    const { session, calls } = await faulty('drop-204');
    expect((await spotify.follow(session, 'artist', spotifyIds(1), {}))[0]!.status).toBe('done');
    expect(await calls()).toEqual(['drop', '204']);
  });

  it('a provider that stays down: every item failed with 503 and the attempts counted, no more', async () => {
    const { session, calls } = await faulty('500');
    const results = await spotify.follow(session, 'artist', spotifyIds(3), {});
    expect(results.every((r) => r.status === 'failed' && r.problem?.status === 503)).toBe(true);
    expect(await calls()).toEqual(['500', '500', '500']);
  });

  it('a 4xx is not retried', async () => {
    const { session, calls } = await faulty('400');
    expect((await spotify.follow(session, 'artist', spotifyIds(1), {}))[0]!.problem?.status).toBe(502);
    expect(await calls()).toEqual(['400']);
  });

  for (const [code, status, after] of [['503', 503, '5'], ['500', 503, '5'], ['429', 503, '1'], ['403', 502, null]] as const) {
    it(`x-test-prefer code=${code} reaches Prism: answered ${status}, with the exact number of attempts`, async () => {
      const { key } = await newApp();
      const token = await connect(key, 'pf');
      const res = await call(key, 'PUT', '/v1/users/pf/spotify/follows', { type: 'artist', ids: spotifyIds(1) }, { 'x-test-prefer': `code=${code}` });
      expect(res.status).toBe(status);
      expect(res.headers.get('retry-after')).toBe(after);
      expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(code === '403' ? 1 : 3);
    });
  }

  it('opens the circuit after failures from two connections: later calls fail fast with no upstream call', async () => {
    resetCircuits();
    for (let connection = 0; connection < 2; connection++) {
      const { session } = await faulty('500');
      for (let i = 0; i < 3; i++) await spotify.follow(session, 'artist', spotifyIds(1), {});
    }
    const fast = await faulty(`500-${unique('c').replace(/-/g, '')}`); // same origin: same circuit
    const results = await spotify.follow(fast.session, 'artist', spotifyIds(1), {});
    expect(results[0]!.problem?.detail).toContain('holding calls back');
    expect(await fast.calls()).toEqual([]);
    resetCircuits();
  });

  it('does not open it for one connection, however many of its calls fail', async () => {
    resetCircuits();
    const { session, calls } = await faulty('500');
    for (let i = 0; i < 6; i++) await spotify.follow(session, 'artist', spotifyIds(1), {});
    expect(await calls()).toHaveLength(18);
    resetCircuits();
  });
});

describe('the test-only Prefer pass-through', () => {
  it('is off when CROSSFOLLOW_TEST_PREFER is not set, as in every deployment', async () => {
    const { key } = await newApp();
    const token = await connect(key, 'off');
    const request = new Request('http://crossfollow.test/v1/users/off/spotify/follows', {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-test-prefer': 'code=503' },
      body: JSON.stringify({ type: 'artist', ids: spotifyIds(1) }),
    });
    const res = await worker.fetch(request, { ...env, CROSSFOLLOW_TEST_PREFER: undefined }, createExecutionContext());
    expect(res.status).toBe(200);
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(1);
  });
});
