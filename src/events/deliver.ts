import { Webhook } from 'standardwebhooks';
import { type AppSettings, readSettings } from '../auth/settings';
import type { Env } from '../env';
import type { EventMessage } from '../queues/messages';
import { type DeliveryAttempt, deliveryLogFor } from './delivery-log';

/**
 * The `crossfollow-events` consumer's retry settings in wrangler.toml, which the worker cannot
 * read at run time; test/contract/events.test.ts fails when the two disagree.
 */
export const EVENTS_QUEUE = { maxRetries: 8, deadLetterQueue: 'crossfollow-events-dlq' } as const;

/** How long one delivery attempt may take. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** Backoff between delivery attempts: 10 s, 20 s, 40 s … at most 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Why a fetch failed, in words safe for a log: runtime messages can quote the URL (whose path or
 * query may carry a secret), so only known causes are named, and anything else by its error name.
 */
export function fetchFailure(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  const message = err instanceof Error ? err.message : '';
  if (name === 'TimeoutError') return `timeout after ${ATTEMPT_TIMEOUT_MS / 1000} s`;
  if (/refused/i.test(message)) return 'connection refused';
  // workerd says this both when nothing listens on the port and when the receiver hangs up.
  if (/network connection lost/i.test(message)) return 'connection refused or lost';
  // workerd's answer to a host that does not resolve (its message is only a reference).
  if (/^internal error/i.test(message)) return 'network error (does the host resolve?)';
  return `fetch failed (${name})`;
}

/** Host and port only: the path and query of a webhook URL may carry the receiver's secret. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unparseable URL';
  }
}

/**
 * One line per failed attempt, so that a wrong or dead webhook_url shows in the logs and not only
 * as a queue backlog: what failed, why, and when it is tried again — or that it was the last try
 * and the event now waits in the dead-letter queue.
 */
function logFailure(message: Message<EventMessage>, host: string | null, reason: string, fix: string): void {
  const event = message.body;
  const last = isLastAttempt(message);
  const next = last ? { dead_letter: EVENTS_QUEUE.deadLetterQueue } : { next_attempt: new Date(nextAttemptAt(message)).toISOString() };
  console.warn(
    JSON.stringify({
      msg: last ? 'event delivery failed; no retry left, kept in the dead-letter queue' : 'event delivery failed; will retry',
      app: event.app,
      type: event.type,
      event: event.id,
      host,
      reason,
      attempt: message.attempts,
      max_attempts: EVENTS_QUEUE.maxRetries + 1,
      ...next,
      fix,
    }),
  );
}

const isLastAttempt = (message: Message<EventMessage>) => message.attempts > EVENTS_QUEUE.maxRetries;
const nextAttemptAt = (message: Message<EventMessage>) => Date.now() + retryDelaySeconds(message.attempts) * 1000;

/** What one attempt came to, for the app's DeliveryLog. */
function attemptOf(message: Message<EventMessage>, outcome: { ok: true } | { ok: false; reason: string; host: string | null } | 'no_webhook'): DeliveryAttempt {
  const base = { eventId: message.body.id, type: message.body.type, attempt: message.attempts, at: Date.now() };
  if (outcome === 'no_webhook') return { ...base, status: 'no_webhook', reason: null, host: null, nextAttemptAt: null };
  if (outcome.ok) return { ...base, status: 'delivered', reason: null, host: null, nextAttemptAt: null };
  const last = isLastAttempt(message);
  return {
    ...base,
    status: last ? 'dead_lettered' : 'failed',
    reason: outcome.reason,
    host: outcome.host,
    nextAttemptAt: last ? null : nextAttemptAt(message),
  };
}

/** Writes the batch's attempts to each app's DeliveryLog; a failure there is logged, never retried (the log only observes). */
async function recordAttempts(env: Env, attempts: Map<string, DeliveryAttempt[]>): Promise<void> {
  await Promise.all(
    [...attempts].map(async ([app, list]) => {
      try {
        await deliveryLogFor(env, app).record(list);
      } catch (err) {
        console.warn(JSON.stringify({ msg: 'delivery log not written', app, attempts: list.length, name: err instanceof Error ? err.name : typeof err }));
      }
    }),
  );
}

const checkUrl = (app: string) => `check that the receiver is up, and webhook_url with PUT /admin/apps/${app}/settings`;

/**
 * The queue consumer: posts each event to its app's webhook URL, signed the Standard Webhooks
 * way with the app's newest secret. A failure is logged and retried with backoff; after the
 * queue's max_retries the message lands in the dead-letter queue, so an event is never dropped.
 */
export async function deliverEvents(batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  const attempts = new Map<string, DeliveryAttempt[]>();
  const note = (message: Message<EventMessage>, outcome: Parameters<typeof attemptOf>[1]) => {
    const list = attempts.get(message.body.app) ?? [];
    list.push(attemptOf(message, outcome));
    attempts.set(message.body.app, list);
  };
  for (const message of batch.messages) {
    const event = message.body;
    const retry = (host: string | null, reason: string, fix: string) => {
      logFailure(message, host, reason, fix);
      note(message, { ok: false, reason, host });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    };
    let settings: AppSettings;
    try {
      settings = await readSettings(env, event.app);
    } catch {
      // Misconfigured (a secret's key left TOKEN_KEYS): kept, and in the end dead-lettered.
      retry(null, 'settings unreadable', `put the removed key back in TOKEN_KEYS, or rotate the event secret with PUT /admin/apps/${event.app}/settings`);
      continue;
    }
    if (!settings.webhook_url) {
      message.ack(); // nobody listens: nothing to deliver
      note(message, 'no_webhook');
      continue;
    }
    const payload = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
    const now = new Date();
    // Signed with every live event secret, so a receiver still on the previous one verifies too.
    const signature = settings.event_secrets.map((secret) => new Webhook(secret).sign(event.id, now, payload)).join(' ');
    const timestamp = String(Math.floor(now.getTime() / 1000));
    let reason: string;
    try {
      const res = await fetch(settings.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': event.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
        body: payload,
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) {
        message.ack();
        note(message, { ok: true });
        continue;
      }
      reason = `HTTP ${res.status}`;
    } catch (err) {
      reason = fetchFailure(err); // down or slow
    }
    retry(hostOf(settings.webhook_url), reason, checkUrl(event.app));
  }
  await recordAttempts(env, attempts);
}
