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

/** One Prism a contract, behind recording proxies, on free ports for the whole run. */
export default async function setup(project: TestProject) {
  const mocks = await startMocks();
  const receiver = await startReceiver();
  const faults = await startFaults({ onDrop: expectDroppedConnection });
  project.provide('upstreamVars', { ...mocks.vars, X_AUTHORIZE_URL: `${mocks.vars.X_API_URL}/i/oauth2/authorize` });
  project.provide('mockUrls', { ...mocks.urls, receiver: receiver.url, faults: faults.url });
  return async () => {
    await receiver.close();
    await faults.close();
    await mocks.stop();
  };
}
