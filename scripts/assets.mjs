// Builds public/ (Workers static assets, gitignored): the docs page's script, copied from the
// pinned @scalar/api-reference package so /docs works offline and never depends on a CDN.
// Run by wrangler before `dev` and `deploy` ([build] in wrangler.toml).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
mkdirSync('public/docs', { recursive: true });
copyFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'), 'public/docs/scalar-api-reference.js');
// The page's icon, so the browser does not ask the worker for a /favicon.ico it does not have.
writeFileSync('public/docs/favicon.svg', '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1db954"/></svg>');
