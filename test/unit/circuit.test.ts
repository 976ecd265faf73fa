import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/net/circuit';

describe('circuit breaker', () => {
  it('opens after 5 failures in a row from two connections, fails fast, then lets one probe through', () => {
    let t = 0;
    const c = new Circuit({ threshold: 5, coolDownMs: 30_000, now: () => t });
    for (let i = 0; i < 4; i++) c.failure('a');
    expect(c.admit()).toEqual({ ok: true });
    c.failure('b');
    expect(c.status).toBe('open');
    t = 10_000;
    expect(c.admit()).toEqual({ ok: false, retryAfter: 20 });
    t = 30_000;
    expect(c.admit()).toEqual({ ok: true }); // the probe
    expect(c.admit()).toEqual({ ok: false, retryAfter: 1 }); // only one at a time
    c.failure('a');
    expect(c.status).toBe('open');
    t = 60_000;
    expect(c.admit().ok).toBe(true);
    c.success();
    expect(c.status).toBe('closed');
  });

  it('a probe that tells nothing of the provider (a 429, cut off) lets the next call probe at once', () => {
    let t = 0;
    const c = new Circuit({ threshold: 2, coolDownMs: 30_000, now: () => t });
    c.failure('a');
    c.failure('b');
    t = 30_000;
    expect(c.admit()).toEqual({ ok: true }); // the probe
    expect(c.admit().ok).toBe(false);
    c.abandon();
    expect(c.admit()).toEqual({ ok: true }); // the next probe, not 30 s later
    expect(c.admit().ok).toBe(false);
    c.success();
    expect(c.status).toBe('closed');
    c.abandon(); // closed: nothing to give up
    expect(c.status).toBe('closed');
  });

  it('one connection alone never opens it, however many of its calls fail', () => {
    const c = new Circuit({ threshold: 5, coolDownMs: 1000, now: () => 0 });
    for (let i = 0; i < 50; i++) c.failure('one-user');
    expect(c.status).toBe('closed');
  });

  it('a success resets the count: failures must be consecutive', () => {
    const c = new Circuit({ threshold: 3, coolDownMs: 1000, now: () => 0 });
    c.failure('a');
    c.failure('b');
    c.success();
    c.failure('a');
    c.failure('b');
    expect(c.status).toBe('closed');
  });

  it('a probe that never reports stops blocking after 30 s', () => {
    let t = 0;
    const c = new Circuit({ threshold: 2, coolDownMs: 1000, now: () => t });
    c.failure('a');
    c.failure('b');
    t = 1000;
    expect(c.admit().ok).toBe(true); // probe sent, never reports
    t = 20_000;
    expect(c.admit().ok).toBe(false);
    t = 31_001;
    expect(c.admit().ok).toBe(true);
  });
});
