/**
 * The Hono app, assembled: security headers, the body limit, authentication, the routes, the
 * OpenAPI document and the one error handler. The only module that imports src/routes/.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { adminAuth } from './auth/admin';
import { apiKeyAuth, type PublicRoute } from './auth/middleware';
import type { AppEnv } from './env';
import { Problem } from './http/problem';
import { problemOnInvalid } from './http/validation';
import { idempotencyKey } from './idempotency/middleware';
import { admin } from './routes/admin';
import { appViews } from './routes/app-views';
import { campaigns } from './routes/campaigns';
import { connections } from './routes/connections';
import { dashboard } from './routes/dashboard';
import { docs } from './routes/docs';
import { follows } from './routes/follows';
import { hooks } from './routes/hooks';
import { library } from './routes/library';
import { oauth } from './routes/oauth';
import { profiles } from './routes/profiles';
import { KeyringError } from './tokens/crypto';

/** The largest request body accepted. */
const MAX_BODY_BYTES = 128 * 1024;

/**
 * The only routes under /v1 that take no API key; each authenticates its caller its own way.
 * Every other /v1 route, present or future, needs `Authorization: Bearer <app API key>`.
 */
export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', path: '/v1/oauth/{provider}/callback', why: 'the provider sends the user here; the one-time OAuth state names the app and user' },
  { method: 'POST', path: '/v1/hooks/actions', why: "signed with the app's action secret (Standard Webhooks)" },
];

export const app = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

// A header a route set itself stays (the dashboard's referrer policy); the rest are secureHeaders' defaults.
app.use('*', secureHeaders({ overwrite: false }));
// Bodies are small (1000 ids fit in ~40 KiB): a larger one is refused before it is read, with or
// without Content-Length.
app.use(
  '*',
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => new Problem(413, 'payload-too-large', `Bodies are at most ${MAX_BODY_BYTES / 1024} KiB; send fewer ids per request.`).toResponse(),
  }),
);
app.use('/v1/*', apiKeyAuth(PUBLIC_ROUTES));
app.use('/v1/users/*', idempotencyKey());
// Also matches /v1/campaigns itself: one middleware for both (twice would find its own key in flight).
app.use('/v1/campaigns/*', idempotencyKey());
app.use('/admin/*', adminAuth());

app.get('/', (c) => c.json({ name: 'crossfollow', openapi: '/openapi.json', docs: '/docs', dashboard: '/dashboard' }));
for (const routes of [follows, library, profiles, connections, appViews, campaigns, oauth, hooks, admin]) app.route('/', routes);

app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'crossfollow',
    version: '1.0.0',
    description:
      'Follow, unfollow, check and list follows, and save, remove, check and list library items, for your users on Spotify, X and Audius — with their tokens held encrypted.',
  },
  security: [{ apiKey: [] }],
});
app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'Your app API key' });
app.route('/', docs);
// Not in the OpenAPI document: the page, its sign-in, and the same routes again behind its cookie.
app.route('/', dashboard);

app.notFound((c) => new Problem(404, 'not-found', `No route ${c.req.method} ${new URL(c.req.url).pathname}. See /openapi.json.`).toResponse());

app.onError((err, c) => {
  if (err instanceof Problem) return err.toResponse();
  if (err instanceof KeyringError) return new Problem(500, 'misconfigured', err.message).toResponse();
  if (err instanceof HTTPException) {
    if (err.status === 400 && /JSON/i.test(err.message))
      return new Problem(400, 'malformed-json', 'The body is not valid JSON; send a JSON object.').toResponse();
    return new Problem(err.status, err.status === 401 ? 'unauthorized' : 'validation-error', err.message).toResponse();
  }
  // Never echo the error: it may hold upstream text. The log line carries no token either.
  console.error(JSON.stringify({ msg: 'unhandled error', path: new URL(c.req.url).pathname, name: err instanceof Error ? err.name : typeof err }));
  return new Problem(500, 'internal-error', 'An unexpected error happened; it was logged without request data.').toResponse();
});
