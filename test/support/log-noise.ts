/**
 * What the test log leaves out, and why. Loaded by vitest.config.ts in vitest's own process, where
 * @cloudflare/vitest-pool-workers writes workerd's log lines (its `handleStructuredLogs`, one
 * `process.stdout`/`process.stderr` write per message; the pool owns that handler, so a project
 * cannot give miniflare one of its own). Only whole lines of exactly the shapes below are removed.
 */
import { readFile } from 'node:fs/promises';

type Rule = { line: RegExp; when?: () => boolean };

const state = globalThis as { __crossfollowLogFilter?: boolean; __crossfollowDropUntil?: number };

/** A deliberate drop's report is expected for this long after the fault server drops a connection. */
const DROP_REPORT_MS = 5_000;

const RULES: Rule[] = [
  // The pool's own teardown: after each test file it closes its control WebSocket to the runner
  // Durable Object and disposes of workerd at once, and workerd (run verbose) reports the peer as
  // gone. No test or worker code opens a WebSocket. The pool already drops the sibling message
  // ("WebSocket was aborted"); releases after 0.15.1 drop this one too (workers-sdk PR #13833;
  // 0.16.11 has it), and then this rule can go.
  { line: /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n/gm },
  // mocks/faults.mjs's `drop` step closes the socket without answering, on purpose; workerd
  // reports the lost connection this way even though the caller catches the fetch's rejection
  // (the worker's fetchWithRetry does, and retries). Hidden only within a few seconds of such a drop,
  // so a connection lost any other time is still shown.
  { line: /^exception = kj\/async-io\.c\+\+:\d+: disconnected: stream disconnected prematurely\n(?:stack: [^\n]*\n)?/gm, when: dropExpected },
  { line: /^uncaught exception; source = Uncaught \(in promise\); stack = Error: Network connection lost\.\n/gm, when: dropExpected },
  {
    line: /^uncaught exception; exception = workerd\/jsg\/[^\n]*: disconnected: jsg\.Error: Network connection lost\.\n(?:stack: [^\n]*\n)?/gm,
    when: dropExpected,
  },
  // An event delivered to a port nothing listens on (test/contract/events.test.ts announces it
  // through the fault server's `/__expect-drop`): workerd reports the refused connect, then the
  // lost connection above, though the consumer catches the fetch's rejection and logs it itself.
  { line: /^exception = kj\/async-io-unix\.c\+\+:\d+: disconnected: connect\(\): Connection refused\n(?:stack: [^\n]*\n)?/gm, when: dropExpected },
];

function dropExpected(): boolean {
  return Date.now() <= (state.__crossfollowDropUntil ?? 0);
}

/** Called by the fault server (through global-setup.ts) as it drops a connection on purpose. */
export function expectDroppedConnection(): void {
  state.__crossfollowDropUntil = Date.now() + DROP_REPORT_MS;
}

/** Removes exactly the lines above from this process's stdout and stderr; every other byte passes. */
export function filterRuntimeNoise(): void {
  if (state.__crossfollowLogFilter) return;
  state.__crossfollowLogFilter = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return write(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let kept = text;
      for (const rule of RULES) if (!rule.when || rule.when()) kept = kept.replace(rule.line, '');
      if (kept === text) return write(chunk, ...rest);
      if (kept === '') {
        // Nothing left to write: still call back, as a write would.
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        if (callback) queueMicrotask(callback);
        return true;
      }
      return write(kept, ...rest);
    }) as typeof stream.write;
  }
}

/**
 * standardwebhooks publishes dist/*.js with `//# sourceMappingURL` maps whose sources
 * (`../src/*.ts`) are not in the package, so Vite warned `Sourcemap for ".../standardwebhooks/
 * dist/index.js" points to missing source files` when the pool (which inlines every dependency)
 * loaded it. Loading its files without that comment ends the warning; a map into missing files
 * maps nothing, and stack traces in it keep pointing at dist/*.js, which is there.
 */
export function withoutDanglingSourcemaps(packageName: string) {
  const dir = `/node_modules/${packageName}/`;
  return {
    name: `crossfollow:no-dangling-sourcemaps:${packageName}`,
    enforce: 'pre' as const,
    async load(id: string) {
      const file = id.replace(/\?.*$/, '');
      if (!file.replaceAll('\\', '/').includes(dir) || !/\.[cm]?js$/.test(file)) return null;
      const code = await readFile(file, 'utf8');
      return { code: code.replace(/^\/\/# sourceMappingURL=\S+[ \t]*$/m, ''), map: null };
    },
  };
}
