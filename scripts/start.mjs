// `npm start`: the upstream mocks and the event receiver, then `wrangler dev` of src/dev/entry.ts
// (the worker plus the local demo seeding) on 127.0.0.1:$PORT (8787) against them, in local demo
// mode. Ctrl-C stops both; concurrently signals every child it started.
// PORT, MOCKS_PORT and PERSIST_DIR (wrangler's local state) can be set in the environment, and so
// can the Governor's settings (RATE_GOVERNOR, SPOTIFY_RATE, X_RATE, AUDIUS_RATE; npm run load
// sets the rates to 0), which reach the worker as vars.
import concurrently from 'concurrently';
import { GOVERNOR_VARS, LOCAL_VARS, MOCK_PORTS, PORT, RECEIVER_PORT, WRANGLER_ENV } from './local-env.mjs';

const vars = Object.entries({ ...LOCAL_VARS, ...GOVERNOR_VARS })
  .map(([k, v]) => `--var ${k}:${v}`)
  .join(' ');
const persist = process.env.PERSIST_DIR ? ` --persist-to ${process.env.PERSIST_DIR}` : '';
const waitFor = [...Object.values(MOCK_PORTS), RECEIVER_PORT].map((p) => `tcp:127.0.0.1:${p}`).join(' ');
const { result } = concurrently(
  [
    { name: 'mocks', command: 'node mocks/serve.mjs', prefixColor: 'blue' },
    {
      name: 'api',
      command: `node_modules/.bin/wait-on -t 60000 ${waitFor} && node_modules/.bin/wrangler dev src/dev/entry.ts --ip 127.0.0.1 --port ${PORT}${persist} ${vars}`,
      env: WRANGLER_ENV,
      prefixColor: 'green',
    },
  ],
  { killOthersOn: ['failure', 'success'], killSignal: 'SIGTERM' },
);
result.then(
  () => process.exit(0),
  () => process.exit(0),
);
