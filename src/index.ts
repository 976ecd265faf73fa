import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { adminAuth } from './auth/admin';
import { apiKeyAuth } from './auth/middleware';
import { isLocalDemo, seedDemo } from './demo';
import type { AppEnv, Env } from './env';
import { deliverEvents } from './events/deliver';
import type { EventMessage } from './events/emit';
import { type ActionBatch, runQueuedActions } from './hooks/actions';
import { Problem } from './http/problem';
import { idempotencyKey } from './idempotency/middleware';
import { KeyringError } from './tokens/crypto';
import { problemOnInvalid } from './http/validation';
import { admin } from './routes/admin';
import { connections } from './routes/connections';
import { docs } from './routes/docs';
import { oauth } from './routes/oauth';
import { hooks } from './routes/hooks';
import { follows } from './routes/follows';
import { library } from './routes/library';
import { profiles } from './routes/profiles';

/** The largest request body accepted. */
const MAX_BODY_BYTES = 128 * 1024;

export { IdempotencyStore } from './idempotency/store';
export { OAuthState } from './oauth/state';
export { TokenVault } from './tokens/vault';

const app = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

app.use('*', secureHeaders());
// Bodies are small (1000 ids fit in ~40 KiB): a larger one is refused before it is read, with or
// without Content-Length.
app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => new Problem(413, 'payload-too-large', `Bodies are at most ${MAX_BODY_BYTES / 1024} KiB; send fewer ids per request.`).toResponse() }));
app.use('*', async (c, next) => {
  if (isLocalDemo(c.env)) await seedDemo(c.env);
  await next();
});

app.get('/', (c) => c.json({ name: 'crossfollow', openapi: '/openapi.json', docs: '/docs' }));
app.use('/v1/users/*', apiKeyAuth());
app.use('/v1/connections/*', apiKeyAuth());
app.use('/v1/users/*', idempotencyKey());
// Tests only, and only for authenticated calls: `x-test-prefer` picks the mock's answer.
app.use('/v1/users/*', async (c, next) => {
  const prefer = c.req.header('x-test-prefer');
  if (c.env.CROSSFOLLOW_TEST_PREFER === 'on' && prefer) c.env = { ...c.env, UPSTREAM_PREFER: prefer };
  await next();
});
app.route('/', follows);
app.route('/', library);
app.route('/', profiles);
app.route('/', connections);
app.route('/', oauth);
app.route('/', hooks);
app.use('/admin/*', adminAuth());
app.route('/', admin);

app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'crossfollow',
    version: '1.0.0',
    description: 'Follow, unfollow, check and list follows, and save, remove, check and list library items, for your users on Spotify, X and Audius — with their tokens held encrypted.',
  },
  security: [{ apiKey: [] }],
});
app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'Your app API key' });
app.route('/', docs);

app.notFound((c) => new Problem(404, 'not-found', `No route ${c.req.method} ${new URL(c.req.url).pathname}. See /openapi.json.`).toResponse());

app.onError((err, c) => {
  if (err instanceof Problem) return err.toResponse();
  if (err instanceof KeyringError) return new Problem(500, 'misconfigured', err.message).toResponse();
  if (err instanceof HTTPException) {
    if (err.status === 400 && /JSON/i.test(err.message)) return new Problem(400, 'malformed-json', 'The body is not valid JSON; send a JSON object.').toResponse();
    return new Problem(err.status, err.status === 401 ? 'unauthorized' : 'validation-error', err.message).toResponse();
  }
  // Never echo the error: it may hold upstream text. The log line carries no token either.
  console.error(JSON.stringify({ msg: 'unhandled error', path: new URL(c.req.url).pathname, name: err instanceof Error ? err.name : typeof err }));
  return new Problem(500, 'internal-error', 'An unexpected error happened; it was logged without request data.').toResponse();
});

/** The Hono app itself, for tests that compare its routes with its OpenAPI document. */
export { app };

export default {
  fetch: app.fetch,
  /** Two queues, one consumer: outbound events, and hook actions sent with async=1. */
  queue: (batch: MessageBatch<EventMessage | ActionBatch>, env: Env) =>
    batch.queue.startsWith('crossfollow-actions') ? runQueuedActions(batch as MessageBatch<ActionBatch>, env) : deliverEvents(batch as MessageBatch<EventMessage>, env),
} satisfies ExportedHandler<Env, EventMessage | ActionBatch>;
