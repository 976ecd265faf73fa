/** Reaching the Governor of the credential a connection's calls go out with. */
import { configOf } from '../config';
import type { Env } from '../env';
import type { ProviderName } from '../providers/names';
import { objectNames } from '../storage/keys';
import type { Governor } from './governor';

const hashes = new Map<string, string>();

/** Hex SHA-256, shortened: a Durable Object name must not hold an API key. */
async function hashOf(text: string): Promise<string> {
  let hash = hashes.get(text);
  if (!hash) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    hash = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
    hashes.set(text, hash);
  }
  return hash;
}

/** The credential a provider's calls are counted under, and the API it is counted by. */
function credentialOf(env: Env, provider: ProviderName): { origin: string; id: string } {
  const c = configOf(env);
  if (provider === 'spotify') return { origin: new URL(c.spotify.apiUrl).origin, id: c.spotify.clientId ?? '' };
  if (provider === 'x') return { origin: new URL(c.x.apiUrl).origin, id: c.x.clientId ?? '' };
  return { origin: new URL(c.audius.apiUrl).origin, id: c.audius.apiKey ?? '' };
}

/**
 * The Governor stub for `provider`'s credential. The API origin is part of the name, so a test
 * (or a staging worker) pointed at another upstream never shares a pause with the real one.
 *
 * @example
 * const admission = await (await governorFor(env, 'spotify')).admit({ rate: 10, maxWaitMs: 2000 });
 */
export async function governorFor(env: Env, provider: ProviderName): Promise<DurableObjectStub<Governor>> {
  const { origin, id } = credentialOf(env, provider);
  const name = objectNames.governor(provider, await hashOf(`${origin}|${id}`));
  return env.GOVERNOR.get(env.GOVERNOR.idFromName(name));
}
