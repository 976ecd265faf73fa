import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Problem, problemBody } from '../../src/http/problem';
import { resendAfter } from '../../src/operations/actions';
import { runItems } from '../../src/operations/items';
import { failureOf } from '../../src/operations/results';
import { decodeCursor, encodeCursor, offsetOf } from '../../src/providers/cursor';
import { withHandles } from '../../src/providers/handles';
import type { ItemResult } from '../../src/providers/types';
import type { ConnectionId } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { observeBudget, releaseBudget, reserveBudget } from '../../src/tokens/budget';
import type { CallOutcome } from '../../src/upstream/outcome';
import { UpstreamSession } from '../../src/upstream/session';
import { unique } from '../support/helpers';

/** A stored connection: sessions open from the vault alone, so no provider (and no Prism) is called. */
async function connection(provider: ConnectionId['provider'] = 'x'): Promise<ConnectionId> {
  const id: ConnectionId = { app: unique('app'), user: 'u1', provider };
  const put = await vaultFor(env, id).put({ id, access_token: unique('at'), expires_at: Date.now() + 3600_000, provider_user_id: '42' });
  if (!put.ok) throw new Error(put.detail);
  return id;
}

const caught = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Problem,
  );

describe('runItems, with a fake provider call', () => {
  it('runs each id once and answers in the caller order, repeats skipped as duplicates', async () => {
    const id = await connection();
    const seen: string[][] = [];
    const answer = await runItems(env, {
      id,
      operation: 'follow',
      type: 'user',
      ids: ['1', '2', '1', '3'],
      pointer: '/ids',
      check: () => null,
      run: async (_s, ids) => {
        seen.push([...ids]);
        return ids.reverse().map((i): ItemResult => ({ id: i, status: 'done' }));
      },
    });
    expect(seen).toEqual([['1', '2', '3']]);
    expect(answer.results.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['1', 'done', undefined],
      ['2', 'done', undefined],
      ['1', 'skipped', 'duplicate'],
      ['3', 'done', undefined],
    ]);
    expect(answer.summary).toEqual({ done: 3, pending: 0, deferred: 0, failed: 0, skipped: 1 });
  });

  it('refuses every bad id with its pointer before anything runs', async () => {
    const id = await connection();
    let ran = false;
    const err = await caught(
      runItems(env, {
        id,
        operation: 'save',
        type: 'track',
        ids: ['ok', 'bad', 'ok2'],
        pointer: '/items',
        check: (i) => (i === 'bad' ? 'no' : null),
        run: async () => {
          ran = true;
          return [];
        },
      }),
    );
    expect(err).toBeInstanceOf(Problem);
    expect((err as Problem).body()).toMatchObject({ status: 422, errors: [{ pointer: '/items/1/id', detail: 'no' }] });
    expect(ran).toBe(false);
  });
});

