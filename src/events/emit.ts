import type { Env } from '../env';
import type { EventMessage, EventType } from '../queues/messages';

export type { EventMessage, EventType };

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
