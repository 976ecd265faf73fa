// Starts one Prism mock server a contract in openapi/, each in its own process group so that
// stopping the harness never leaves a Prism behind.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prismBin = `${root}node_modules/.bin/prism`;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `contract` is a file in openapi/, or an absolute path. */
export async function startPrism(contract, port) {
  const file = contract.startsWith('/') ? contract : `${root}openapi/${contract}`;
  const child = spawn(prismBin, ['mock', '-h', '127.0.0.1', '-p', String(port), '--errors=false', file], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism for ${contract} did not start in 60 s:\n${log}`)), 60_000);
    const onData = (d) => {
      log += d;
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism for ${contract} exited (${code}):\n${log}`));
    });
  });
  await ready;
  child.stdout.resume();
  child.stderr.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
}

/**
 * Prism on a free port. A port found free can be taken by another process before Prism binds
 * it (tests, the bench and npm start may run side by side), so a lost race tries a new port.
 */
export async function startPrismOnFreePort(contract, attempts = 4) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPrism(contract, await freePort());
    } catch (err) {
      if (attempt >= attempts || !String(err.message).includes('EADDRINUSE')) throw err;
    }
  }
}
