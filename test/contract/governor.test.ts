// The per-credential Governor (src/governor/): a 429 pauses every user's calls, the first call
// after the pause goes alone, pacing keeps bulk work under the provider's own limit.
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { governorFor } from '../../src/governor/access';
import { governorStorage } from '../../src/storage/keys';
import { vaultFor } from '../../src/tokens/access';
import { reserveBudget } from '../../src/tokens/budget';
import { BASE, byToken, callWith, connect, mockCalls, newApp, ownCredential, spotifyIds, unique } from '../support/helpers';

type Result = { id: string; status: string; reason?: string; retry_at?: string };
type Batch = { results: Result[]; summary: Record<string, number> };

const faults = () => inject('mockUrls').faults!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Every call the fake provider's app-wide bucket saw, whoever sent it. */
const bucketLog = async (script: string) =>
  (await (await fetch(`${faults()}/__faults/${encodeURIComponent(`${script}|*`)}`)).json()) as { at: number; status: number; authorization: string }[];

/** `n` users of one app, each connected with a fresh token; `follow(i, ids)` follows as user i with `vars`. */
async function users(n: number, vars: Record<string, string>) {
  const { key } = await newApp();
  const tokens = await Promise.all(Array.from({ length: n }, (_, i) => connect(key, `u${i}`)));
  const follow = async (i: number, ids: string[]) => {
    const res = await callWith(vars, key, 'PUT', `/v1/users/u${i}/spotify/follows`, { type: 'artist', ids });
    return { res, body: (await res.json()) as Batch };
  };
  return { key, tokens, follow };
}

describe('the Governor of one credential', () => {
  it('pauses on a 429 for the time asked, then lets one probe out alone, and resumes when it answers', async () => {
    const g = await governorFor({ ...env, ...ownCredential() }, 'spotify');
    expect(await g.admit({ rate: 0, maxWaitMs: 1000 })).toMatchObject({ ok: true, waitMs: 0, probe: false });
    const before = Date.now();
    expect(await g.report({ status: 429, retryAfter: 1, probe: false })).toMatchObject({ paused: true, reason: 'rate-limited' });
    const held = await g.admit({ rate: 0, maxWaitMs: 1000 });
    expect(held).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(held.ok === false && held.until - before).toBeGreaterThanOrEqual(1000);
    await sleep(1100);
    expect(await g.admit({ rate: 0, maxWaitMs: 1000 })).toMatchObject({ ok: true, waitMs: 0, probe: true });
    expect(await g.admit({ rate: 0, maxWaitMs: 1000 })).toMatchObject({ ok: false, reason: 'probing' });
    await g.report({ status: 200, probe: true });
    expect(await g.admit({ rate: 0, maxWaitMs: 1000 })).toMatchObject({ ok: true, waitMs: 0, probe: false });
    expect((await g.state()).rate_limited_today).toBe(1);
  });

  it('counts calls and 429s by minute for the last hour (the operator’s chart)', async () => {
    const g = await governorFor({ ...env, ...ownCredential() }, 'spotify');
    for (let i = 0; i < 3; i++) await g.admit({ rate: 0, maxWaitMs: 1000 });
    await g.report({ status: 429, retryAfter: 1, probe: false });
    const { minutes } = await g.state();
    expect(minutes.reduce((n, m) => n + m.calls, 0)).toBe(3);
    expect(minutes.reduce((n, m) => n + m.rate_limited, 0)).toBe(1);
    expect(Date.parse(minutes.at(-1)!.minute) % 60_000).toBe(0);
  });

  it('writes a burst’s calls by its alarm, so an eviction right after loses none of them', async () => {
    const g = await governorFor({ ...env, ...ownCredential() }, 'spotify');
    for (let i = 0; i < 5; i++) await g.admit({ rate: 0, maxWaitMs: 1000 });
    expect(await runDurableObjectAlarm(g)).toBe(true);
    const stored = await runInDurableObject(g, (_, state) => state.storage.get<Record<string, { calls: number }>>(governorStorage.minutes));
    expect(Object.values(stored!).reduce((n, m) => n + m.calls, 0)).toBe(5);
  });

  it('paces to its rate: a second of burst at once, then one slot every 1/rate s, and refuses what would wait too long', async () => {
    const g = await governorFor({ ...env, ...ownCredential() }, 'spotify');
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const a = await g.admit({ rate: 5, maxWaitMs: 10_000 });
      waits.push(a.ok ? a.waitMs : -1);
    }
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBeGreaterThan(150);
    expect(waits[6]).toBeGreaterThan(waits[5]!);
    expect(await g.admit({ rate: 5, maxWaitMs: 0 })).toMatchObject({ ok: false, reason: 'paced' });
  });
});

