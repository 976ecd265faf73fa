import { Webhook } from 'standardwebhooks';
import { type AppSettings, readSettings } from '../auth/settings';
import type { Env } from '../env';
import type { EventMessage } from '../queues/messages';

/** Backoff between delivery attempts: 10 s, 20 s, 40 s … at most 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The queue consumer: posts each event to its app's webhook URL, signed the Standard Webhooks
 * way with the app's newest secret. A failure is retried with backoff; after the queue's
 * max_retries the message lands in the dead-letter queue, so an event is never dropped.
 */
export async function deliverEvents(batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const event = message.body;
    let settings: AppSettings;
    try {
      settings = await readSettings(env, event.app);
    } catch {
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) }); // misconfigured: kept, and in the end dead-lettered
      continue;
    }
    if (!settings.webhook_url) {
      message.ack(); // nobody listens: nothing to deliver
      continue;
    }
    const payload = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
    const now = new Date();
    // Signed with every live event secret, so a receiver still on the previous one verifies too.
    const signature = settings.event_secrets.map((secret) => new Webhook(secret).sign(event.id, now, payload)).join(' ');
    const timestamp = String(Math.floor(now.getTime() / 1000));
    try {
      const res = await fetch(settings.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': event.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (res.ok) {
        message.ack();
        continue;
      }
    } catch {
      // Down or slow: retried below.
    }
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}
