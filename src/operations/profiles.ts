import type { Env } from '../env';
import { Problem } from '../http/problem';
import { providerFor } from '../providers/registry';
import type { NormalizedProfile } from '../providers/types';
import { UpstreamSession } from '../upstream/session';
import type { Target } from './follows';

/** The user's own profile on the provider, normalized. */
export async function profileOf(env: Env, target: Target, raw: boolean): Promise<{ provider: Target['provider']; profile: NormalizedProfile }> {
  const provider = providerFor(target.provider);
  if (!provider.profile)
    throw new Problem(422, 'unsupported-operation', `${provider.name} has no profile operation.`, { provider: provider.name, operation: 'profile' });
  const session = await UpstreamSession.open(env, target);
  return { provider: provider.name, profile: await provider.profile(session, raw) };
}
