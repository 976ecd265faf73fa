import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { governorFor } from '../../src/governor/access';
import { resetCircuits } from '../../src/net/circuit';
import { spotify } from '../../src/providers/spotify';
import { X_FOLLOW_BUDGET, x } from '../../src/providers/x';
import { UpstreamSession } from '../../src/upstream/session';
import { byToken, callWith, connect, mockCalls, newApp, ownCredential, spotifyIds, unique } from '../support/helpers';
// The scanned entry (secret scan), called with a changed env.
import worker from '../support/scanned-worker';

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

  // A 429 is the app's rate limit: one call, no retry into the penalty, the item deferred (200).
  for (const [code, status, after, attempts] of [
    ['503', 503, '5', 3],
    ['500', 503, '5', 3],
    ['429', 200, '1', 1],
    ['403', 502, null, 1],
  ] as const) {
    it(`x-test-prefer code=${code} reaches Prism: answered ${status}, with the exact number of attempts`, async () => {
      const { key } = await newApp();
      const token = await connect(key, 'pf');
      const res = await callWith(
        ownCredential(),
        key,
        'PUT',
        '/v1/users/pf/spotify/follows',
        { type: 'artist', ids: spotifyIds(1) },
        { 'x-test-prefer': `code=${code}` },
      );
      expect(res.status).toBe(status);
      expect(res.headers.get('retry-after')).toBe(after);
      expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(attempts);
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
    // The isolate told the credential's Governor, where the operator sees it (GET /admin/governors).
    const { circuit } = await (await governorFor({ ...env, SPOTIFY_API_URL: `${faults()}/500` }, 'spotify')).state();
    expect(circuit.state).toBe('open');
    expect(Date.parse(circuit.until!)).toBeGreaterThan(Date.now());
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

describe('the time budget of one request', () => {
  /** PUT follows of `n` ids through the worker, against the fault server, with a small budget. */
  async function followThrough(script: string, n: number, budgetMs: string) {
    const { key, app } = await newApp();
    const token = await connect(key, 'slow', { access_token: unique('at') });
    const ids = spotifyIds(n);
    const request = new Request(`http://crossfollow.test/v1/users/slow/spotify/follows`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'artist', ids }),
    });
    const testEnv = { ...env, SPOTIFY_API_URL: `${faults()}/${script}`, UPSTREAM_CONCURRENCY: '1', REQUEST_BUDGET_MS: budgetMs };
    const res = await worker.fetch(request, testEnv, createExecutionContext());
    const calls = ((await (await fetch(`${faults()}/__faults/${script}|Bearer ${token}`)).json()) as unknown[]).length;
    return { res, ids, app, calls };
  }

  it('past the budget: 503 with Retry-After, done items done, the cut-off call failed, batches never sent deferred', async () => {
    const { res, ids, calls } = await followThrough('wait1200', 200, '2000');
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as {
      type: string;
      detail: string;
      results: { id: string; status: string; reason?: string; problem?: { status: number; detail: string } }[];
      summary: Record<string, number>;
    };
    expect(body.type).toBe('urn:crossfollow:problem:time-budget-exceeded');
    expect(body.results.map((r) => r.id)).toEqual(ids);
    expect(body.summary).toEqual({ done: 50, pending: 0, deferred: 100, failed: 50, skipped: 0 });
    // The batch in flight when time ran out may have reached Spotify: failed, and it says so.
    expect(body.results[50]!.problem?.detail).toContain('may or may not have taken effect');
    expect(body.results.slice(100).every((r) => r.status === 'deferred' && r.reason === 'time-budget')).toBe(true);
    expect(body.detail).toContain('100 of 200 items were not sent');
    // Two calls: the budget stops the cut-off call's retries and keeps the last two batches home.
    expect(calls).toBe(2);
  });

  it('a call cut off in flight: 503 time-budget-exceeded, its items failed and saying so, and the circuit does not count it', async () => {
    resetCircuits();
    // Six connections (the circuit needs two), each with one batch still running at its deadline.
    for (let i = 0; i < 6; i++) {
      const { res, calls } = await followThrough('wait1000', 50, '300');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const body = (await res.json()) as {
        type: string;
        detail: string;
        summary: Record<string, number>;
        results: { status: string; problem?: { type: string; cut_off?: boolean; detail: string } }[];
      };
      expect(body.type).toBe('urn:crossfollow:problem:time-budget-exceeded');
      expect(body.summary).toMatchObject({ done: 0, failed: 50, deferred: 0 });
      expect(body.results.every((r) => r.problem?.cut_off === true && r.problem.detail.includes('may or may not have taken effect'))).toBe(true);
      expect(body.detail).toContain('50 were in a call cut off in flight');
      // Cut off by the request, not retried into a budget already spent.
      expect(calls).toBe(1);
    }
    // A slow but answering provider is not shut off for everyone: the next request goes through.
    const { res, calls } = await followThrough('204', 50, '20000');
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    resetCircuits();
  });

  it('within the budget nothing is deferred', async () => {
    const { res, calls } = await followThrough('wait10', 200, '20000');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { summary: { done: number } }).summary.done).toBe(200);
    expect(calls).toBe(4);
  });
});

describe('X budget slots', () => {
  it('go back to the user when the circuit keeps the calls home', async () => {
    resetCircuits();
    for (let connection = 0; connection < 2; connection++) {
      const { session } = await faulty('500');
      for (let i = 0; i < 3; i++) await spotify.follow(session, 'artist', spotifyIds(1), {});
    }
    const { key, app } = await newApp();
    await connect(key, 'xc', { provider_user_id: '1001' }, 'x');
    const session = await UpstreamSession.open({ ...env, X_API_URL: `${faults()}/204` }, { app, user: 'xc', provider: 'x' });
    const results = await x.follow(session, 'user', ['2001', '2002', '2003'], {});
    expect(results.map((r) => r.problem?.detail)).toEqual(Array(3).fill(expect.stringContaining('holding calls back')));
    // None was sent, so the whole window is still the user's.
    expect((await session.budget.reserve('x:follow', 50, X_FOLLOW_BUDGET.limit, X_FOLLOW_BUDGET.windowMs)).granted).toBe(50);
    resetCircuits();
  });
});
