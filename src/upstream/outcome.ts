/** What one upstream call came to, and how a provider's answer becomes a problem. */
import { Problem, type ProblemBody, problemBody } from '../http/problem';
import { isRetryableStatus, parseRetryAfter } from '../net/retry';
import { PROVIDER_LABELS } from '../providers/names';
import type { ConnectionId } from '../storage/keys';
import type { TokenResult } from '../tokens/types';

/** Why a call never left crossfollow: the provider's circuit was open, or the request's time was up. */
export type NotSent = 'circuit-open' | 'time-budget';

/** Why a call's items wait: the credential's Governor held it back, or the provider refused it for a rate limit. */
export type HeldBack = { until: number; reason: 'rate-limited' | 'quota-exceeded' | 'paced' };

export type CallOutcome =
  | { ok: true; status: number; json: unknown; headers: Headers }
  | { ok: false; problem: ProblemBody; retryAfter?: number; headers?: Headers; notSent?: NotSent; heldBack?: HeldBack };

export type CallFailure = Extract<CallOutcome, { ok: false }>;

function upstreamMessage(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const err = (json as { error?: unknown }).error;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return undefined;
}

/** Spotify's development-mode quota 429 (since July 2026): `reason: "QUOTA_EXCEEDED"`, at the top or in `error`. */
function quotaExceeded(json: unknown): boolean {
  if (!json || typeof json !== 'object') return false;
  const o = json as { reason?: unknown; error?: { reason?: unknown } };
  return o.reason === 'QUOTA_EXCEEDED' || (typeof o.error === 'object' && o.error?.reason === 'QUOTA_EXCEEDED');
}

/** A provider's error answer as the item problem it makes: retry later (5xx, 429), reconnect (401), or refused. */
export function failureOf(label: string, response: Response, json: unknown, attempts: number): CallFailure {
  const status = response.status;
  const message = upstreamMessage(json);
  const said = `${label} answered ${status}${message ? ` (${message})` : ''}`;
  if (isRetryableStatus(status)) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    // Spotify's development-mode quota is the app's, not one user's: told apart, retried later all the same.
    const quota = status === 429 && quotaExceeded(json);
    return {
      ok: false,
      retryAfter,
      problem: problemBody(
        503,
        quota ? 'quota-exceeded' : 'upstream-unavailable',
        quota ? `${said}: the app's quota is used up (QUOTA_EXCEEDED); it is not one user's limit.` : `${said} after ${attempts} attempts; retry later.`,
        {
          upstream_status: status,
          retry_after: retryAfter,
        },
      ),
    };
  }
  if (status === 401) {
    return {
      ok: false,
      problem: problemBody(409, 'reauth-required', `${said} even with a freshly refreshed token; connect the user again.`, { upstream_status: status }),
    };
  }
  if (status === 404) {
    // The provider does not have it (an id that does not exist, a deleted account): that item's
    // outcome, not crossfollow's or the provider's fault; retrying will not help.
    return { ok: false, problem: problemBody(404, 'target-not-found', `${said}: it has no such item; check the id.`, { upstream_status: status }) };
  }
  const hint = status === 403 ? ' The token may lack a scope this operation needs; reconnect with the scopes in the README.' : '';
  return { ok: false, problem: problemBody(502, 'upstream-error', `${said}.${hint}`, { upstream_status: status }) };
}

/** The provider could not be reached or did not answer in time, after every attempt. */
export function failureNetwork(label: string, detail: string, attempts: number): ProblemBody {
  return problemBody(503, 'upstream-unavailable', `${label}: ${detail} (after ${attempts} attempts); a write may or may not have taken effect.`, {
    network: true,
  });
}

/** The answer broke off before it was read. */
export function failureBrokenOff(label: string): ProblemBody {
  return problemBody(503, 'upstream-unavailable', `${label}: the answer broke off before it was read; the call may or may not have taken effect.`);
}

/** Why no usable token could be had, as the problem the request answers. */
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
      return new Problem(
        503,
        'upstream-unavailable',
        `Could not refresh the token for ${who}: ${result.detail}`,
        { retry_after: after },
        { 'retry-after': String(after) },
      );
    }
  }
}
