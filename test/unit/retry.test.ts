import { describe, expect, it } from 'vitest';
import { fetchWithRetry, parseRetryAfter } from '../../src/net/retry';

/** A fake upstream answering from a script, and a clock that only moves when we sleep. */
function fake(script: (Response | Error)[]) {
  let t = 0;
  const slept: number[] = [];
  let calls = 0;
  return {
    slept,
    calls: () => calls,
    options: {
      fetch: (async () => {
        const next = script[Math.min(calls++, script.length - 1)]!;
        if (next instanceof Error) throw next;
        return next.clone();
      }) as typeof fetch,
      sleep: async (ms: number) => {
        slept.push(ms);
        t += ms;
      },
      now: () => t,
      random: () => 0.5,
    },
  };
}

describe('fetchWithRetry', () => {
  it('retries 503 and network errors, then returns the success', async () => {
    const f = fake([new Response('', { status: 503 }), new TypeError('connection reset'), new Response('ok', { status: 200 })]);
    const out = await fetchWithRetry('https://up.example/x', {}, f.options);
    expect(out.kind).toBe('response');
    expect(out.kind === 'response' && out.response.status).toBe(200);
    expect(f.calls()).toBe(3);
    expect(f.slept).toEqual([125, 250]); // full jitter: random 0.5 × 250 ms × 2^n
  });

  it('waits what Retry-After says on a 429', async () => {
    const f = fake([new Response('', { status: 429, headers: { 'retry-after': '2' } }), new Response('ok')]);
    await fetchWithRetry('https://up.example/x', {}, f.options);
    expect(f.slept).toEqual([2000]);
  });

  it('does not retry a 4xx other than 429', async () => {
    const f = fake([new Response('', { status: 403 }), new Response('ok')]);
    const out = await fetchWithRetry('https://up.example/x', {}, f.options);
    expect(out.kind === 'response' && out.response.status).toBe(403);
    expect(f.calls()).toBe(1);
  });

  it('returns the last answer instead of waiting past the budget', async () => {
    const f = fake([new Response('', { status: 429, headers: { 'retry-after': '60' } }), new Response('ok')]);
    const out = await fetchWithRetry('https://up.example/x', {}, { ...f.options, budgetMs: 10_000 });
    expect(out.kind === 'response' && out.response.status).toBe(429);
    expect(f.calls()).toBe(1);
    expect(f.slept).toEqual([]);
  });

  it('does not start a retry that would have less than minAttemptMs of the budget', async () => {
    const f = fake([new Response('', { status: 503 }), new Response('ok')]);
    // 125 ms of backoff leaves 875 ms: under the 900 ms an attempt needs.
    const out = await fetchWithRetry('https://up.example/x', {}, { ...f.options, budgetMs: 1000, minAttemptMs: 900 });
    expect(out.kind === 'response' && out.response.status).toBe(503);
    expect(f.calls()).toBe(1);
    expect(f.slept).toEqual([]);
  });

  it('does not send a retry whose sleep overran into the end of the budget', async () => {
    const f = fake([new Response('provider down', { status: 503 }), new Response('ok')]);
    let t = 0;
    const late = {
      ...f.options,
      now: () => t,
      sleep: async (ms: number) => {
        t += ms + 825;
      },
    };
    const out = await fetchWithRetry('https://up.example/x', {}, { ...late, budgetMs: 1000, minAttemptMs: 100 });
    expect(out.kind === 'response' && out.response.status).toBe(503);
    expect(f.calls()).toBe(1);
    // The answer returned is still readable (its error message and Retry-After are reported).
    expect(out.kind === 'response' && (await out.response.text())).toBe('provider down');
  });

  it('marks an attempt ended by the budget as cut off, and one ended by its own timeout as not', async () => {
    // An upstream that never answers, until the request's signal aborts it.
    const hang = (async (_url: string, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const byBudget = await fetchWithRetry('https://up.example/x', {}, { fetch: hang, attempts: 1, budgetMs: 30, timeoutMs: 10_000 });
    expect(byBudget).toMatchObject({ kind: 'network', cutOff: true, detail: 'the provider did not answer in time' });
    const byTimeout = await fetchWithRetry('https://up.example/x', {}, { fetch: hang, attempts: 1, budgetMs: 10_000, timeoutMs: 30 });
    expect(byTimeout.kind).toBe('network');
    expect(byTimeout.kind === 'network' && byTimeout.cutOff).toBeFalsy();
    // After the provider failed once, the budget ending its retry does not make it our cut-off.
    let calls = 0;
    const failThenHang = (async (url: string, init: RequestInit) => (calls++ === 0 ? new Response('', { status: 503 }) : hang(url, init))) as typeof fetch;
    const afterFailure = await fetchWithRetry('https://up.example/x', {}, { fetch: failThenHang, random: () => 0, budgetMs: 50, timeoutMs: 10_000 });
    expect(calls).toBe(2);
    expect(afterFailure.kind === 'network' && afterFailure.cutOff).toBeFalsy();
  });

  it('gives up after the attempts allowed', async () => {
    const f = fake([new TypeError('down')]);
    const out = await fetchWithRetry('https://up.example/x', {}, { ...f.options, attempts: 3 });
    expect(out).toMatchObject({ kind: 'network', attempts: 3 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
