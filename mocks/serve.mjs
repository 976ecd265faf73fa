// `npm start`'s mock half: the upstream mocks on fixed ports until Ctrl-C.
import { startMocks } from './harness.mjs';

export const LOCAL_PORTS = { 'spotify-api': 4010, 'spotify-accounts': 4011 };

const mocks = await startMocks({ ports: LOCAL_PORTS });
for (const [name, url] of Object.entries(mocks.urls)) console.log(`mock ${name.padEnd(18)} ${url}`);
const shutdown = async () => { await mocks.stop(); process.exit(0); };
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
