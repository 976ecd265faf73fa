/**
 * `npm start` as a user runs it, on free ports of its own: for the e2e tests that drive the
 * sandbox from outside (npm-start.test.ts, dashboard.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return (
    !(await portOpen(port)) &&
    (await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    }))
  );
}

/**
 * Below Linux's ephemeral range (32768+), where the worker tests' Prisms get their free ports,
 * so the projects running side by side never collide; checked free before use.
 */
async function pickPorts(): Promise<{ port: number; mocksPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const wanted = [base, base + 10, base + 11, base + 12, base + 13, base + 14]; // API, four mocks, the event receiver
    const free = await Promise.all(wanted.map(portFree));
    if (free.every(Boolean)) return { port: base, mocksPort: base + 10 };
  }
  throw new Error('no free ports for npm start');
}

export interface Sandbox {
  api: string;
  port: number;
  mocksPort: number;
  /** Its own PERSIST_DIR, removed by `kill`. */
  persist: string;
  child: ChildProcess;
  readyMs: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILLs it and its Prisms (which run in process groups of their own), and removes its state. */
  kill(): void;
}

/** Starts `node scripts/start.mjs` with `env` added, and waits (up to a minute) until it answers. */
export async function startSandbox(env: Record<string, string> = {}): Promise<Sandbox> {
  const { port, mocksPort } = await pickPorts();
  const api = `http://127.0.0.1:${port}`;
  const persist = mkdtempSync(join(tmpdir(), 'crossfollow-e2e-'));
  const started = Date.now();
  const child = spawn('node', ['scripts/start.mjs'], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...env, PORT: String(port), MOCKS_PORT: String(mocksPort), PERSIST_DIR: persist },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  while (Date.now() - started < 60_000) {
    const ok = await fetch(`${api}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    api,
    port,
    mocksPort,
    persist,
    child,
    readyMs: Date.now() - started,
    output: () => output,
    kill() {
      if (child.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
      // SIGKILL gives npm start no chance to stop its Prisms: a run that skips or fails the
      // Ctrl-C test would otherwise leave them running.
      for (const [, pid] of output.matchAll(/prism pid (\d+)/g)) if (groupAlive(Number(pid))) process.kill(-Number(pid), 'SIGKILL');
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
