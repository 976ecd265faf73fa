import { configOf } from '../config';
import type { Env } from '../env';
import { governorFor } from '../governor/access';
import { PROVIDERS, type ProviderName } from '../providers/names';
import type { GovernorsResponse } from '../schemas/admin';

type GovernorEntry = GovernorsResponse['governors'][number];

/** One provider credential's Governor as the operator sees it: its settings and its state. */
async function entryOf(env: Env, provider: ProviderName): Promise<GovernorEntry> {
  const { governor } = configOf(env);
  return { provider, rate: governor.rate[provider], enabled: governor.on, ...(await (await governorFor(env, provider)).state()) };
}

/** Each provider credential's Governor state, for the operator. */
export async function governorStates(env: Env): Promise<GovernorsResponse> {
  return { governors: await Promise.all(PROVIDERS.map((provider) => entryOf(env, provider))) };
}

/** Lifts a provider credential's pause (and with `daily`, its daily counts), for the operator. */
export async function resumeGovernor(env: Env, provider: ProviderName, daily: boolean): Promise<GovernorEntry> {
  await (await governorFor(env, provider)).resume(daily);
  return entryOf(env, provider);
}
