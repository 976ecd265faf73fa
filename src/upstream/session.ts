import type { Env } from '../env';
import { Problem, type ProblemBody, problemBody } from '../http/problem';
import { accessToken, noteProviderUserId, vaultFor } from '../tokens/access';
import { connectionKey } from '../storage/keys';
import { PROVIDER_LABELS } from '../providers/names';
import type { BudgetGrant, ConnectionId, TokenResult } from '../tokens/types';
import { circuitFor } from '../net/circuit';
import { fetchWithRetry, isRetryableStatus, parseRetryAfter } from '../net/retry';

export type CallOutcome =
  | { ok: true; status: number; json: unknown; headers: Headers }
  | { ok: false; problem: ProblemBody; retryAfter?: number; headers?: Headers; notSent?: NotSent };

/** Why a call never left crossfollow: the provider's circuit was open, or the request's time was up. */
export type NotSent = 'circuit-open' | 'time-budget';

/** Per-request time budget (REQUEST_BUDGET_MS, default 25 s): batches not started by then are deferred. */
export function requestBudgetMs(env: Env): number {
  const ms = Number(env.REQUEST_BUDGET_MS);
  return Number.isInteger(ms) && ms >= 100 && ms <= 300_000 ? ms : 25_000;
}

/** The longest one call (its retries included) may take, however much request time is left. */
const CALL_BUDGET_MS = 20_000;

/**
 * Less request time than this left, and a call (or a retry) is not started: it would most likely
 * be cut off mid-way and leave its items "may or may not have taken effect" instead of deferred.
 */
function minCallMs(env: Env): number {
  return Math.min(1000, Math.floor(requestBudgetMs(env) / 10));
}

export interface CallOptions {
  /** Extra request headers (an app API key on reads, say). */
  headers?: Record<string, string>;
  /** Attempts in all; 1 where a retry would only spend a rate budget (X follows). */
  attempts?: number;
}

/**
 * Authorized calls to one provider for one connection. Holds the access token for the
 * request; a 401 gets exactly one forced refresh (shared with every concurrent caller via the
 * TokenVault) and one retry.
 */
export class UpstreamSession {
  private token = '';
  private me: string | null = null;
  /** When this request's time is up (epoch ms): no call starts after it, none runs past it. */
  readonly deadline: number;

  private constructor(
    readonly env: Env,
    readonly id: ConnectionId,
  ) {
    this.deadline = Date.now() + requestBudgetMs(env);
  }

