import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain JavaScript
import { startFaults } from '../../mocks/faults.mjs';
// @ts-expect-error the harness is plain JavaScript shared with `npm start`
import { startMocks } from '../../mocks/harness.mjs';
// @ts-expect-error plain JavaScript
import { startReceiver } from '../../mocks/receiver.mjs';
import { expectDroppedConnection } from './log-noise';

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamVars: Record<string, string>;
    mockUrls: Record<string, string>;
  }
}

/** A port nothing listens on, for deliveries that find no one: free a moment ago, and the kernel rarely hands the same ephemeral port out twice in a run. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One Prism a contract, behind recording proxies, on free ports for the whole run. */
export default async function setup(project: TestProject) {
  const mocks = await startMocks();
  const receiver = await startReceiver();
  const faults = await startFaults({ onDrop: expectDroppedConnection });
  const closed = `http://127.0.0.1:${await closedPort()}`;
  project.provide('upstreamVars', { ...mocks.vars, X_AUTHORIZE_URL: `${mocks.vars.X_API_URL}/i/oauth2/authorize` });
  project.provide('mockUrls', { ...mocks.urls, receiver: receiver.url, faults: faults.url, closed });
  return async () => {
    await receiver.close();
    await faults.close();
    await mocks.stop();
  };
}
