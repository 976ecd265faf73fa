/**
 * Each call through its credential's Governor (src/governor/): held back while the credential is
 * paused (its items deferred, no call made), paced to the credential's rate, and a 429 reported
 * so that it pauses every user's calls, in every isolate.
 */
import { emit } from '../events/emit';
import { governorFor } from '../governor/access';
import { type Admission, DEFAULT_PAUSE_MS } from '../governor/governor';
import { problemBody } from '../http/problem';
import type { ProviderName } from '../providers/names';
import type { CallFailure, CallOutcome, HeldBack } from './outcome';
import type { TimeBudget } from './time-budget';

/**
 * Providers whose 429 is the app's, so a pause holds everyone back. X's 429s on follows are the
 * user's own 50 per 15 minutes (kept per user, providers/x); its app limit is the daily count.
 */
const PAUSES: ReadonlySet<ProviderName> = new Set(['spotify', 'audius']);

export const governsPauses = (provider: ProviderName) => PAUSES.has(provider);

export interface Governed {
  env: Parameters<typeof governorFor>[0];
  provider: ProviderName;
  app: string;
  label: string;
  rate: number;
  time: TimeBudget;
}

/** A call the Governor kept back, or the provider refused for a rate limit: its items wait until `until`. */
export function heldBack(label: string, held: HeldBack): CallFailure {
  const retryAfter = Math.max(1, Math.ceil((held.until - Date.now()) / 1000));
  const detail = {
    'rate-limited': `${label} is rate limiting this app; crossfollow holds every user's calls back for ${retryAfter} s instead of making the penalty longer.`,
    'quota-exceeded': `${label} says this app's quota is used up (QUOTA_EXCEEDED); every user's calls wait ${retryAfter} s. Ask the provider for a higher quota.`,
    paced: `Calls to ${label} are paced; this one's turn comes in ${retryAfter} s, after this request's time.`,
  }[held.reason];
  const slug = held.reason === 'quota-exceeded' ? 'quota-exceeded' : 'upstream-unavailable';
  return { ok: false, retryAfter, heldBack: held, problem: problemBody(503, slug, detail, { retry_after: retryAfter, reason: held.reason }) };
}

function refused(label: string, admission: Extract<Admission, { ok: false }>): CallFailure {
  // A call waiting on the probe waits like any paused one: the probe's answer decides.
  return heldBack(label, { until: admission.until, reason: admission.reason === 'probing' ? 'rate-limited' : admission.reason });
}

/** What a paced call may wait for its turn: it still needs this much of the request's time to run. */
const callReserveMs = (time: TimeBudget) => Math.min(10_000, time.budgetMs / 2);

export async function throughGovernor(g: Governed, call: () => Promise<CallOutcome>): Promise<CallOutcome> {
  let stub: Awaited<ReturnType<typeof governorFor>>;
  let admission: Admission;
  try {
    stub = await governorFor(g.env, g.provider);
    admission = await stub.admit({ rate: g.rate, maxWaitMs: Math.max(0, g.time.timeLeft() - callReserveMs(g.time)) });
  } catch {
    // A Governor that cannot be reached must not stop every call: the provider's own limit
    // still holds, the next call asks again, and a 429 still defers its items.
    const outcome = await call();
    return limitedBy(g, outcome) ? heldBack(g.label, { until: pauseEnd(outcome), reason: 'rate-limited' }) : outcome;
  }
  if (!admission.ok) return refused(g.label, admission);
  if (admission.waitMs > 0) {
    await new Promise((r) => setTimeout(r, admission.waitMs));
    // A pause may have begun while this call waited its turn: then it is not sent at all.
    const meanwhile = await stub.stillClear(admission.epoch).catch(() => null);
    if (meanwhile && !meanwhile.ok) return refused(g.label, meanwhile);
  }
  const outcome = await call();
  const limited = limitedBy(g, outcome);
  if (!limited && !admission.probe) return outcome;
  const quota = !outcome.ok && outcome.problem.type.endsWith(':quota-exceeded');
  const upstreamStatus = outcome.ok ? outcome.status : outcome.problem.upstream_status;
  const status = typeof upstreamStatus === 'number' ? upstreamStatus : 0;
  const unsent = !outcome.ok && outcome.notSent !== undefined;
  const reported = await stub
    .report({ status: limited ? 429 : status, retryAfter: retryAfterOf(outcome), quota, probe: admission.probe, unsent })
    .catch(() => null);
  if (!limited) return outcome;
  const until = reported?.until || pauseEnd(outcome);
  if (reported?.quota) await emit(g.env, g.app, 'provider.quota_exceeded', { provider: g.provider, paused_until: new Date(until).toISOString() });
  return heldBack(g.label, { until, reason: quota ? 'quota-exceeded' : 'rate-limited' });
}

const limitedBy = (g: Governed, outcome: CallOutcome) => !outcome.ok && outcome.problem.upstream_status === 429 && PAUSES.has(g.provider);
const retryAfterOf = (outcome: CallOutcome) => (outcome.ok ? undefined : outcome.retryAfter);
/** When a 429's pause ends if the Governor did not say: its Retry-After, or the Governor's own default. */
const pauseEnd = (outcome: CallOutcome) => {
  const after = retryAfterOf(outcome);
  return Date.now() + (after !== undefined ? after * 1000 : DEFAULT_PAUSE_MS);
};

/**
 * Counters the provider keeps per app, in the credential's Governor (X: 1,000 follows a day per
 * app). Best effort the other way: a Governor that cannot be reached grants, since the provider's
 * own count still holds.
 */
export class AppBudget {
  constructor(private readonly g: Pick<Governed, 'env' | 'provider'>) {}

  async reserve(counter: string, want: number, limit: number, windowMs: number): Promise<{ granted: number; resetAt: number }> {
    if (want <= 0) return { granted: 0, resetAt: Date.now() + windowMs };
    try {
      return await (await governorFor(this.g.env, this.g.provider)).reserveDaily(counter, want, limit, windowMs);
    } catch {
      return { granted: want, resetAt: Date.now() + windowMs };
    }
  }

  async release(counter: string, count: number, resetAt: number): Promise<void> {
    if (count <= 0) return;
    try {
      await (await governorFor(this.g.env, this.g.provider)).releaseDaily(counter, count, resetAt);
    } catch {
      // A lost release only leaves the day's count a little high.
    }
  }
}