describe('failureOf: which problem a request with failed items answers', () => {
  const body = { provider: 'x', operation: 'follow', type: 'user' };
  const failed = (
    id: string,
    slug: 'reauth-required' | 'upstream-unavailable' | 'upstream-error' | 'target-not-found',
    status: number,
    extra = {},
  ): ItemResult => ({
    id,
    status: 'failed',
    problem: problemBody(status, slug, `${slug} for ${id}`, extra),
  });

  it('none when every failure is a target the provider does not know (that is each item’s answer)', () => {
    expect(failureOf([failed('1', 'target-not-found', 404), { id: '2', status: 'done' }], body)).toBeNull();
  });

  it('reauth first, then unavailable (with the slowest hint as Retry-After), then refused; results kept', () => {
    const results = [
      failed('1', 'upstream-error', 502),
      failed('2', 'upstream-unavailable', 503, { retry_after: 7 }),
      failed('3', 'upstream-unavailable', 503, { retry_after: 3 }),
    ];
    const unavailable = failureOf(results, { ...body, results }) as Problem;
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('7');
    expect(unavailable.body().results).toEqual(results);
    const reauth = failureOf([...results, failed('4', 'reauth-required', 409)], body) as Problem;
    expect(reauth.slug).toBe('reauth-required');
    expect(reauth.detail).toMatch(/^4 of 4 items failed/);
  });

  it('items deferred for time make it a 503 time-budget-exceeded that says to send them again', () => {
    const results: ItemResult[] = [
      { id: '1', status: 'done' },
      { id: '2', status: 'deferred', reason: 'time-budget', retry_at: new Date(Date.now() + 1000).toISOString() },
    ];
    const p = failureOf(results, body) as Problem;
    expect([p.status, p.slug]).toEqual([503, 'time-budget-exceeded']);
    expect(p.detail).toContain('1 of 2 items were not sent');
    expect(Number(p.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('handle resolution (withHandles), with a fake lookup', () => {
  const ok = (json: unknown): CallOutcome => ({ ok: true, status: 200, json, headers: new Headers() });

  it('resolves handles, reports under the name given, acts once per user, and fails unknown handles alone', async () => {
    const session = await UpstreamSession.open(env, await connection());
    const looked: string[] = [];
    const lookup = async (handle: string) => {
      looked.push(handle);
      return handle === 'nobody' ? ok({ errors: [{}] }) : ok({ data: { id: handle === 'alice' ? '11' : '22' } });
    };
    let ran: string[] = [];
    const results = await withHandles(
      session,
      ['@alice', '11', '@nobody', '@bob'],
      lookup,
      (j) => (j as { data?: { id?: string } }).data?.id,
      (i) => /^\d+$/.test(i),
      async (ids) => {
        ran = ids;
        return ids.map((i) => ({ id: i, status: 'done' as const }));
      },
    );
    expect(looked.sort()).toEqual(['alice', 'bob', 'nobody']);
    expect(ran).toEqual(['11', '22']);
    expect(results.map((r) => [r.id, r.status, r.resolved_id ?? r.reason ?? r.problem?.status])).toEqual([
      ['@alice', 'done', '11'],
      ['11', 'skipped', 'duplicate'],
      ['@nobody', 'failed', 404],
      ['@bob', 'done', '22'],
    ]);
  });

  it('a lookup never sent for lack of time leaves its handle deferred, not failed', async () => {
    const session = await UpstreamSession.open(env, await connection());
    const results = await withHandles(
      session,
      ['@late'],
      async () => session.time.notSent('X'),
      () => undefined,
      () => true,
      async () => [],
    );
    expect(results[0]).toMatchObject({ id: '@late', status: 'deferred', reason: 'time-budget' });
  });
});

describe('rate budget epochs (tokens/budget.ts)', () => {
  it('gives unsent slots back only into the count they were taken from', async () => {
    const stub = vaultFor(env, await connection());
    await runInDurableObject(stub, async (_instance, state) => {
      const storage = state.storage;
      const first = await reserveBudget(storage, 'x:follow', 10, 50, 60_000);
      expect(first.granted).toBe(10);
      await releaseBudget(storage, 'x:follow', 4, first, 50);
      const second = await reserveBudget(storage, 'x:follow', 1, 50, 60_000);
      expect(second).toMatchObject({ granted: 1, epoch: first.epoch });
      // X says 3 are left: its figure replaces ours (a new epoch), and slots of the old count stay out.
      await observeBudget(storage, 'x:follow', 3, first.resetAt);
      await releaseBudget(storage, 'x:follow', 5, second, 50);
      const after = await reserveBudget(storage, 'x:follow', 100, 50, 60_000);
      expect(after).toMatchObject({ granted: 3, epoch: first.epoch + 1 });
    });
  });
});

describe('cursors', () => {
  it('round-trip opaquely and refuse what this API did not issue', () => {
    expect(decodeCursor(encodeCursor('QVFBQUFB.x:1'))).toBe('QVFBQUFB.x:1');
    expect(decodeCursor(undefined)).toBeUndefined();
    for (const bad of ['not-base64!', btoa('{"v":2,"after":"1"}'), encodeCursor('has space')]) {
      expect(() => decodeCursor(bad)).toThrow(Problem);
    }
  });

  it('an offset list refuses a token cursor from another list', () => {
    expect(offsetOf(decodeCursor(encodeCursor('150')))).toBe(150);
    expect(() => offsetOf('QVFBQUFB')).toThrow(/belongs to another list/);
  });
});

describe('resendAfter (when a hook sender should send again)', () => {
  type ActionResult = Parameters<typeof resendAfter>[0][number];
  const summary = { done: 0, pending: 0, deferred: 0, failed: 0, skipped: 0 };
  const done = (results: ItemResult[]): ActionResult => ({ op: 'follow', user: 'u', provider: 'spotify', status: 'done', summary, results });
  it('asks for a resend when items were deferred (a paused credential), at the latest retry_at', () => {
    const at = new Date(Date.now() + 120_000).toISOString();
    const after = resendAfter([
      done([
        { id: 'a', status: 'done' },
        { id: 'b', status: 'deferred', reason: 'rate-limited', retry_at: at },
      ]),
    ]);
    expect(after).toBeGreaterThanOrEqual(119);
    expect(after).toBeLessThanOrEqual(120);
  });
  it('asks for 30 s after a 503 failure, and nothing when everything happened', () => {
    const failed: ActionResult = { op: 'follow', user: 'u', provider: 'spotify', status: 'failed', problem: problemBody(503, 'upstream-unavailable', 'down') };
    expect(resendAfter([failed])).toBe(30);
    expect(resendAfter([done([{ id: 'a', status: 'done' }])])).toBeNull();
    // X's own per-user budget: a resend would repeat the follows and spend it again.
    const later = new Date(Date.now() + 900_000).toISOString();
    expect(resendAfter([done([{ id: 'x', status: 'deferred', retry_at: later }])])).toBeNull();
    expect(resendAfter([done([{ id: 'x', status: 'deferred', reason: 'daily-cap', retry_at: later }])])).toBeNull();
  });
});
