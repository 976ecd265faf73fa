import { configOf } from '../config';
import type { Env } from '../env';
import { governorFor } from '../governor/access';
import { PROVIDERS } from '../providers/names';
import type { GovernorsResponse } from '../schemas/admin';

/** Each provider credential's Governor state, for the operator. */
export async function governorStates(env: Env): Promise<GovernorsResponse> {
  const { governor } = configOf(env);
  const governors = await Promise.all(
    PROVIDERS.map(async (provider) => ({
      provider,
      rate: governor.rate[provider],
      enabled: governor.on,
      ...(await (await governorFor(env, provider)).state()),
    })),
  );
  return { governors };
}
