// Bench 4: N concurrent requests for a user whose token has expired: how many refresh calls
// reach the token endpoint (one, whatever N), and what the refresh adds to latency. Two controls
// take the same N at once: a user whose fresh token is read from KV (the usual hot path), and a
// user whose token is fresh but too near its end to be cached in KV, so every request asks the
// connection's Durable Object as the expired user's do — the difference to that one is the refresh.
import { artistIds, DEMO, expectStatus, median, percentile, round } from './lib.mjs';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

async function burst(worker, user, n) {
  const body = JSON.stringify({ type: 'artist', ids: artistIds(1, 7) });
  const times = await Promise.all(
    Array.from({ length: n }, async () => {
      const start = performance.now();
      await expectStatus(await fetch(`${worker.url}/v1/users/${user}/spotify/follows/contains`, { method: 'POST', headers: DEMO, body }), 200, 'contains');
      return performance.now() - start;
    }),
  );
  return times.sort((a, b) => a - b);
}

async function connect(worker, user, refreshToken, expiresIn) {
  const body = JSON.stringify({ access_token: `${refreshToken}-at`, refresh_token: refreshToken, expires_in: expiresIn });
  await expectStatus(await fetch(`${worker.url}/v1/users/${user}/connections/spotify`, { method: 'PUT', headers: DEMO, body }), 201, 'import');
}

// Tokens within 60 s of their end are refreshed before use, and only tokens with at least 60 s
// of use left beyond that are cached in KV: 30 s counts as expired, 90 s as fresh but not in KV.
const KINDS = [
  ['fresh', 3600],
  ['do', 90],
  ['expired', 30],
];

export async function refreshUnderConcurrency(worker, accountsMock) {
  const rows = [];
  for (const n of [1, 10, 50, 100]) {
    const p50 = { fresh: [], do: [], expired: [] };
    let max = 0;
    const refreshes = { do: [], expired: [] };
    for (let r = 0; r < REPEAT; r++) {
      const stamp = `${n}-${r}-${Date.now()}`;
      for (const [kind, expiresIn] of KINDS) await connect(worker, `${kind}${stamp}`, `bench-${kind}-rt-${stamp}`, expiresIn);
      // Each repeat starts with a different kind, so none always runs on a warmer machine.
      for (let k = 0; k < KINDS.length; k++) {
        const [kind] = KINDS[(k + r) % KINDS.length];
        const times = await burst(worker, `${kind}${stamp}`, n);
        p50[kind].push(percentile(times, 50));
        if (kind === 'expired') max = Math.max(max, times.at(-1));
      }
      const calls = await (await fetch(`${accountsMock}/__mock/calls`)).json();
      for (const kind of ['do', 'expired'])
        refreshes[kind].push(calls.filter((c) => new URLSearchParams(c.body).get('refresh_token') === `bench-${kind}-rt-${stamp}`).length);
    }
    const mid = (xs) => median([...xs].sort((a, b) => a - b));
    rows.push({
      'concurrent requests': n,
      'refresh calls (each burst)': [...new Set(refreshes.expired)].join(', '),
      'refresh calls, 90 s token': [...new Set(refreshes.do)].join(', '),
      'fresh, from KV p50 ms': round(mid(p50.fresh)),
      'fresh, via Durable Object p50 ms': round(mid(p50.do)),
      'expired p50 ms': round(mid(p50.expired)),
      'expired max ms': round(max),
      'refresh adds p50 ms': round(mid(p50.expired) - mid(p50.do)),
      bursts: REPEAT,
    });
  }
  return rows;
}
