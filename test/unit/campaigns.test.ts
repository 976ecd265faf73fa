import { describe, expect, it } from 'vitest';
import { merge, outcomeOf, type PlannedAction, planOf, type Release, releasesOf, remaining } from '../../src/campaigns/plan';
import { afterSearch } from '../../src/campaigns/releases';
import { leaseFor, midnightIn, nextSearchAt, runTimeOf, windowFor } from '../../src/campaigns/schedule';

describe('local midnight', () => {
  it('is 00:00 of the date on the zone’s clock, daylight saving included', () => {
    expect(new Date(midnightIn('2026-12-04', 'Asia/Tokyo')).toISOString()).toBe('2026-12-03T15:00:00.000Z');
    expect(new Date(midnightIn('2026-12-04', 'Europe/Paris')).toISOString()).toBe('2026-12-03T23:00:00.000Z');
    expect(new Date(midnightIn('2026-07-04', 'Europe/Paris')).toISOString()).toBe('2026-07-03T22:00:00.000Z');
    expect(new Date(midnightIn('2026-07-04', 'America/New_York')).toISOString()).toBe('2026-07-04T04:00:00.000Z');
    expect(new Date(midnightIn('2026-12-04', 'Asia/Kolkata')).toISOString()).toBe('2026-12-03T18:30:00.000Z');
    expect(new Date(midnightIn('2026-12-04', 'UTC')).toISOString()).toBe('2026-12-04T00:00:00.000Z');
    // The night Paris moves its clocks (at 02:00, not midnight) and the day after.
    expect(new Date(midnightIn('2026-03-29', 'Europe/Paris')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(midnightIn('2026-03-30', 'Europe/Paris')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // Santiago skips from 00:00 to 01:00 that night: the first instant of the day, on the day.
    expect(new Date(midnightIn('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('a fan without a zone runs at 00:00 UTC; a fan whose midnight has passed runs when it joins', () => {
    const run = { mode: 'local-midnight' as const, date: '2026-12-04' };
    expect(runTimeOf(run, null, 0)).toBe(Date.parse('2026-12-04T00:00:00Z'));
    const later = Date.parse('2026-12-04T12:00:00Z');
    expect(runTimeOf(run, 'Asia/Tokyo', later)).toBe(later);
    expect(runTimeOf({ mode: 'at', at: '2026-12-04T00:00:00Z' }, null, later)).toBe(later);
  });
});

describe('release searches', () => {
  const release = (): Release => releasesOf([{ provider: 'spotify', op: 'save', upc: '00602445798029' }])[0]!;
  const found = { type: 'album', id: '4aawyAB9vmqN3uQ7FjRGTy', name: 'A', uri: 'spotify:album:4aawyAB9vmqN3uQ7FjRGTy' };

  it('searches again after 1, 5, 15 and 30 minutes, then hourly, and gives up after a day', () => {
    const t0 = Date.parse('2026-12-04T00:00:00Z');
    let r = release();
    const times: number[] = [];
    let now = t0;
    while (r.state !== 'not-found') {
      r = afterSearch({ ...r, state: 'searching' }, { none: true }, now);
      if (r.nextSearchAt) {
        times.push((r.nextSearchAt - t0) / 60_000);
        now = r.nextSearchAt;
      }
    }
    expect(times.slice(0, 6)).toEqual([1, 6, 21, 51, 111, 171]);
    expect(r.searches).toBe(times.length + 1);
    expect(now - t0).toBeLessThanOrEqual(24 * 3600_000);
    expect(r.reason).toMatch(/found nothing for UPC 00602445798029 in \d+ searches over a day/);
    expect(nextSearchAt(1, t0, t0)).toBe(t0 + 60_000);
  });

  it('a provider pause spends no search; a fan whose connection fails hands it to another, and five in a row count as one', () => {
    const now = 1_000_000;
    const paused = afterSearch({ ...release(), state: 'searching' }, { later: now + 120_000, reason: 'paused' }, now);
    expect(paused).toMatchObject({ state: 'waiting', searches: 0, nextSearchAt: now + 120_000 });
    let r = release();
    for (let i = 0; i < 4; i++) {
      r = afterSearch({ ...r, state: 'searching' }, { unusable: 'reconnect' }, now);
      expect(r).toMatchObject({ state: 'waiting', searches: 0, nextSearchAt: now + 2000 });
    }
    r = afterSearch({ ...r, state: 'searching' }, { unusable: 'reconnect' }, now);
    expect(r).toMatchObject({ searches: 1, misses: 0, nextSearchAt: now + 60_000 });
    expect(afterSearch({ ...r, state: 'searching' }, { found }, now)).toMatchObject({ state: 'resolved', item: found, searches: 2 });
  });
});

describe("a fan's plan and outcome", () => {
  const actions = [
    { provider: 'spotify' as const, op: 'save' as const, upc: '00602445798029' },
    { provider: 'spotify' as const, op: 'follow' as const, type: 'artist', ids: ['a1', 'a2'] },
  ];

  it('waits for its release, then saves what it resolved to', () => {
    const releases = releasesOf(actions);
    expect(planOf(actions, releases)).toBeNull();
    const resolved = releases.map((r) => ({ ...r, state: 'resolved' as const, item: { type: 'album', id: 'alb', name: 'A', uri: 'spotify:album:alb' } }));
    expect(planOf(actions, resolved)?.map((p) => [p.action, p.type, p.ids])).toEqual([
      [0, 'album', ['alb']],
      [1, 'artist', ['a1', 'a2']],
    ]);
  });

  const plan: PlannedAction[] = [
    { action: 0, provider: 'spotify', op: 'save', type: 'album', ids: ['alb'], byUri: false },
    { action: 1, provider: 'spotify', op: 'follow', type: 'artist', ids: ['a1', 'a2'], byUri: false },
  ];

  it('runs again only what did not happen', () => {
    const results = [
      { action: 0, results: [{ id: 'alb', status: 'done' as const }] },
      {
        action: 1,
        results: [
          { id: 'a1', status: 'done' as const },
          { id: 'a2', status: 'deferred' as const, reason: 'rate-limited', retry_at: '2026-12-04T00:02:00Z' },
        ],
      },
    ];
    expect(remaining(plan, results)).toEqual([{ ...plan[1], ids: ['a2'] }]);
    expect(outcomeOf(plan, results, 0)).toEqual({ status: 'deferred', reason: 'rate-limited', retryAt: Date.parse('2026-12-04T00:02:00Z') });
    const later = merge(results, [{ action: 1, results: [{ id: 'a2', status: 'done' }] }]);
    expect(outcomeOf(plan, later, 0)).toEqual({ status: 'done', reason: null, retryAt: null });
  });

  it('names the most telling failure: a reconnect before a missing target', () => {
    const problem = (slug: string) => ({ type: `urn:crossfollow:problem:${slug}`, title: '', status: 409, detail: '' });
    const results = [
      { action: 0, results: [{ id: 'alb', status: 'failed' as const, problem: problem('target-not-found') }] },
      { action: 1, results: ['a1', 'a2'].map((id) => ({ id, status: 'failed' as const, problem: problem('reauth-required') })) },
    ];
    expect(outcomeOf(plan, results, 0)).toMatchObject({ status: 'failed', reason: 'reauth-required' });
    expect(outcomeOf(plan, [{ ...results[0]!, results: [{ id: 'alb', status: 'done' }] }, results[1]!], 0)).toMatchObject({
      status: 'partly_done',
      reason: 'reauth-required',
    });
  });
});

describe('flow control', () => {
  it('lets out what the slowest provider runs in about 20 s, between 25 and 2,000 fans', () => {
    expect(windowFor([10], 2)).toBe(100);
    expect(windowFor([10, 5], 1)).toBe(100);
    expect(windowFor([0.5], 1)).toBe(25);
    expect(windowFor([0], 1)).toBe(2000);
    expect(windowFor([800], 1)).toBe(2000);
  });

  it("a claim's lease covers its fans' actions at their whole request budget", () => {
    expect(leaseFor(25, 2)).toBe(5 * 60_000 + 5 * 2 * 30_000);
  });
});
