/**
 * The worker a deployment runs (wrangler.toml `main`): the app, the queue consumers and the
 * Durable Object classes. `npm start` and the tests run src/dev/entry.ts, which wraps this one.
 */
import { app } from './app';
import type { Env } from './env';
import { dispatchQueue } from './queues/dispatch';
import type { QueueMessages } from './queues/messages';

export { Campaign } from './campaigns/campaign';
export { ConnectionIndex } from './connections/connection-index';
export { DeliveryLog } from './events/delivery-log';
export { Governor } from './governor/governor';
export { IdempotencyStore } from './idempotency/store';
export { OAuthState } from './oauth/state';
export { TokenVault } from './tokens/vault';

export default {
  fetch: app.fetch,
  queue: dispatchQueue,
} satisfies ExportedHandler<Env, QueueMessages[keyof QueueMessages]>;
