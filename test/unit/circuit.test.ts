import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/upstream/circuit';

describe('circuit breaker', () => {
  it('opens after 5 failures in a row, fails fast for the cool-down, then lets one probe through', () => {
    let t = 0;
    const c = new Circuit({ threshold: 5, coolDownMs: 30_000, now: () => t });
    for (let i = 0; i < 4; i++) c.failure();
    expect(c.admit()).toEqual({ ok: true });
    c.failure();
    expect(c.status).toBe('open');
    t = 10_000;
    expect(c.admit()).toEqual({ ok: false, retryAfter: 20 });
    t = 30_000;
    expect(c.admit()).toEqual({ ok: true }); // the probe
    expect(c.admit()).toEqual({ ok: false, retryAfter: 1 }); // only one at a time
    c.failure();
    expect(c.status).toBe('open');
    t = 60_000;
    expect(c.admit().ok).toBe(true);
    c.success();
    expect(c.status).toBe('closed');
  });

  it('a success resets the count: failures must be consecutive', () => {
    const c = new Circuit({ threshold: 3, coolDownMs: 1000, now: () => 0 });
    c.failure();
    c.failure();
    c.success();
    c.failure();
    c.failure();
    expect(c.status).toBe('closed');
  });
});
