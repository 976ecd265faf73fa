// Bench 4: N concurrent requests for a user whose token has expired: how many refresh calls
// reach the token endpoint (one, whatever N), and what the refresh adds to latency, against the
// same N for a user whose token is fresh.
import { DEMO, artistIds, expectStatus, percentile, round } from './lib.mjs';

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

export async function refreshUnderConcurrency(worker, accountsMock) {
  const rows = [];
  for (const n of [1, 10, 50, 100]) {
    const stamp = `${n}-${Date.now()}`;
    // Tokens within 60 s of their end are refreshed before use: 30 s counts as expired.
    await connect(worker, `expired${stamp}`, `bench-expired-rt-${stamp}`, 30);
    await connect(worker, `fresh${stamp}`, `bench-fresh-rt-${stamp}`, 3600);
    const fresh = await burst(worker, `fresh${stamp}`, n);
    const expired = await burst(worker, `expired${stamp}`, n);
    const calls = (await (await fetch(`${accountsMock}/__mock/calls`)).json()).filter((c) => new URLSearchParams(c.body).get('refresh_token') === `bench-expired-rt-${stamp}`);
    rows.push({
      'concurrent requests': n,
      'refresh calls': calls.length,
      'fresh token p50 ms': round(percentile(fresh, 50)),
      'expired token p50 ms': round(percentile(expired, 50)),
      'expired token max ms': round(expired.at(-1)),
      'added p50 ms': round(percentile(expired, 50) - percentile(fresh, 50)),
    });
  }
  return rows;
}
