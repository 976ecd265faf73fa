// Builds public/ (Workers static assets, gitignored): the docs page's script, copied from the
// pinned @scalar/api-reference package so /docs works offline and never depends on a CDN, and the
// dashboard's scripts and styles (dashboard/, served as they are: no bundler) with uPlot beside them.
// Run on install and by wrangler before `dev` and `deploy` ([build] in wrangler.toml).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Writes only what changed, through a temporary file and a rename: several `wrangler dev`s (the
 * tests, the bench) build at once, and none may serve a half-written script.
 */
function put(path, bytes) {
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

const DASHBOARD = 'public/dashboard/assets';

mkdirSync('public/docs', { recursive: true });
mkdirSync(DASHBOARD, { recursive: true });
// A build that died mid-write leaves a temporary file: never upload it as an asset. One younger
// than a minute may be another build's, still being written.
for (const dir of ['public/docs', DASHBOARD]) {
  for (const name of readdirSync(dir)) {
    const path = `${dir}/${name}`;
    if (name.endsWith('.tmp') && Date.now() - statSync(path, { throwIfNoEntry: false })?.mtimeMs > 60_000) rmSync(path, { force: true });
  }
}
put('public/docs/scalar-api-reference.js', readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js')));
// The page's icon, so the browser does not ask the worker for a /favicon.ico it does not have.
put('public/docs/favicon.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1db954"/></svg>'));
// The dashboard's files, and uPlot's ES module and stylesheet from the pinned package (main.js
// imports './uPlot.esm.js'). No index.html here: it would shadow the worker's /dashboard route.
for (const name of readdirSync('dashboard')) {
  if (statSync(`dashboard/${name}`).isFile()) put(`${DASHBOARD}/${name}`, readFileSync(`dashboard/${name}`));
}
put(`${DASHBOARD}/uPlot.esm.js`, readFileSync(require.resolve('uplot/dist/uPlot.esm.js')));
put(`${DASHBOARD}/uPlot.min.css`, readFileSync(require.resolve('uplot/dist/uPlot.min.css')));