describe('a pause through the worker', () => {
  it('after one user meets a 429, 25 other users get their items deferred with no upstream call; the pause ends on time with one call alone', async () => {
    // One call a second, app-wide; over it, 429 with Retry-After: 5 (time enough for 25 requests
    // on a slow machine); every answer takes 500 ms, so the probe after the pause is still out
    // while the other 24 ask.
    const script = `bucket1r5w500`;
    const vars = { ...ownCredential(), SPOTIFY_API_URL: `${faults()}/${script}`, SPOTIFY_RATE: '0' };
    const { tokens, follow } = await users(26, vars);
    // Two users at once: the bucket lets one through, the other meets the 429 and pauses the credential.
    const first = await Promise.all([follow(0, spotifyIds(1)), follow(1, spotifyIds(1))]);
    const statuses = first.map((f) => f.body.results[0]!.status).sort();
    expect(statuses).toEqual(['deferred', 'done']);
    const calledBefore = (await bucketLog(script)).length;
    expect(calledBefore).toBe(2);
    // 25 users at once during the pause: every item deferred until the pause ends, nothing sent.
    const during = await Promise.all(Array.from({ length: 25 }, (_, i) => follow(i + 1, spotifyIds(2))));
    expect(during.every(({ body }) => body.results.every((r) => r.status === 'deferred' && r.reason === 'rate-limited'))).toBe(true);
    expect(during.every(({ res }) => Number(res.headers.get('retry-after')) >= 1)).toBe(true);
    expect((await bucketLog(script)).length).toBe(calledBefore);
    const until = Math.max(...during.flatMap(({ body }) => body.results.map((r) => Date.parse(r.retry_at!))));
    // Retry-After: 5 from the 429: the pause ends about 5 s after it, not later.
    expect(until - (await bucketLog(script))[1]!.at).toBeLessThan(6200);
    await sleep(Math.max(0, until - Date.now()) + 100);
    // After the pause: 25 users at once, and exactly one call goes out first (the probe).
    const after = await Promise.all(Array.from({ length: 25 }, (_, i) => follow(i + 1, spotifyIds(1))));
    const sent = (await bucketLog(script)).slice(calledBefore);
    expect(sent[0]!.status).toBe(200);
    // The probe went alone: no other call arrived while it was out (its answer takes 500 ms).
    expect(sent.slice(1).every((c) => c.at >= sent[0]!.at + 450)).toBe(true);
    expect(after.filter(({ body }) => body.results[0]!.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(after.filter(({ body }) => body.results[0]!.status === 'deferred').length).toBeGreaterThanOrEqual(20);
    expect(tokens).toHaveLength(26);
  });

  it('through the Prism mock: a Spotify penalty (Retry-After 120) defers every other user at once, and the operator sees the pause', async () => {
    const vars = ownCredential();
    const { key } = await newApp();
    await connect(key, 'hit', { access_token: unique('penalty-at') });
    const others = await Promise.all(Array.from({ length: 5 }, (_, i) => connect(key, `o${i}`)));
    const hit = (await (await callWith(vars, key, 'PUT', '/v1/users/hit/spotify/follows', { type: 'artist', ids: spotifyIds(3) })).json()) as Batch;
    expect(hit.results.every((r) => r.status === 'deferred' && r.reason === 'rate-limited')).toBe(true);
    expect(Date.parse(hit.results[0]!.retry_at!) - Date.now()).toBeGreaterThan(100_000);
    for (let i = 0; i < others.length; i++) {
      const res = await callWith(vars, key, 'POST', `/v1/users/o${i}/spotify/follows/contains`, { type: 'artist', ids: spotifyIds(2) });
      expect(res.status).toBe(200);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(100);
    }
    for (const token of others) expect(await mockCalls('spotify-api', byToken(token))).toEqual([]);
    // A list cannot be partly deferred: it answers 503 with Retry-After.
    const list = await callWith(vars, key, 'GET', '/v1/users/o0/spotify/follows?type=artist');
    expect(list.status).toBe(503);
    expect(await list.json()).toMatchObject({ type: 'urn:crossfollow:problem:upstream-unavailable', reason: 'rate-limited' });
    const state = (await (await callWith(vars, '', 'GET', '/admin/governors', undefined, { authorization: 'Bearer test-admin-token' })).json()) as {
      governors: { provider: string; paused_until: string | null; reason: string | null; rate_limited_today: number }[];
    };
    const spotify = state.governors.find((g) => g.provider === 'spotify')!;
    expect(spotify).toMatchObject({ reason: 'rate-limited', rate_limited_today: 1 });
    expect(Date.parse(spotify.paused_until!)).toBeGreaterThan(Date.now() + 100_000);
  });

  it('QUOTA_EXCEEDED is told apart: quota-exceeded items, the pause, and one event to the app', async () => {
    const vars = ownCredential();
    const name = unique('quota');
    const { key, app } = await newApp();
    const settings = await SELF.fetch(`${BASE}/admin/apps/${app}/settings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_url: `${inject('mockUrls').receiver}/hooks/${name}` }),
    });
    expect(settings.status).toBe(200);
    const token = await connect(key, 'q', { access_token: unique('quota-at') });
    const res = await callWith(vars, key, 'PUT', '/v1/users/q/spotify/follows', { type: 'artist', ids: spotifyIds(2) });
    const body = (await res.json()) as Batch;
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['deferred', 'quota-exceeded'],
      ['deferred', 'quota-exceeded'],
    ]);
    // Later calls meet the pause without calling Spotify, and send no second event.
    await callWith(vars, key, 'PUT', '/v1/users/q/spotify/follows', { type: 'artist', ids: spotifyIds(1) });
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(1);
    let events: { type: string; data: { provider: string } }[] = [];
    for (let i = 0; i < 40 && events.length === 0; i++) {
      await sleep(200);
      events = ((await (await fetch(`${inject('mockUrls').receiver}/__receiver/${name}`)).json()) as { body: string }[]).map((d) => JSON.parse(d.body));
    }
    await sleep(500);
    const quota = ((await (await fetch(`${inject('mockUrls').receiver}/__receiver/${name}`)).json()) as { body: string }[])
      .map((d) => JSON.parse(d.body) as { type: string; data: { provider: string } })
      .filter((e) => e.type === 'provider.quota_exceeded');
    expect(quota).toHaveLength(1);
    expect(quota[0]!.data.provider).toBe('spotify');
  });
});

describe('pacing', () => {
  it('bulk work paced under the provider limit meets no 429 at all; the same work unpaced does, and stops at the first', async () => {
    const paced = 'bucket5';
    const p = await users(1, { ...ownCredential(), SPOTIFY_API_URL: `${faults()}/${paced}`, SPOTIFY_RATE: '4' });
    const done = await p.follow(0, spotifyIds(400)); // 8 calls of 50
    expect(done.body.summary.done).toBe(400);
    const log = await bucketLog(paced);
    expect(log).toHaveLength(8);
    expect(log.every((c) => c.status === 200)).toBe(true);

    const unpaced = 'bucket2';
    const u = await users(1, { ...ownCredential(), SPOTIFY_API_URL: `${faults()}/${unpaced}`, SPOTIFY_RATE: '0' });
    const rushed = await u.follow(0, spotifyIds(400));
    const sent = await bucketLog(unpaced);
    expect(sent.some((c) => c.status === 429)).toBe(true);
    // After the first 429 only the calls already in flight (UPSTREAM_CONCURRENCY, 4) went out.
    const firstLimited = sent.findIndex((c) => c.status === 429);
    expect(sent.length - firstLimited).toBeLessThanOrEqual(4);
    expect(rushed.body.summary.deferred).toBeGreaterThan(0);
    expect(rushed.body.results.filter((r) => r.status === 'deferred').every((r) => r.reason === 'rate-limited')).toBe(true);
  });
});

describe("X's daily caps", () => {
  const DAY = 24 * 3600_000;
  const send = (vars: Record<string, string>, key: string, method: string, user: string, ids: string[]) =>
    callWith(vars, key, method, `/v1/users/${user}/x/follows`, { type: 'user', ids }).then(async (r) => (await r.json()) as Batch);

  it("the app's 1,000 follows a day: the follows past it are deferred daily-cap until the day's window ends", async () => {
    const vars = { X_CLIENT_ID: unique('xapp') };
    const g = await governorFor({ ...env, ...vars }, 'x');
    await g.reserveDaily('x:follows', 999, 1000, DAY);
    const { key } = await newApp();
    await connect(key, 'xd', {}, 'x');
    const body = await send(vars, key, 'PUT', 'xd', ['5001', '5002', '5003']);
    expect(body.results.map((r) => [r.status, r.reason ?? null])).toEqual([
      ['done', null],
      ['deferred', 'daily-cap'],
      ['deferred', 'daily-cap'],
    ]);
    expect(Date.parse(body.results[1]!.retry_at!) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await g.state()).daily['x:follows']!.used).toBe(1000);
    // Unfollows are not capped by the day.
    expect((await send(vars, key, 'DELETE', 'xd', ['5001'])).summary.done).toBe(1);
  });

  it("a user's 400 follows a day, counted in their own vault, apart from other users", async () => {
    const vars = { X_CLIENT_ID: unique('xapp') };
    const { key, app } = await newApp();
    await connect(key, 'busy', {}, 'x');
    await connect(key, 'fresh', {}, 'x');
    // 398 follows already today for `busy` (as if made earlier, 50 at a time).
    const vault = vaultFor(env, { app, user: 'busy', provider: 'x' });
    await runInDurableObject(vault, (_i, state) => reserveBudget(state.storage, 'x:follow-day', 398, 400, DAY));
    const busy = await send(vars, key, 'PUT', 'busy', ['6001', '6002', '6003']);
    expect(busy.results.map((r) => r.reason ?? r.status)).toEqual(['done', 'done', 'daily-cap']);
    expect((await send(vars, key, 'PUT', 'fresh', ['6001', '6002', '6003'])).summary.done).toBe(3);
  });
});

describe('a probe that was never sent', () => {
  it('hands the probe to the next call instead of ending the pause untested', async () => {
    const g = await governorFor({ ...env, ...ownCredential() }, 'spotify');
    await g.report({ status: 429, retryAfter: 1, probe: false });
    await sleep(1100);
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: true, probe: true });
    await g.report({ status: 0, probe: true, unsent: true });
    // Still a pause to test: the next call is the probe again, and one more waits for it.
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: true, probe: true });
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: false, reason: 'probing' });
  });
});

describe('the Governor, at its edges', () => {
  const credential = async () => governorFor({ ...env, ...ownCredential() }, 'spotify');

  it('a call that waited for its pacing turn is not sent when a pause began meanwhile', async () => {
    const g = await credential();
    expect(await g.admit({ rate: 1, maxWaitMs: 5000 })).toMatchObject({ ok: true, waitMs: 0 });
    const waiting = await g.admit({ rate: 1, maxWaitMs: 5000 });
    expect(waiting).toMatchObject({ ok: true });
    expect(waiting.ok && waiting.waitMs).toBeGreaterThan(500);
    await g.report({ status: 429, retryAfter: 60, probe: false });
    expect(await g.stillClear(waiting.ok ? waiting.epoch : -1)).toMatchObject({ ok: false, reason: 'rate-limited' });
  });

  it('a probe met by a 5xx, or cut off, does not end the pause: the next call probes again', async () => {
    const g = await credential();
    await g.report({ status: 429, retryAfter: 1, probe: false });
    await sleep(1100);
    for (const status of [503, 0]) {
      expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: true, probe: true });
      await g.report({ status, probe: true });
    }
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: true, probe: true });
    await g.report({ status: 200, probe: true });
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: true, probe: false });
  });

  it('QUOTA_EXCEEDED met during a rate-limit pause says so once; a new pause after it takes its own reason; Retry-After 0 still pauses 1 s', async () => {
    const g = await credential();
    expect(await g.report({ status: 429, retryAfter: 0, probe: false })).toMatchObject({ paused: true, quota: false, reason: 'rate-limited' });
    expect(await g.admit({ rate: 0, maxWaitMs: 0 })).toMatchObject({ ok: false });
    expect(await g.report({ status: 429, retryAfter: 1, quota: true, probe: false })).toMatchObject({ paused: false, quota: true, reason: 'quota-exceeded' });
    expect(await g.report({ status: 429, retryAfter: 1, quota: true, probe: false })).toMatchObject({ quota: false });
    await sleep(1100);
    await g.admit({ rate: 0, maxWaitMs: 0 });
    await g.report({ status: 200, probe: true });
    expect(await g.report({ status: 429, retryAfter: 1, probe: false })).toMatchObject({ paused: true, reason: 'rate-limited' });
  });

  it('through the worker: paced calls queued behind a 429 never go out', async () => {
    const script = 'bucket1r60';
    const vars = { ...ownCredential(), SPOTIFY_API_URL: `${faults()}/${script}`, SPOTIFY_RATE: '2' };
    const { follow } = await users(6, vars);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => follow(i, spotifyIds(1))));
    // The burst of two went out (one met the 429); the four waiting their turn were held back.
    expect((await bucketLog(script)).length).toBe(2);
    expect(answers.filter(({ body }) => body.results[0]!.reason === 'rate-limited')).toHaveLength(5);
  });

  it("X: follows the Governor kept back give their daily slots back, the app's and the user's", async () => {
    const vars = { X_CLIENT_ID: unique('xapp'), X_RATE: '1', REQUEST_BUDGET_MS: '2500' };
    const { key, app } = await newApp();
    await connect(key, 'px', {}, 'x');
    const body = (await (
      await callWith(vars, key, 'PUT', '/v1/users/px/x/follows', { type: 'user', ids: ['7001', '7002', '7003', '7004', '7005', '7006'] })
    ).json()) as Batch;
    const done = body.summary.done!;
    expect(done).toBeGreaterThan(0);
    expect(body.summary.deferred).toBe(6 - done);
    const g = await governorFor({ ...env, ...vars }, 'x');
    expect((await g.state()).daily['x:follows']!.used).toBe(done);
    const vault = vaultFor(env, { app, user: 'px', provider: 'x' });
    const left = await runInDurableObject(vault, async (_i, state) => (await state.storage.get<{ remaining: number }>('budget:x:follow-day'))!.remaining);
    expect(left).toBe(400 - done);
  });
});

describe('the operator lifts a pause', () => {
  it('POST /admin/governors/{provider}/resume ends the pause (and with reset_daily the day counts): the next call goes out', async () => {
    const vars = ownCredential();
    const { key } = await newApp();
    await connect(key, 'hit', { access_token: unique('penalty-at') });
    const token = await connect(key, 'next');
    await callWith(vars, key, 'PUT', '/v1/users/hit/spotify/follows', { type: 'artist', ids: spotifyIds(1) });
    const admin = { authorization: 'Bearer test-admin-token' };
    expect((await callWith(vars, '', 'POST', '/admin/governors/spotify/resume', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    const lifted = await callWith(vars, '', 'POST', '/admin/governors/spotify/resume', { reset_daily: true }, admin);
    expect(lifted.status).toBe(200);
    expect(await lifted.json()).toMatchObject({ provider: 'spotify', paused_until: null, reason: null, daily: {} });
    const next = (await (await callWith(vars, key, 'PUT', '/v1/users/next/spotify/follows', { type: 'artist', ids: spotifyIds(1) })).json()) as Batch;
    expect(next.results[0]!.status).toBe('done');
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(1);
  });
});
