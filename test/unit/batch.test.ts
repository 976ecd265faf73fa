import { describe, expect, it } from 'vitest';
import { chunk, mapConcurrent } from '../../src/net/batch';

describe('chunk', () => {
  it('splits 120 ids into 50, 50 and 20, in order', () => {
    const ids = Array.from({ length: 120 }, (_, i) => `id${i}`);
    const batches = chunk(ids, 50);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(ids);
  });
});

describe('mapConcurrent', () => {
  it('never runs more than the limit at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 1, 2], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
