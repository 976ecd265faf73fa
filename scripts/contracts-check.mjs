// npm run contracts:check -- --reference ../shared/reference
// Checks each contract in openapi/ against the upstream's published document and fails on any
// mismatch of paths, methods, parameters, limits, bodies, success codes or scopes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compareContracts, compareTokenEndpoint } from './contracts/compare.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--reference');
const refDir = at >= 0 ? args[at + 1] : '../shared/reference';

const PAIRS = [
  { ours: 'openapi/spotify.yaml', reference: 'spotify-web-api.fixed.yml', compare: compareContracts },
  { ours: 'openapi/spotify-accounts.yaml', reference: 'spotify-web-api.fixed.yml', compare: compareTokenEndpoint },
  { ours: 'openapi/x.yaml', reference: 'x-api-v2.json', compare: compareContracts },
  { ours: 'openapi/audius.yaml', reference: 'audius-api.yaml', compare: compareContracts },
];

const load = (file) => parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 });
let failed = 0;
for (const pair of PAIRS) {
  let result;
  try {
    result = pair.compare(load(pair.ours), load(join(refDir, pair.reference)));
  } catch (err) {
    console.error(`${pair.ours}: cannot compare with ${join(refDir, pair.reference)}: ${err.message}`);
    failed += 1;
    continue;
  }
  console.log(`${pair.ours} vs ${pair.reference}: ${result.operations.length} operations, ${result.mismatches.length} mismatches`);
  for (const op of result.operations) console.log(`  ${op.method.padEnd(6)} ${op.path}`);
  for (const m of result.mismatches) console.log(`  MISMATCH ${m}`);
  failed += result.mismatches.length;
}
if (failed) {
  console.error(`contracts:check failed: ${failed} problem(s)`);
  process.exit(1);
}
console.log('contracts:check passed');
