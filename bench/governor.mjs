// Bench 5: the Governor (src/governor/) on the hot path. (a) Two crossfollow workers on the same
// instant fake upstream, one with RATE_GOVERNOR=off (crossfollow as it was before the Governor)
// and one with it on and SPOTIFY_RATE=0, so what differs is the `admit` round trip to the
// credential's Durable Object before every upstream call, never a pacing wait; timed in
// alternation. (b) At a pace: follows back to back against a worker with SPOTIFY_RATE=20, for
// how closely the calls keep to the rate once the burst is spent.
import { artistIds, DEMO, expectStatus, importUser, percentile, round, settle } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 150);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

const calls = async (fake, token) => (await fake.calls()).filter((c) => c.authorization === `Bearer ${token}`);

/** PUT /follows of `n` ids that must come back all done. */
async function follow(worker, user, ids) {
  const res = await fetch(`${worker.url}/v1/users/${user}/spotify/follows`, { method: 'PUT', headers: DEMO, body: JSON.stringify({ type: 'artist', ids }) });
  if (res.status !== 200) throw new Error(`follow ${ids.length}: ${res.status} ${await res.text()}`);
  const { summary } = await res.json();
  if (summary.done !== ids.length) throw new Error(`follow ${ids.length}: ${JSON.stringify(summary)}`);
}

const SHAPES = [
  {
    request: 'contains 1 id',
    calls: 1,
    runs: RUNS,
    send: (w, user) =>
      fetch(`${w.url}/v1/users/${user}/spotify/follows/contains`, {
        method: 'POST',
        headers: DEMO,
        body: JSON.stringify({ type: 'artist', ids: artistIds(1, 500) }),
      }).then((res) => expectStatus(res, 200, 'contains 1')),
  },
  { request: 'follow 120 ids (3 calls, at once)', calls: 3, runs: RUNS, send: (w, user) => follow(w, user, artistIds(120, 501)) },
  { request: 'follow 1000 ids (20 calls, 4 at a time)', calls: 20, runs: Math.ceil(RUNS / 3), send: (w, user) => follow(w, user, artistIds(1000, 502)) },
];

/**
 * (a) Each shape, request by request, through `off` and `on` in alternation (which one goes first
 * swaps every pair), in REPEAT rounds over all shapes so that each shape's samples span the
 * section; p50 / p90 over all rounds, and the p50 ratio of each round for its spread.
 */
