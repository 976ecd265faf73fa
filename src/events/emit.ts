import type { Env } from '../env';
import type { ProviderName } from '../tokens/token-endpoint';

export type EventType = 'connection.created' | 'connection.reauth_required' | 'connection.deleted' | 'batch.completed';

/** One event as queued: delivered to the app's webhook URL, signed, with retries. */
export interface EventMessage {
  id: string;
  app: string;
  type: EventType;
  timestamp: string;
  /** `{user, provider, …}` for connection events; `{batch_id, results}` for batch.completed. */
  data: { user?: string; provider?: ProviderName; [detail: string]: unknown };
}

/**
 * Queues an event for the app. Delivery (and its retries) happens in the queue consumer, so a
 * receiver that is down never slows or fails the request that caused the event. Sending never
 * throws (the user's action already happened); it says whether the queue took the event, so a
 * caller that can retry (the actions consumer) does.
 */
export async function emit(env: Env, app: string, type: EventType, data: EventMessage['data']): Promise<boolean> {
  const message: EventMessage = { id: `evt_${crypto.randomUUID().replaceAll('-', '')}`, app, type, timestamp: new Date().toISOString(), data };
  try {
    await env.EVENTS.send(message);
    return true;
  } catch (err) {
    console.error(JSON.stringify({ msg: 'event not queued', type, name: err instanceof Error ? err.name : typeof err }));
    return false;
  }
}
