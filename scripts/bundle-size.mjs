// The deployed bundle's size (after `wrangler deploy --dry-run --outdir reports/bundle`): prints raw
// and gzip sizes and fails at 1 MiB gzip: this project's own budget, kept well below what
// Cloudflare allows a Worker, so that a dependency that balloons the bundle is noticed in review.
// Also fails when the bundle carries what only src/dev/entry.ts may (the demo key, x-test-prefer,
// the demo webhook var).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'reports/bundle';
const LIMIT = 1024 * 1024;
const DEV_ONLY = ['demo-key', 'x-test-prefer', 'DEMO_WEBHOOK_URL'];
let raw = 0;
let gzip = 0;
const carried = new Set();
for (const file of readdirSync(dir).filter((f) => /\.(m?js|wasm)$/.test(f))) {
  const bytes = readFileSync(join(dir, file));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
  for (const marker of DEV_ONLY) if (bytes.includes(marker)) carried.add(marker);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`bundle: ${kib(raw)}, gzip ${kib(gzip)} (limit ${kib(LIMIT)} gzip; static assets are uploaded apart)`);
if (raw === 0) throw new Error(`no bundle in ${dir}`);
if (carried.size) console.log(`the deployed bundle carries dev-only code: ${[...carried].join(', ')} (only src/dev/entry.ts may import src/dev/)`);
process.exit(gzip < LIMIT && carried.size === 0 ? 0 : 1);
