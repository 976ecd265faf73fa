import type { TestProject } from 'vitest/node';
// @ts-expect-error the harness is plain JavaScript shared with `npm start`
import { startMocks } from '../../mocks/harness.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamVars: Record<string, string>;
    mockUrls: Record<string, string>;
  }
}

/** One Prism a contract, behind recording proxies, on free ports for the whole run. */
export default async function setup(project: TestProject) {
  const mocks = await startMocks();
  project.provide('upstreamVars', mocks.vars);
  project.provide('mockUrls', mocks.urls);
  return () => mocks.stop();
}
