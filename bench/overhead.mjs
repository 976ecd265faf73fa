// Bench 1: what crossfollow adds. (a) Through crossfollow vs the same upstream call made directly
// from Node, both against the same Prism. (b) The worker's own time, stage by stage, against an
// instant fake upstream: wall time at concurrency 1 and the CPU its workerd processes spend.
import { artistIds, DEMO, expectStatus, measure, measurePair, round, settle } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 150);

/** (a) For each operation: crossfollow's latency, then a replay of the upstream call it made. */
export async function overheadVsDirect(worker, spotifyMock) {
  const user = `${worker.url}/v1/users/demo/spotify`;
  const [id] = artistIds(1, 1);
  const ops = [
    ['follow 1 artist', () => fetch(`${user}/follows`, { method: 'PUT', headers: DEMO, body: JSON.stringify({ type: 'artist', ids: [id] }) })],
    ['contains 1 artist', () => fetch(`${user}/follows/contains`, { method: 'POST', headers: DEMO, body: JSON.stringify({ type: 'artist', ids: [id] }) })],
    ['list 20 followed artists', () => fetch(`${user}/follows?type=artist&limit=20`, { headers: DEMO })],
  ];
  const rows = [];
  for (const [name, op] of ops) {
    await fetch(`${spotifyMock}/__mock/calls`, { method: 'DELETE' });
    await expectStatus(await op(), 200, name);
    const calls = await (await fetch(`${spotifyMock}/__mock/calls`)).json();
    if (calls.length !== 1) throw new Error(`${name}: expected one upstream call, saw ${calls.length}`);
    const upstream = calls[0];
    const direct = () =>
      fetch(`${spotifyMock}${upstream.url}`, {
        method: upstream.method,
        headers: { authorization: upstream.authorization, accept: 'application/json', ...(upstream.body ? { 'content-type': 'application/json' } : {}) },
        body: upstream.body || undefined,
      });
    await expectStatus(await direct(), upstream.status, `${name} direct`);
    const [through, alone] = await measurePair(
      RUNS,
      async () => expectStatus(await op(), 200, name),
      async () => expectStatus(await direct(), upstream.status, `${name} direct`),
    );
    rows.push({
      operation: name,
      upstream: `${upstream.method} ${upstream.path}`,
      'crossfollow p50 ms': round(through.p50),
      'crossfollow p99 ms': round(through.p99),
      'direct p50 ms': round(alone.p50),
      'direct p99 ms': round(alone.p99),
      'ratio p50': round(through.p50 / alone.p50, 2),
      'added p50 ms': round(through.p50 - alone.p50),
    });
  }
  return rows;
}

/** (b) Stage by stage against the instant fake: each row adds one kind of work to the one before. */
export async function workerStages(worker, fake, baseline) {
  await fake.setDelay(0);
  const user = `${worker.url}/v1/users/demo/spotify`;
  const post = (path, body, headers = {}) => fetch(`${user}${path}`, { method: 'POST', headers: { ...DEMO, ...headers }, body: JSON.stringify(body) });
  const put = (path, body, headers = {}) => fetch(`${user}${path}`, { method: 'PUT', headers: { ...DEMO, ...headers }, body: JSON.stringify(body) });
  // Users whose tokens are in KV but not in the isolate's memory: the first request of each
  // reads KV and decrypts (AES-256-GCM).
  const run = Date.now();
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const name = `cold${i}`;
    await expectStatus(
      await fetch(`${worker.url}/v1/users/${name}/connections/spotify`, {
        method: 'PUT',
        headers: DEMO,
        body: JSON.stringify({ access_token: `bench-at-${i}-${Date.now()}`, refresh_token: `bench-rt-${i}`, expires_in: 3600 }),
      }),
      201,
      'import',
    );
    cold.push(name);
  }
  // Each import queues a connection event; let them drain so their CPU is not charged to a stage.
  await settle(worker);
  const stages = [
    ["a do-nothing worker under the same wrangler dev (the local runtime's own cost)", () => fetch(`${baseline.url}/`), 200, baseline],
    ['GET / (routing, security headers)', () => fetch(`${worker.url}/`), 200],
    ['422 follow with a bad id (+ API key: SHA-256 and KV; JSON body; zod)', () => put('/follows', { type: 'artist', ids: ['not-an-id'] }), 422],
    ['contains 1 id, token in memory (+ 1 upstream call, results)', () => post('/follows/contains', { type: 'artist', ids: artistIds(1, 2) }), 200],
    [
      'contains 1 id, token from KV (+ KV read, AES-GCM decrypt)',
      (i) =>
        fetch(`${worker.url}/v1/users/${cold[i]}/spotify/follows/contains`, {
          method: 'POST',
          headers: DEMO,
          body: JSON.stringify({ type: 'artist', ids: artistIds(1, 3) }),
        }),
      200,
    ],
    ['contains 50 ids (2 upstream calls of 40 URIs and 10)', () => post('/follows/contains', { type: 'artist', ids: artistIds(50, 4) }), 200],
    ['follow 1 id, no Idempotency-Key', () => put('/follows', { type: 'artist', ids: artistIds(1, 5) }), 200],
    [
      'the same follow with an Idempotency-Key (+ Durable Object round trips)',
      (i) => put('/follows', { type: 'artist', ids: artistIds(1, 5) }, { 'idempotency-key': `bench-${run}-${i}` }),
      200,
    ],
    ['contains 1000 ids (25 upstream calls, 4 at a time)', () => post('/follows/contains', { type: 'artist', ids: artistIds(1000, 6) }), 200],
  ];
  const rows = [];
  for (const [stage, request, status, target = worker] of stages) {
    const runs = stage.includes('1000') ? Math.round(RUNS / 5) : RUNS;
    const fromKv = stage.includes('from KV');
    if (!fromKv) for (let i = 0; i < 10; i++) await expectStatus(await request(RUNS + i), status, stage);
    await settle(target);
    const cpuStart = target.cpuMs();
    const stats = await measure(runs, async (i) => expectStatus(await request(i), status, stage), 0);
    const cpu = (target.cpuMs() - cpuStart) / runs;
    rows.push({ stage, 'p50 ms': round(stats.p50, 2), 'p99 ms': round(stats.p99, 2), 'workerd CPU ms/request': round(cpu, 2), requests: runs });
  }
  return rows;
}