export async function governorCost(off, on, fake) {
  await fake.setDelay(0);
  const stamp = Date.now();
  const workers = [
    { worker: off, token: `bench-governor-off-${stamp}` },
    { worker: on, token: `bench-governor-on-${stamp}` },
  ];
  for (const w of workers) await importUser(w.worker, 'governor', w.token);
  const state = SHAPES.map(() => ({ times: [[], []], cpu: [0, 0], calls: [0, 0], sent: 0, rounds: [] }));
  for (let r = 0; r < REPEAT; r++) {
    for (const [s, shape] of SHAPES.entries()) {
      const st = state[s];
      const pairs = Math.ceil(shape.runs / REPEAT);
      const callsBefore = await Promise.all(workers.map(async (w) => (await calls(fake, w.token)).length));
      // Warm both up (the Governor's Durable Object, the isolates' caches) before the first round.
      const warmup = r === 0 ? Math.min(10, shape.runs) : 0;
      for (let i = 0; i < warmup; i++) for (const w of workers) await shape.send(w.worker, 'governor');
      await settle(off);
      await settle(on);
      const cpuStart = workers.map((w) => w.worker.cpuMs());
      const times = [[], []];
      for (let i = 0; i < pairs; i++) {
        for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const start = performance.now();
          await shape.send(workers[k].worker, 'governor');
          times[k].push(performance.now() - start);
        }
      }
      const callsAfter = await Promise.all(workers.map(async (w) => (await calls(fake, w.token)).length));
      st.sent += warmup + pairs;
      for (const k of [0, 1]) {
        st.cpu[k] += workers[k].worker.cpuMs() - cpuStart[k];
        st.calls[k] += callsAfter[k] - callsBefore[k];
        st.times[k].push(...times[k]);
      }
      const [offP50, onP50] = times.map((t) =>
        percentile(
          t.sort((a, b) => a - b),
          50,
        ),
      );
      st.rounds.push(onP50 / offP50);
    }
  }
  return SHAPES.map((shape, s) => {
    const st = state[s];
    const [a, b] = st.times.map((t) => t.sort((x, y) => x - y));
    const [offP50, onP50] = [percentile(a, 50), percentile(b, 50)];
    const ratios = st.rounds.sort((x, y) => x - y);
    return {
      request: shape.request,
      'upstream calls': shape.calls,
      // Over every request of the shape, warm-ups included.
      'calls, Governor off': round(st.calls[0] / st.sent, 2),
      'calls, Governor on': round(st.calls[1] / st.sent, 2),
      'off p50 ms': round(offP50, 2),
      'off p90 ms': round(percentile(a, 90), 2),
      'on p50 ms': round(onP50, 2),
      'on p90 ms': round(percentile(b, 90), 2),
      'ratio p50': round(onP50 / offP50, 2),
      'ratio p50, each round': ratios.length > 1 ? `${round(ratios[0], 2)}–${round(ratios.at(-1), 2)}` : String(round(ratios[0], 2)),
      'added p50 ms': round(onP50 - offP50, 2),
      'added ms per upstream call': round((onP50 - offP50) / shape.calls, 2),
      'workerd CPU ms/request off; on': `${round(st.cpu[0] / a.length, 1)}; ${round(st.cpu[1] / b.length, 1)}`,
      'requests each': a.length,
    };
  });
}

/**
 * (b) `count` follows of 1000 ids (20 calls each) one after another through a worker paced at
 * `rate` calls a second. The Governor's bucket holds one second of calls and starts full, so the
 * first `rate` calls go at once and the rest at the pace: all of them take at least
 * (calls - rate) / rate seconds from the first to the last, and the calls beyond the burst go at
 * no more than `rate` a second.
 */
export async function pacing(worker, fake, rate, count) {
  await fake.setDelay(0);
  const token = `bench-paced-${Date.now()}`;
  await importUser(worker, 'paced', token);
  // Warm the isolate and the Governor, then give the bucket time to fill again.
  await expectStatus(
    await fetch(`${worker.url}/v1/users/paced/spotify/follows/contains`, {
      method: 'POST',
      headers: DEMO,
      body: JSON.stringify({ type: 'artist', ids: artistIds(1, 510) }),
    }),
    200,
    'contains',
  );
  await new Promise((r) => setTimeout(r, 1500));
  const start = Date.now();
  const rows = [];
  let seen = (await calls(fake, token)).length;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await follow(worker, 'paced', artistIds(1000, 511));
    const ms = performance.now() - t;
    const now = (await calls(fake, token)).length;
    rows.push({ request: `follow 1000 ids, #${i + 1}`, 'upstream calls': now - seen, ms: round(ms), 'calls/s': round(((now - seen) / ms) * 1000, 1) });
    seen = now;
  }
  const made = (await calls(fake, token)).filter((c) => c.at >= start);
  const first = made[0]?.at ?? start;
  const last = made.at(-1)?.at ?? start;
  // The calls beyond the first second's burst over the time from the first call to the last: at
  // most the rate, by the bound above.
  const beyond = ((made.length - rate) / Math.max(1, last - first)) * 1000;
  return rows
    .map((row) => ({ ...row, SPOTIFY_RATE: rate, 'pace minimum ms': '', 'calls/s beyond the burst': '' }))
    .concat({
      request: `all ${count}, first call to last`,
      'upstream calls': made.length,
      ms: last - first,
      'calls/s': round((made.length / Math.max(1, last - first)) * 1000, 1),
      SPOTIFY_RATE: rate,
      'pace minimum ms': Math.round(((made.length - rate) / rate) * 1000),
      'calls/s beyond the burst': round(beyond, 1),
    });
}
