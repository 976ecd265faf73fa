import { type Config, configOf } from '../config';
import type { Env } from '../env';
import { governorFor } from '../governor/access';
import { Problem } from '../http/problem';
import { fetchWithRetry } from '../net/retry';
import { PROVIDER_LABELS } from '../providers/names';
import { type ConnectionId, connectionKey } from '../storage/keys';
import { accessToken, noteProviderUserId, vaultFor } from '../tokens/access';
import { AppBudget, governsPauses, throughGovernor } from './governed';
import { throughCircuit } from './guard';
import { type CallOutcome, failureBrokenOff, failureNetwork, failureOf, tokenProblem } from './outcome';
import { RateBudget } from './rate-budget';
import { TimeBudget } from './time-budget';

export type { CallOutcome, NotSent } from './outcome';

export interface CallOptions {
  /** Extra request headers (an app API key, say). */
  headers?: Record<string, string>;
  /** Attempts in all; 1 where a retry would only spend a rate budget (X follows) or repeat a write. */
  attempts?: number;
}

/**
 * Authorized calls to one provider for one connection, for one request. It holds the access
 * token; a 401 gets exactly one forced refresh (shared with every concurrent caller through the
 * TokenVault) and one retry. Each call also passes the request's time budget (time-budget.ts),
 * the provider's circuit (guard.ts) and the retry policy (net/retry.ts); the connection's own
 * rate budgets are `budget` (rate-budget.ts); answers become problems in outcome.ts.
 */
export class UpstreamSession {
  private token = '';
  private me: string | null = null;
  readonly config: Config;
  readonly time: TimeBudget;
  readonly budget: RateBudget;
  /** The app's own counters at the provider (X's daily follows per app), in the credential's Governor. */
  readonly appBudget: AppBudget;

  private constructor(
    readonly env: Env,
    readonly id: ConnectionId,
  ) {
    this.config = configOf(env);
    this.time = new TimeBudget(this.config.requestBudgetMs);
    this.budget = new RateBudget(env, id);
    this.appBudget = new AppBudget({ env, provider: id.provider });
  }

  /** A session with a usable token, or a Problem (404 not connected, 409 reauth, 503...). */
  static async open(env: Env, id: ConnectionId): Promise<UpstreamSession> {
    const session = new UpstreamSession(env, id);
    const result = await accessToken(env, id);
    if (!result.ok) throw tokenProblem(result, id);
    session.token = result.token;
    session.me = result.providerUserId;
    return session;
  }

  get label(): string {
    return PROVIDER_LABELS[this.id.provider];
  }

  /**
   * The user's own id at the provider (X and Audius paths need it): kept with the connection,
   * resolved with `resolve` the first time and remembered by the vault from then on.
   */
  async providerUserId(resolve: () => Promise<string>): Promise<string> {
    if (this.me) return this.me;
    const me = await resolve();
    await vaultFor(this.env, this.id).rememberProviderUserId(me);
    noteProviderUserId(this.id, me);
    this.me = me;
    return me;
  }

  async call(method: string, url: string, body?: unknown, options: CallOptions = {}): Promise<CallOutcome> {
    if (this.time.outOfTime()) return this.time.notSent(this.label);
    const send = () =>
      throughCircuit(
        url,
        this.label,
        connectionKey(this.id),
        () => this.authorized(method, url, body, options),
        async (state, until) => (await governorFor(this.env, this.id.provider)).noteCircuit(state, until),
      );
    const { governor } = this.config;
    if (!governor.on) return send();
    const { env, time, label } = this;
    return throughGovernor({ env, time, label, provider: this.id.provider, app: this.id.app, rate: governor.rate[this.id.provider] }, send);
  }

  /** A GET whose failure fails the whole request (lists, profiles), as the problem it made. */
  async getJson<T>(url: string, options: CallOptions = {}): Promise<T> {
    const outcome = await this.call('GET', url, undefined, options);
    if (!outcome.ok) throw Problem.fromBody(outcome.problem, outcome.retryAfter);
    return outcome.json as T;
  }

  /** The call with the session's token; after a 401, once more with a refreshed one. */
  private async authorized(method: string, url: string, body: unknown, options: CallOptions): Promise<CallOutcome> {
    let token = this.token;
    let res = await this.send(method, url, token, body, options);
    if (res.kind === 'response' && res.response.status === 401) {
      await res.response.body?.cancel();
      const renewed = await accessToken(this.env, this.id, token);
      if (!renewed.ok) return { ok: false, problem: tokenProblem(renewed, this.id).body() };
      token = this.token = renewed.token;
      res = await this.send(method, url, token, body, options);
    }
    if (res.kind === 'network' && res.cutOff) return this.time.cutOff(this.label);
    if (res.kind === 'network') return { ok: false, problem: failureNetwork(this.label, res.detail, res.attempts) };
    const response = res.response;
    let text: string;
    try {
      text = await response.text();
    } catch {
      return { ok: false, problem: failureBrokenOff(this.label) };
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) return { ok: true, status: response.status, json, headers: response.headers };
    return { ...failureOf(this.label, response, json, res.attempts), headers: response.headers };
  }

  private send(method: string, url: string, token: string, body: unknown, options: CallOptions) {
    const headers: Record<string, string> = { ...options.headers, authorization: `Bearer ${token}`, accept: 'application/json' };
    // Tests only: the dev entry sets it from x-test-prefer; a deployment never has it.
    if (this.config.upstreamPrefer) headers.prefer = this.config.upstreamPrefer;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetchWithRetry(
      url,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
      {
        budgetMs: this.time.callBudgetMs(),
        minAttemptMs: this.time.minCallMs,
        // Where a 429 pauses the credential, waiting it out here would only add to the penalty.
        retry429: !(this.config.governor.on && governsPauses(this.id.provider)),
        ...(options.attempts ? { attempts: options.attempts } : {}),
      },
    );
  }
}
