// `npm start`: the upstream mocks, then `wrangler dev` on 127.0.0.1:8787 against them, in
// local demo mode. Ctrl-C stops both (concurrently signals each child's process group).
import concurrently from 'concurrently';
import { LOCAL_VARS, WRANGLER_ENV } from './local-env.mjs';

const port = process.env.PORT ?? '8787';
const vars = Object.entries(LOCAL_VARS).map(([k, v]) => `--var ${k}:${v}`).join(' ');
const { result } = concurrently(
  [
    { name: 'mocks', command: 'node mocks/serve.mjs', prefixColor: 'blue' },
    {
      name: 'api',
      command: `node_modules/.bin/wait-on -t 60000 tcp:127.0.0.1:4010 tcp:127.0.0.1:4011 && node_modules/.bin/wrangler dev --ip 127.0.0.1 --port ${port} ${vars}`,
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
