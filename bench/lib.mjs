// What the bench needs around it: a `wrangler dev` of the worker against given upstreams, the
// CPU time its workerd processes spend, and latency statistics.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_VARS, WRANGLER_ENV } from '../scripts/local-env.mjs';

export const DEMO = { authorization: 'Bearer demo-key', 'content-type': 'application/json' };

export function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Descendant pids of `root` (the process tree read from /proc). */
function descendants(root) {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      parent.set(Number(pid), Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]));
    } catch {}
  }
  return [...parent.keys()].filter((pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return true;
    return false;
  });
}

const TICK_MS = 10; // Linux USER_HZ is 100 on every kernel this runs on.

/** User + system CPU milliseconds of the workerd processes under `root`. */
function workerdCpuMs(root) {
  let ticks = 0;
  for (const pid of descendants(root)) {
    try {
      if (!/Name:\s+workerd/.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * TICK_MS;
}

/** Resident memory (VmRSS) of the workerd processes under `root`, in MiB. */
function workerdRssMiB(root) {
  let kib = 0;
  for (const pid of descendants(root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (/Name:\s+workerd/.test(status)) kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {}
  }
  return kib / 1024;
}

/**
 * `wrangler dev` of crossfollow (src/dev/entry.ts) in local demo mode, with `vars` over the local defaults; or, with
 * `script` (a wrangler config), of that worker alone (the bench's do-nothing baseline).
 */
export async function startWorker(vars, script) {
  const port = await freePort();
  // No receiver runs beside the bench: without DEMO_WEBHOOK_URL the demo app gets no webhook_url,
  // so no event delivery (or its retries) runs alongside what is measured.
  const { DEMO_WEBHOOK_URL: _none, ...local } = LOCAL_VARS;
  const all = script ? {} : { ...local, ...vars };
  const args = [
    'dev',
    // crossfollow through its dev entry, as `npm start` runs it (the demo seeding lives there).
    ...(script ? ['--config', script] : ['src/dev/entry.ts']),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    mkdtempSync(join(tmpdir(), 'crossfollow-bench-')),
  ];
  for (const [k, v] of Object.entries(all)) args.push('--var', `${k}:${v}`);
  // BENCH_WORKER_LOG=1: each worker's wrangler output goes to a file (its path is printed), to see why a request failed.
  const log = process.env.BENCH_WORKER_LOG ? join(mkdtempSync(join(tmpdir(), 'crossfollow-bench-log-')), 'wrangler.log') : null;
  if (log) console.log(`wrangler dev on port ${port} logs to ${log}`);
  const out = log ? openSync(log, 'a') : 'ignore';
  const child = spawn('node_modules/.bin/wrangler', args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...WRANGLER_ENV } });
  const url = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 240 && !up; i++) {
    up = await fetch(`${url}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
    throw new Error(`wrangler dev (${script ?? 'crossfollow'}) did not answer on ${url} within 60 s`);
  }
  return {
    url,
    cpuMs: () => workerdCpuMs(child.pid),
    rssMiB: () => workerdRssMiB(child.pid),
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    },
  };
}

export function percentile(sorted, p) {
  if (p === 50) return median(sorted);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The middle of sorted samples; the mean of the two middle ones for an even count. */
export function median(sorted) {
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
}

const stats = (times) => {
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99), n: times.length };
};

/** Runs `fn` `n` times one after another (after `warmup` runs) and returns wall-time stats in ms. */
export async function measure(n, fn, warmup = 10) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return stats(times);
}

/**
 * Times `a` and `b` in alternation (a, b, a, b, ...), so drift in the machine's load lands on
 * both alike; returns the stats of each.
 */
export async function measurePair(n, a, b, warmup = 10) {
  for (let i = 0; i < warmup; i++) {
    await a(i);
    await b(i);
  }
  const times = [[], []];
  for (let i = 0; i < n; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const start = performance.now();
      await fn(i);
      times[k].push(performance.now() - start);
    }
  }
  return times.map(stats);
}

/** Waits until the workerd processes of `target` stop spending CPU (queued events, timers). */
export async function settle(target, { quietMs = 500, maxMs = 15_000 } = {}) {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const before = target.cpuMs();
    await new Promise((r) => setTimeout(r, quietMs));
    if (target.cpuMs() - before <= 10) return;
  }
}

export const round = (x, digits = 1) => Number(x.toFixed(digits));

/** Spotify-looking artist ids, distinct per `seed`. */
export const artistIds = (n, seed) => Array.from({ length: n }, (_, i) => `0TnOYISbd1X${String(seed).padStart(5, '0')}${String(i).padStart(6, '0')}`);

/** Fails loudly on an answer the bench did not expect: a bench of errors measures nothing. */
export async function expectStatus(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return res;
}

/** Imports a Spotify connection for `user` on the demo app (201, or 200 when it replaced one). */
export async function importUser(worker, user, token) {
  const res = await fetch(`${worker.url}/v1/users/${user}/connections/spotify`, {
    method: 'PUT',
    headers: DEMO,
    body: JSON.stringify({ access_token: token, refresh_token: `${token}-rt`, expires_in: 3600 }),
  });
  await expectStatus(res, res.status === 200 ? 200 : 201, 'import');
}
