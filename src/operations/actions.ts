import type { Env } from '../env';
import { emit } from '../events/emit';
import { Problem } from '../http/problem';
import type { ActionsMessage } from '../queues/messages';
import type { Action } from '../schemas/hooks';
import { runFollows } from './follows';
import { runLibrary } from './library';
import { deferredHeaders } from './results';

/** Runs each action as its route would, one result per action; a refused action fails alone. */
export async function runActions(env: Env, app: string, actions: Action[]) {
  const results = [];
  for (const action of actions) {
    const target = { app, user: action.user, provider: action.provider };
    const input = { type: action.type, ids: action.ids };
    const outcome = { op: action.op, user: action.user, provider: action.provider };
    try {
      const answer =
        action.op === 'follow' || action.op === 'unfollow' ? await runFollows(env, target, input, action.op) : await runLibrary(env, target, input, action.op);
      results.push({ ...outcome, status: 'done' as const, summary: answer.summary, results: answer.results });
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      results.push({ ...outcome, status: 'failed' as const, problem: err.body() });
    }
  }
  return results;
}

/**
 * Deferrals a resend cures: the app's pause, a paced turn, the request's time. Not the user's
 * own budget (X's 50 per 15 minutes, its daily caps): a resend repeats the whole hook, and its
 * repeated X follows would spend that budget again and never get past it.
 */
const RESEND = new Set(['rate-limited', 'quota-exceeded', 'paced', 'time-budget']);

/**
 * Whether a hook's sender should send it again, and when (seconds): an action that failed with a
 * 503 (the provider down or rate limiting) or whose items came back `deferred` (a rate limit, a
 * paced turn, the time budget) has not fully happened. The actions that ran are idempotent at
 * the provider, so a resend only does the rest. Null when everything happened.
 */
export function resendAfter(results: Awaited<ReturnType<typeof runActions>>): number | null {
  const unavailable = results.some((r) => r.status === 'failed' && r.problem.status === 503);
  const deferred = results.flatMap((r) => (r.status === 'done' ? r.results.filter((i) => i.status === 'deferred' && RESEND.has(i.reason ?? '')) : []));
  if (!unavailable && !deferred.length) return null;
  return Math.max(unavailable ? 30 : 1, Number(deferredHeaders(deferred)['retry-after'] ?? 0));
}

/**
 * The consumer of queued hook actions: runs them, then tells the app with batch.completed.
 * At-least-once: a crash after some actions ran repeats them on the retry, which is harmless
 * (follows and saves are idempotent at the providers); the event is sent only after all ran.
 */
export async function runQueuedActions(batch: MessageBatch<ActionsMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const { app, batch_id, actions } = message.body;
      const results = await runActions(env, app, actions);
      if (!(await emit(env, app, 'batch.completed', { batch_id, results }))) throw new Error('batch.completed not queued');
      message.ack();
    } catch {
      message.retry({ delaySeconds: 30 });
    }
  }
}
