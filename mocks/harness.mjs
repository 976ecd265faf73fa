// The offline upstreams: one Prism a contract, each behind a recording scenario proxy.
// Used by `npm start` (fixed ports) and by the tests' globalSetup (free ports).
import { startPrismOnFreePort } from './prism.mjs';
import { startProxy } from './proxy.mjs';

/** Upstream name → contract file and the Worker var that points at it. */
export const UPSTREAMS = {
  'spotify-api': { contract: 'spotify.yaml', envVar: 'SPOTIFY_API_URL' },
  'spotify-accounts': { contract: 'spotify-accounts.yaml', envVar: 'SPOTIFY_ACCOUNTS_URL' },
  'x-api': { contract: 'x.yaml', envVar: 'X_API_URL' },
  'audius-api': { contract: 'audius.yaml', envVar: 'AUDIUS_API_URL' },
};

/**
 * @param {{ ports?: Record<string, number> }} options proxy ports by upstream name; free ports when absent
 * @returns {Promise<{ vars: Record<string,string>, urls: Record<string,string>, prismPids: Record<string,number>, stop: () => Promise<void> }>}
 */
export async function startMocks({ ports = {} } = {}) {
  const started = [];
  // Every one is stopped even if another's stop fails or hangs, so no Prism outlives the harness.
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((s) => Promise.resolve().then(() => s.stop())));
  };
  try {
    const entries = await Promise.all(
      Object.entries(UPSTREAMS).map(async ([name, { contract, envVar }]) => {
        const prism = await startPrismOnFreePort(contract);
        started.push(prism);
        const proxy = await startProxy({ name, target: prism.url, contract, port: ports[name] ?? 0 });
        started.push({ stop: proxy.close });
        return { name, envVar, url: proxy.url, prismPid: prism.pid };
      }),
    );
    return {
      urls: Object.fromEntries(entries.map((e) => [e.name, e.url])),
      vars: Object.fromEntries(entries.map((e) => [e.envVar, e.url])),
      prismPids: Object.fromEntries(entries.map((e) => [e.name, e.prismPid])),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
