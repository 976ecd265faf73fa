// npm run load: autocannon against `npm start` (wrangler dev + the Prism mocks) on loopback,
// bounded in time. Two runs: mixed follow/contains/list traffic from several users, then the
// same with every user's token expiring halfway through (each user must be refreshed exactly once).
// Prints a table and writes the figures to reports/load.json. The Governor stays on but paces
// nothing (SPOTIFY_RATE=0 etc.): at its default 10 Spotify calls a second the pace, not the
// worker, would set the throughput (and refuse the calls it cannot fit in a request's time).

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const USERS = Number(process.env.LOAD_USERS ?? 8);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const PORT = 28787;
const MOCKS_PORT = 28010;
const api = `http://127.0.0.1:${PORT}`;
const key = { authorization: 'Bearer demo-key', 'content-type': 'application/json' };

const child = spawn('node', ['scripts/start.mjs'], {
  detached: true,
  stdio: 'ignore',
  env: {
    ...process.env,
    PORT: String(PORT),
    MOCKS_PORT: String(MOCKS_PORT),
    PERSIST_DIR: mkdtempSync(join(tmpdir(), 'crossfollow-load-')),
    SPOTIFY_RATE: '0',
    X_RATE: '0',
    AUDIUS_RATE: '0',
  },
});
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGINT');
  } catch {}
};
process.on('exit', stop);

async function ready() {
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(`${api}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('npm start did not come up in 60 s');
}

/** Resident memory (KiB) of the workerd processes this run's `npm start` started, and no others. */
function workerdRssKiB() {
  const parent = new Map();
  const status = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const text = readFileSync(`/proc/${pid}/status`, 'utf8');
      parent.set(Number(pid), Number(/PPid:\s+(\d+)/.exec(text)?.[1]));
      status.set(Number(pid), text);
    } catch {}
  }
  const ours = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === child.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, text] of status) {
    if (!ours(pid) || !/Name:\s+workerd/.test(text)) continue;
    total += Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0);
  }
  return total;
}

const ids = (n, seed) => Array.from({ length: n }, (_, i) => `0TnOYISbd1X${String(seed).padStart(5, '0')}${String(i).padStart(6, '0')}`);

async function connectUsers(prefix, tokens) {
  for (let u = 0; u < USERS; u++) {
    const res = await fetch(`${api}/v1/users/${prefix}${u}/connections/spotify`, { method: 'PUT', headers: key, body: JSON.stringify(tokens(u)) });
    if (!res.ok) throw new Error(`import failed: ${res.status}`);
  }
}

function requestsFor(prefix) {
  // Each autocannon connection walks this list in order, from the top. Users change every request
  // (and the kind every USERS requests), so each user comes up again within a few requests of any
  // connection: every token that expires mid-run is used after it expired, whatever the req/s.
  const kinds = [
    (base, u) => ({ method: 'PUT', path: `${base}/follows`, headers: key, body: JSON.stringify({ type: 'artist', ids: ids(120, u) }) }),
    (base, u) => ({ method: 'POST', path: `${base}/follows/contains`, headers: key, body: JSON.stringify({ type: 'artist', ids: ids(45, u) }) }),
    (base) => ({ method: 'GET', path: `${base}/follows?type=artist&limit=50`, headers: key }),
  ];
  const list = [];
  for (const kind of kinds) for (let u = 0; u < USERS; u++) list.push(kind(`/v1/users/${prefix}${u}/spotify`, u));
  return list;
}

function run(name, prefix) {
  return new Promise((resolve, reject) => {
    autocannon({ url: api, connections: USERS * 2, duration: SECONDS, requests: requestsFor(prefix) }, (err, result) =>
      err ? reject(err) : resolve({ name, result }),
    );
  });
}

await ready();
const memBefore = workerdRssKiB();
await connectUsers('load', (u) => ({ access_token: `load-at-${u}`, refresh_token: `load-rt-${u}`, expires_in: 3600 }));
const steady = await run('mixed load', 'load');
const memBetween = workerdRssKiB();
// Tokens are treated as expired 60 s before their end: 60 + SECONDS/2 makes them expire mid-run.
await connectUsers('exp', (u) => ({ access_token: `exp-at-${u}`, refresh_token: `slow-exp-rt-${u}-${Date.now()}`, expires_in: 60 + Math.round(SECONDS / 2) }));
const expiring = await run('every token expires mid-run', 'exp');
const memAfter = workerdRssKiB();
const tokenCalls = (await (await fetch(`http://127.0.0.1:${MOCKS_PORT + 1}/__mock/calls`)).json()).filter((c) => c.path === '/api/token');
const perUser = new Map();
for (const c of tokenCalls) {
  const rt = new URLSearchParams(c.body).get('refresh_token') ?? '';
  if (rt.startsWith('slow-exp-rt-')) perUser.set(rt, (perUser.get(rt) ?? 0) + 1);
}
stop();

const rows = [steady, expiring].map(({ name, result }) => ({
  run: name,
  'req/s': Math.round(result.requests.average),
  'p50 ms': result.latency.p50,
  'p99 ms': result.latency.p99,
  requests: result.requests.total,
  'non-2xx': result.non2xx,
  errors: result.errors,
}));
console.table(rows);
const refreshes = { users: USERS, refreshed: perUser.size, 'refreshes per user': [...new Set(perUser.values())].join(',') || '0' };
const mib = (kib) => (kib / 1024).toFixed(1);
console.table([{ 'workerd RSS before (MiB)': mib(memBefore), 'after run 1': mib(memBetween), 'after run 2': mib(memAfter), ...refreshes }]);
mkdirSync('reports', { recursive: true });
writeFileSync(
  'reports/load.json',
  JSON.stringify({ date: new Date().toISOString(), users: USERS, seconds: SECONDS, rows, memBefore, memBetween, memAfter, refreshes }, null, 2),
);
const ok = rows.every((r) => r['non-2xx'] === 0 && r.errors === 0) && perUser.size === USERS && [...perUser.values()].every((n) => n === 1);
process.exit(ok ? 0 : 1);
