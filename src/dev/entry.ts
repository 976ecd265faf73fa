/**
 * The worker as `npm start` and the tests run it: src/index.ts, plus two things a deployment
 * never carries (wrangler.toml `main` is src/index.ts, so neither is in its bundle):
 * - local demo mode (CROSSFOLLOW_LOCAL_DEMO=on with every upstream on loopback) seeds the demo
 *   app key and user before the first request;
 * - with CROSSFOLLOW_TEST_PREFER=on, a request's `x-test-prefer` header reaches the mocks as
 *   `Prefer` (Prism picks its answer), so tests can ask for a 503 or a 429.
 */
import type { Env } from '../env';
import worker from '../index';
import type { QueueMessages } from '../queues/messages';
import { isLocalDemo, seedDemo } from './demo';

export { Campaign, ConnectionIndex, DeliveryLog, Governor, IdempotencyStore, OAuthState, TokenVault } from '../index';

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (isLocalDemo(env)) await seedDemo(env);
    const prefer = request.headers.get('x-test-prefer');
    const scenario = env.CROSSFOLLOW_TEST_PREFER === 'on' && prefer ? { ...env, UPSTREAM_PREFER: prefer } : env;
    return worker.fetch(request, scenario, ctx);
  },
  queue: worker.queue,
} satisfies ExportedHandler<Env, QueueMessages[keyof QueueMessages]>;