  /** Milliseconds left of the request's time budget. */
  timeLeft(): number {
    return this.deadline - Date.now();
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

  /** Takes up to `want` calls from this connection's budget `bucket` (see TokenVault.reserve). */
  reserve(bucket: string, want: number, limit: number, windowMs: number) {
    return vaultFor(this.env, this.id).reserve(bucket, want, limit, windowMs);
  }

  /** Gives back budget slots of calls that were never sent (see TokenVault.release); best effort. */
  async release(bucket: string, count: number, from: Omit<BudgetGrant, 'granted'>, limit: number): Promise<void> {
    try {
      await vaultFor(this.env, this.id).release(bucket, count, from, limit);
    } catch {
      // Losing a release only leaves the window a little shorter than it could be.
    }
  }

  /** Tells the budget what the provider's rate-limit headers said; best effort, never fails a call. */
  async observe(bucket: string, remaining: number, resetAt: number): Promise<void> {
    try {
      await vaultFor(this.env, this.id).observe(bucket, remaining, resetAt);
    } catch {
      // The next reserve() still holds the line; a lost observation only costs precision.
    }
  }

  /** Whether too little of the request's time is left to start a call. */
  private outOfTime(): boolean {
    return this.timeLeft() < minCallMs(this.env);
  }

  private notSentForTime(): CallOutcome {
    const budget = Math.round(requestBudgetMs(this.env) / 1000);
    return {
      ok: false,
      notSent: 'time-budget',
      retryAfter: 1,
      problem: problemBody(503, 'time-budget-exceeded', `The request's time budget (${budget} s) ran out before this call to ${this.label} was sent; nothing was sent for it.`, { retry_after: 1 }),
    };
  }

  async call(method: string, url: string, body?: unknown, options: CallOptions = {}): Promise<CallOutcome> {
    if (this.outOfTime()) return this.notSentForTime();
    const circuit = circuitFor(new URL(url).origin);
    const admitted = circuit.admit();
    if (!admitted.ok) {
      return {
        ok: false,
        notSent: 'circuit-open',
        retryAfter: admitted.retryAfter,
        problem: problemBody(503, 'upstream-unavailable', `${this.label} kept failing; crossfollow is holding calls back for ${admitted.retryAfter} s instead of adding load.`, { retry_after: admitted.retryAfter }),
      };
    }
    const source = connectionKey(this.id);
    let outcome: CallOutcome;
    try {
      outcome = await this.callAdmitted(method, url, body, options);
    } catch (err) {
      circuit.failure(source);
      throw err;
    }
    // What the provider itself did: a network failure or a 5xx is a failure, a 429 says nothing
    // about its health, and a refresh that failed is the token endpoint's, not this API's. A call
    // this request cut off (or never sent) says nothing either: a slow but healthy provider must
    // not be shut off for every user because one request ran out of time.
    const upstream = outcome.ok ? null : outcome.problem.upstream_status;
    const network = !outcome.ok && upstream === undefined && outcome.problem.network === true;
    if (network || (typeof upstream === 'number' && upstream >= 500)) circuit.failure(source);
    else if (outcome.ok || (typeof upstream === 'number' && upstream !== 429)) circuit.success();
    else circuit.abandon();
    return outcome;
  }

  /** A GET whose failure fails the whole request (lists, profiles), as the problem it made. */
  async getJson<T>(url: string, options: CallOptions = {}): Promise<T> {
    const outcome = await this.call('GET', url, undefined, options);
    if (!outcome.ok) throw Problem.fromBody(outcome.problem, outcome.retryAfter);
    return outcome.json as T;
  }

  private async callAdmitted(method: string, url: string, body: unknown, options: CallOptions): Promise<CallOutcome> {
    let token = this.token;
    let res = await this.send(method, url, token, body, options);
    if (res.kind === 'response' && res.response.status === 401) {
      await res.response.body?.cancel();
      const renewed = await accessToken(this.env, this.id, token);
      if (!renewed.ok) return { ok: false, problem: tokenProblem(renewed, this.id).body() };
      token = this.token = renewed.token;
      // The 401 means the first send did nothing; with too little time left the item can wait.
      if (this.outOfTime()) return this.notSentForTime();
      res = await this.send(method, url, token, body, options);
    }
    if (res.kind === 'network' && res.cutOff) {
      return {
        ok: false,
        retryAfter: 1,
        problem: problemBody(503, 'time-budget-exceeded', `${this.label} had not answered when the request's time budget ran out, so the call was cut off; a write may or may not have taken effect.`, { cut_off: true, retry_after: 1 }),
      };
    }
    if (res.kind === 'network') {
      return { ok: false, problem: problemBody(503, 'upstream-unavailable', `${this.label}: ${res.detail} (after ${res.attempts} attempts); a write may or may not have taken effect.`, { network: true }) };
    }
    const response = res.response;
    let text: string;
    try {
      text = await response.text();
    } catch {
      return { ok: false, problem: problemBody(503, 'upstream-unavailable', `${this.label}: the answer broke off before it was read; the call may or may not have taken effect.`) };
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) return { ok: true, status: response.status, json, headers: response.headers };
    return { ...this.failure(response, json, res.attempts), headers: response.headers };
  }

  private send(method: string, url: string, token: string, body: unknown, options: CallOptions) {
    const headers: Record<string, string> = { ...options.headers, authorization: `Bearer ${token}`, accept: 'application/json' };
    // Tests only: a var production never sets lets a test ask the mock for a given answer.
    if (this.env.CROSSFOLLOW_TEST_PREFER === 'on' && this.env.UPSTREAM_PREFER) headers.prefer = this.env.UPSTREAM_PREFER;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A call never outlives the request: its retries and its timeout end with the request's budget.
    const budgetMs = Math.max(1, Math.min(CALL_BUDGET_MS, this.timeLeft()));
    return fetchWithRetry(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, { budgetMs, minAttemptMs: minCallMs(this.env), ...(options.attempts ? { attempts: options.attempts } : {}) });
  }

  private failure(response: Response, json: unknown, attempts: number): CallOutcome {
    const status = response.status;
    const message = upstreamMessage(json);
    const said = `${this.label} answered ${status}${message ? ` (${message})` : ''}`;
    if (isRetryableStatus(status)) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      return {
        ok: false,
        retryAfter,
        problem: problemBody(503, 'upstream-unavailable', `${said} after ${attempts} attempts; retry later.`, { upstream_status: status, retry_after: retryAfter }),
      };
    }
    if (status === 401) {
      return { ok: false, problem: problemBody(409, 'reauth-required', `${said} even with a freshly refreshed token; connect the user again.`, { upstream_status: status }) };
    }
    const hint = status === 403 ? ' The token may lack a scope this operation needs; reconnect with the scopes in the README.' : '';
    return { ok: false, problem: problemBody(502, 'upstream-error', `${said}.${hint}`, { upstream_status: status }) };
  }
}

function upstreamMessage(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const err = (json as { error?: unknown }).error;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return undefined;
}

export function tokenProblem(result: Extract<TokenResult, { ok: false }>, id: ConnectionId): Problem {
  const who = `user '${id.user}' on ${PROVIDER_LABELS[id.provider]}`;
  switch (result.reason) {
    case 'not_connected':
      return new Problem(404, 'not-connected', `No connection for ${who}. Import tokens with PUT /v1/users/${id.user}/connections/${id.provider}.`);
    case 'reauth_required':
      return new Problem(409, 'reauth-required', `The connection for ${who} needs the user to connect again: ${result.detail}`);
    case 'misconfigured':
      return new Problem(500, 'misconfigured', result.detail);
    case 'unavailable': {
      const after = result.retryAfter ?? 5;
      return new Problem(503, 'upstream-unavailable', `Could not refresh the token for ${who}: ${result.detail}`, { retry_after: after }, { 'retry-after': String(after) });
    }
  }
}
