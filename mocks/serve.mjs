// `npm start`'s mock half: the upstream mocks on fixed ports until Ctrl-C.
import { MOCK_PORTS } from '../scripts/local-env.mjs';
import { startMocks } from './harness.mjs';

const mocks = await startMocks({ ports: MOCK_PORTS });
for (const [name, url] of Object.entries(mocks.urls)) console.log(`mock ${name.padEnd(18)} ${url} (prism pid ${mocks.prismPids[name]})`);
const shutdown = async () => {
  await mocks.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
