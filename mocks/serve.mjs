// `npm start`'s mock half: the upstream mocks and the event receiver on fixed ports until Ctrl-C.
import { MOCK_PORTS, RECEIVER_PORT } from '../scripts/local-env.mjs';
import { startMocks } from './harness.mjs';
import { startReceiver } from './receiver.mjs';

// The receiver first: if its port is taken, this fails before any Prism is running.
const receiver = await startReceiver({ port: RECEIVER_PORT, print: (line) => console.log(line) });
let mocks;
try {
  mocks = await startMocks({ ports: MOCK_PORTS });
} catch (err) {
  await receiver.close();
  throw err;
}
for (const [name, url] of Object.entries(mocks.urls)) console.log(`mock ${name.padEnd(18)} ${url} (prism pid ${mocks.prismPids[name]})`);
console.log(`mock ${'event receiver'.padEnd(18)} ${receiver.url} (the demo app's webhook_url; GET /__receiver/demo-app lists what arrived)`);
const shutdown = async () => {
  await Promise.all([mocks.stop(), receiver.close()]);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
