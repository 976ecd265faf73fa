import { describe, expect, it } from 'vitest';
import { fetchWithRetry, parseRetryAfter } from '../../src/upstream/retry';

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
