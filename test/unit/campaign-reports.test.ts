// How a campaign consumer reports its fans as they finish (operations/campaign-work.ts): in
// groups as time passes, one report at a time, and no fan dropped when a report fails.
import { describe, expect, it } from 'vitest';
import type { FanReport } from '../../src/campaigns/types';
import { reportAsFinished } from '../../src/operations/campaign-work';

const fan = (user: string): FanReport => ({ user, results: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const users = (sent: FanReport[][]) => sent.flat().map((r) => r.user);
/** Waits (up to 2 s: a loaded machine's timers run late) until `ok` holds. */
async function until(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) await sleep(10);
}

describe("a message's fans reported as they finish", () => {
  it('goes out in groups while fans run, and the rest at the end, each fan once and in order', async () => {
    const sent: FanReport[][] = [];
    const reporter = reportAsFinished(async (reports) => void sent.push(reports), 20);
    reporter.add(fan('a'));
    reporter.add(fan('b'));
    await until(() => sent.length > 0);
    expect(users(sent)).toEqual(['a', 'b']);
    reporter.add(fan('c'));
    await reporter.done();
    expect(users(sent)).toEqual(['a', 'b', 'c']);
    expect(sent.length).toBe(2);
  });

  it('sends one report at a time, however slow the Campaign answers', async () => {
    let inFlight = 0;
    let most = 0;
    const sent: FanReport[][] = [];
    const reporter = reportAsFinished(async (reports) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(50);
      sent.push(reports);
      inFlight -= 1;
    }, 10);
    for (const user of ['a', 'b', 'c', 'd']) {
      reporter.add(fan(user));
      await sleep(15);
    }
    await reporter.done();
    expect(most).toBe(1);
    expect(users(sent)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the fans of a report that failed for the next one, so none is lost', async () => {
    const sent: FanReport[][] = [];
    let calls = 0;
    const reporter = reportAsFinished(async (reports) => {
      calls += 1;
      if (calls === 1) throw new Error('Campaign object restarted');
      sent.push(reports);
    }, 20);
    reporter.add(fan('a'));
    await until(() => sent.length > 0);
    expect(calls).toBe(2);
    reporter.add(fan('b'));
    await reporter.done();
    expect(users(sent)).toEqual(['a', 'b']);
  });

  it('fails the message (so the queue retries it) when fans are still unreported after the last try', async () => {
    const reporter = reportAsFinished(async () => {
      throw new Error('Campaign object unreachable');
    }, 1000);
    reporter.add(fan('a'));
    await expect(reporter.done()).rejects.toThrow('Campaign object unreachable');
  });
});
