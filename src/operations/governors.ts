import { configOf } from '../config';
import type { Env } from '../env';
import { governorFor } from '../governor/access';
import type { ProviderName } from '../providers/names';
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

/** Lifts a provider credential's pause (and with `daily`, its daily counts), for the operator. */
export async function resumeGovernor(env: Env, provider: ProviderName, daily: boolean): Promise<GovernorsResponse['governors'][number]> {
  await (await governorFor(env, provider)).resume(daily);
  const { governor } = configOf(env);
  return { provider, rate: governor.rate[provider], enabled: governor.on, ...(await (await governorFor(env, provider)).state()) };
}
