// npm run client: regenerates client/openapi.json from the worker itself (what GET /openapi.json
// serves; a worker test fails when the committed copy no longer matches), then client/schema.d.ts
// from it with openapi-typescript. `--types` (run on npm install) only makes the types, which are
// not committed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { WRANGLER_ENV } from './local-env.mjs';

const SCHEMA = 'client/schema.d.ts';
const DOC = 'client/openapi.json';

function typesFrom(doc) {
  const run = spawnSync('node_modules/.bin/openapi-typescript', [doc], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openapi-typescript failed: ${run.stderr}`);
  return run.stdout;
}

if (process.argv.includes('--types')) {
  // An install without devDependencies (npm ci --omit=dev, to deploy) has no generator and needs
  // no types: that is not a failed install.
  if (!existsSync('node_modules/.bin/openapi-typescript')) {
    console.log(`openapi-typescript is not installed; ${SCHEMA} not generated`);
    process.exit(0);
  }
  writeFileSync(SCHEMA, typesFrom(DOC));
  process.exit(0);
}

const port = await new Promise((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address();
    srv.close(() => resolve(port));
  });
});
const dev = spawn('node_modules/.bin/wrangler', ['dev', '--ip', '127.0.0.1', '--port', String(port)], {
  detached: true,
  stdio: 'ignore',
  env: { ...process.env, ...WRANGLER_ENV },
});
const stop = () => {
  try {
    process.kill(-dev.pid, 'SIGTERM');
  } catch {}
};
process.on('exit', stop);
let doc;
for (let i = 0; i < 240 && !doc; i++) {
  doc = await fetch(`http://127.0.0.1:${port}/openapi.json`).then(
    (r) => (r.ok ? r.json() : undefined),
    () => undefined,
  );
  if (!doc) await new Promise((r) => setTimeout(r, 250));
}
stop();
if (!doc) throw new Error('wrangler dev did not serve /openapi.json in 60 s');
writeFileSync(DOC, `${JSON.stringify(doc, null, 2)}\n`);
writeFileSync(SCHEMA, typesFrom(DOC));
console.log(`wrote ${DOC} (${Object.keys(doc.paths).length} paths) and ${SCHEMA}`);
