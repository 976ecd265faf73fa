// The deployed bundle's size (after `wrangler deploy --dry-run --outdir reports/bundle`): prints raw
// and gzip sizes and fails at 1 MiB gzip: this project's own budget, kept well below what
// Cloudflare allows a Worker, so that a dependency that balloons the bundle is noticed in review.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'reports/bundle';
const LIMIT = 1024 * 1024;
let raw = 0;
let gzip = 0;
for (const file of readdirSync(dir).filter((f) => /\.(m?js|wasm)$/.test(f))) {
  const bytes = readFileSync(join(dir, file));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`bundle: ${kib(raw)}, gzip ${kib(gzip)} (limit ${kib(LIMIT)} gzip; static assets are uploaded apart)`);
if (raw === 0) throw new Error(`no bundle in ${dir}`);
process.exit(gzip < LIMIT ? 0 : 1);
