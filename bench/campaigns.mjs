// Bench 6: campaigns. One album save for each of N fans, against the fault mock's app-wide token
// bucket (mocks/faults.mjs, `bucket<N>r<S>`) standing for the provider's physical limit: a
// campaign paced a little under the bucket, the bucket's own rate, the one-fan-at-a-time loop a
// pre-save service runs (on a sample, extrapolated), and a campaign with no pacing at all, which
// meets the bucket's 429s. Each campaign runs on its own worker (its own Governor) and its own
// bucket; every fan's token is new to the run, so the bucket's log tells this run's calls apart.
//
// Each size gets fresh workers: locally every fan's connection is a Durable Object with its own
// SQLite, all in one workerd process, whose memory grows with them (docs/benchmarks.md).
import { DEMO, expectStatus, importUser, round } from './lib.mjs';

/** Fans per campaign: `BENCH_CAMPAIGN_FANS=1000` (a comma list) for a quick run. */
export const CAMPAIGN_SIZES = (process.env.BENCH_CAMPAIGN_FANS ?? '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
/** Fans the one-at-a-time loops run for real before they are extrapolated to N. */
const SAMPLE = Number(process.env.BENCH_CAMPAIGN_SAMPLE ?? 200);
/** The provider's limit: the bucket's calls a second (and its burst), and its Retry-After. */
export const BUCKET_RATE = Number(process.env.BENCH_CAMPAIGN_LIMIT ?? 200);
export const BUCKET_RETRY_AFTER = 1;
/** The paced worker's SPOTIFY_RATE: a little under the bucket. */
export const CAMPAIGN_PACE = Math.round(BUCKET_RATE * 0.9);
/** The pre-save loop's pause between fans. */
export const LOOP_SLEEP_MS = 200;
const ALBUM = '4aawyAB9vmqN3uQ7FjRGTy';
const ACTION = { provider: 'spotify', op: 'save', type: 'album', ids: [ALBUM] };
/** Connection imports at once (each is a KV write and a Durable Object round trip in the worker). */
const IMPORTS_AT_ONCE = 24;
/** Bulk joins (500 fans each) at once. */
const JOINS_AT_ONCE = 2;
const JOIN_BATCH = 500;
/** Fans of the join that measures the join rate. */
const PILOT = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The bucket's log of every call, whoever sent it. */
const bucketLog = async (faults, script) => (await fetch(`${faults.url}/__faults/${encodeURIComponent(`${script}|*`)}`)).json();

/** `n` fans new to the worker, each with its own token; imported `IMPORTS_AT_ONCE` at a time. */
async function importFans(worker, label, n) {
  const stamp = `${label}-${Date.now().toString(36)}`;
  const fans = Array.from({ length: n }, (_, i) => ({ user: `fan-${stamp}-${i}`, token: `bench-campaign-${stamp}-${i}` }));
  const start = performance.now();
  await pool(fans, IMPORTS_AT_ONCE, (f) => importUser(worker, f.user, f.token));
  return { fans, importMs: performance.now() - start };
}

/** What the bucket saw from `fans`' tokens: calls, 429s, and the fewest and most 200s a fan got. */
async function upstreamOf(faults, script, fans) {
  const tokens = new Map(fans.map((f) => [`Bearer ${f.token}`, 0]));
  let calls = 0;
  let limited = 0;
  for (const c of await bucketLog(faults, script)) {
    if (!tokens.has(c.authorization)) continue;
    calls += 1;
    if (c.status === 429) limited += 1;
    else tokens.set(c.authorization, tokens.get(c.authorization) + 1);
  }
  const saves = [...tokens.values()];
  const [min, max] = [Math.min(...saves), Math.max(...saves)];
  return { calls, limited, saves: min === max ? String(min) : `${min}–${max}` };
}

const api = async (worker, method, path, body) => {
  const res = await fetch(`${worker.url}${path}`, { method, headers: DEMO, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
};

/**
 * One campaign of `n` fans on `worker`: import them, create the campaign to run at a moment far
 * enough ahead that every join lands first (from a measured join rate, with margin), join
 * them all, and poll until it completes.
 */
async function campaignRun(worker, faults, script, label, n) {
  const { fans, importMs } = await importFans(worker, label, n);
  // The join rate, measured: one bulk join into a campaign a day ahead, cancelled before it runs.
  const pilot = await api(worker, 'POST', '/v1/campaigns', {
    name: `bench ${label} ${n} pilot`,
    actions: [ACTION],
    run: { mode: 'at', at: new Date(Date.now() + 86_400_000).toISOString() },
  });
  const pilotStart = performance.now();
  const pilotFans = fans.slice(0, PILOT).map((f) => ({ user: f.user }));
  await api(worker, 'POST', `/v1/campaigns/${pilot.id}/fans`, { fans: pilotFans });
  const joinEstimateMs = ((performance.now() - pilotStart) / pilotFans.length) * n;
  await api(worker, 'DELETE', `/v1/campaigns/${pilot.id}`);
  // Three times the estimate (though joins go JOINS_AT_ONCE at a time) and 5 s more.
  const ahead = Math.ceil((3 * joinEstimateMs + 5000) / 1000) * 1000;
  const created = await api(worker, 'POST', '/v1/campaigns', {
    name: `bench ${label} ${n}`,
    actions: [ACTION],
    run: { mode: 'at', at: new Date(Date.now() + ahead).toISOString() },
  });
  const joinStart = performance.now();
  const batches = [];
  for (let i = 0; i < fans.length; i += JOIN_BATCH) batches.push(fans.slice(i, i + JOIN_BATCH).map((f) => ({ user: f.user })));
  let joined = 0;
  await pool(batches, JOINS_AT_ONCE, async (batch) => {
    const out = await api(worker, 'POST', `/v1/campaigns/${created.id}/fans`, { fans: batch });
    if (out.refused.length) throw new Error(`join: ${out.refused.length} refused, e.g. ${JSON.stringify(out.refused[0])}`);
    joined += out.joined.length;
  });
  const joinMs = performance.now() - joinStart;
  const joinedAt = Date.now();
  if (joined !== n) throw new Error(`join: ${joined} of ${n} joined`);
  // Until it completes: a generous bound (the bucket's pace, with the Governor's pauses, twice over).
  const deadline = Date.now() + Math.max(Date.parse(created.starts_at) - Date.now(), 0) + 120_000 + (n / BUCKET_RATE) * 10_000;
  let view = await api(worker, 'GET', `/v1/campaigns/${created.id}`);
  while (view.status !== 'completed') {
    if (Date.now() > deadline || view.status === 'cancelled') throw new Error(`campaign ${label} of ${n} did not complete: ${JSON.stringify(view)}`);
    await sleep(250);
    view = await api(worker, 'GET', `/v1/campaigns/${created.id}`);
  }
  const ms = Date.parse(view.finished_at) - Date.parse(view.started_at);
  const up = await upstreamOf(faults, script, fans);
  return {
    n,
    ms,
    up,
    view,
    importMs,
    joinMs,
    ahead,
    // The campaign ran no fan before the last join: started_at is after it.
    joinedFirst: Date.parse(view.started_at) >= joinedAt,
    rss: worker.rssMiB(),
  };
}

/** The pre-save service's loop: one library save per fan, one fan after another, `sleepMs` between. */
async function oneAtATime(worker, faults, script, sleepMs) {
  const { fans } = await importFans(worker, `loop${sleepMs}`, SAMPLE);
  let done = 0;
  const start = performance.now();
  for (const [i, f] of fans.entries()) {
    const res = await fetch(`${worker.url}/v1/users/${f.user}/spotify/library`, {
      method: 'PUT',
      headers: DEMO,
      body: JSON.stringify({ type: 'album', ids: [ALBUM] }),
    });
    if (res.status !== 200) await expectStatus(res, 200, 'library save');
    const { summary } = await res.json();
    done += summary.done;
    if (sleepMs && i < fans.length - 1) await sleep(sleepMs);
  }
  const ms = performance.now() - start;
  return { ms, done, up: await upstreamOf(faults, script, fans) };
}

const campaignRow = (what, r) => ({
  row: what,
  N: r.n,
  'fans/s': round((r.n / r.ms) * 1000, 1),
  '÷ limit': round(((r.n / r.ms) * 1000) / BUCKET_RATE, 2),
  s: round(r.ms / 1000, 1),
  measured: 'started_at → finished_at',
  '429s': r.up.limited,
  'upstream calls/fan': round(r.up.calls / r.n, 3),
  'fans done': r.view.counts.done,
  'saves per fan': r.up.saves,
  'other fan states': Object.entries(r.view.counts)
    .filter(([k, v]) => !['fans', 'done'].includes(k) && v)
    .map(([k, v]) => `${k} ${v}`)
    .join(', '),
  'joined before start': r.joinedFirst ? 'yes' : 'no',
  'import; join s (start set ahead)': `${round(r.importMs / 1000, 1)}; ${round(r.joinMs / 1000, 1)} (${r.ahead / 1000})`,
  'workerd RSS MiB: start → after': `${round(r.rssStart, 0)} → ${round(r.rss, 0)}`,
});

const loopRow = (what, loop, n) => {
  const perFan = loop.ms / SAMPLE;
  return {
    row: what,
    N: n,
    'fans/s': round(1000 / perFan, 1),
    '÷ limit': round(1000 / perFan / BUCKET_RATE, 3),
    s: round((perFan * n) / 1000, 1),
    measured: `extrapolated from ${SAMPLE} fans (${round(loop.ms / 1000, 1)} s)`,
    '429s': loop.up.limited,
    'upstream calls/fan': round(loop.up.calls / SAMPLE, 3),
    'fans done': `${loop.done} of ${SAMPLE}`,
    'saves per fan': loop.up.saves,
    'other fan states': '',
    'joined before start': '',
    'import; join s (start set ahead)': '',
    'workerd RSS MiB: start → after': '',
  };
};

const limitRow = (n) => ({
  row: `the physical limit (bucket of ${BUCKET_RATE}/s)`,
  N: n,
  'fans/s': BUCKET_RATE,
  '÷ limit': 1,
  s: round(n / BUCKET_RATE, 1),
  measured: 'the bucket’s rate, 1 call a fan',
  '429s': '',
  'upstream calls/fan': 1,
  'fans done': '',
  'saves per fan': '',
  'other fan states': '',
  'joined before start': '',
  'import; join s (start set ahead)': '',
  'workerd RSS MiB: start → after': '',
});

/**
 * Section 6. `start(vars)` starts a fresh crossfollow worker with `vars` over the bench's own;
 * `faults` is the fault mock. The loops run first on a worker of their own (paced, on the paced
 * bucket); then, for each size, a fresh paced worker (SPOTIFY_RATE=CAMPAIGN_PACE, bucket
 * `pacedScript`) and a fresh unpaced one (SPOTIFY_RATE=0, bucket `unpacedScript`, the same limit),
 * each stopped after its campaign.
 */
export async function campaignThroughput(start, faults, pacedScript, unpacedScript) {
  const pacedVars = { SPOTIFY_API_URL: `${faults.url}/${pacedScript}`, SPOTIFY_RATE: String(CAMPAIGN_PACE) };
  const unpacedVars = { SPOTIFY_API_URL: `${faults.url}/${unpacedScript}`, SPOTIFY_RATE: '0' };
  const loops = await start(pacedVars);
  let slept;
  let tight;
  try {
    slept = await oneAtATime(loops, faults, pacedScript, LOOP_SLEEP_MS);
    tight = await oneAtATime(loops, faults, pacedScript, 0);
  } finally {
    loops.stop();
  }
  const once = async (vars, script, label, n) => {
    const worker = await start(vars);
    try {
      const rssStart = worker.rssMiB();
      return { ...(await campaignRun(worker, faults, script, label, n)), rssStart };
    } finally {
      worker.stop();
    }
  };
  const rows = [];
  for (const n of CAMPAIGN_SIZES) {
    const p = await once(pacedVars, pacedScript, 'paced', n);
    const u = await once(unpacedVars, unpacedScript, 'unpaced', n);
    rows.push(
      campaignRow(`campaign, paced (SPOTIFY_RATE=${CAMPAIGN_PACE})`, p),
      limitRow(n),
      loopRow(`one fan at a time, ${LOOP_SLEEP_MS} ms sleep`, slept, n),
      loopRow('one fan at a time, no sleep', tight, n),
      campaignRow('campaign, unpaced (SPOTIFY_RATE=0)', u),
    );
  }
  return rows;
}
