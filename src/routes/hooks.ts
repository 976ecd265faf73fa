import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { sha256Hex } from '../auth/apps';
import { readSettings } from '../auth/settings';
import type { AppEnv } from '../env';
import { verifySignature } from '../hooks/verify';
import { Problem, validationProblem } from '../http/problem';
import { problemOnInvalid, zodFieldErrors } from '../http/validation';
import { once } from '../idempotency/middleware';
import { ProblemSchema, ProviderParam, UserId } from '../schemas/common';
import { MAX_IDS } from '../schemas/follows';
import { runFollows } from './follows';
import { runLibrary } from './library';

const Action = z
  .object({
    op: z.enum(['follow', 'unfollow', 'save', 'remove']),
    user: UserId,
    provider: ProviderParam,
    type: z.string().max(32),
    ids: z.array(z.string().max(256)).min(1, 'send at least one id').max(MAX_IDS),
  })
  .strict();

const Actions = z.union([z.array(Action).min(1).max(20), z.object({ actions: z.array(Action).min(1).max(20) }).strict()]);

const hookRoute = createRoute({
  method: 'post',
  path: '/v1/hooks/actions',
  tags: ['hooks'],
  summary: 'Run actions from another system, signed per Standard Webhooks with the app secret; each webhook-id acts once',
  request: {
    query: z.object({ app: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'app is the app id the hook is for').openapi({ description: 'The app whose secret signs this hook' }) }),
    // The body is read raw (the signature covers its exact bytes) and validated after verification:
    // `[{op, user, provider, type, ids}]` or `{actions: [...]}`, at most 20 actions.
  },
  responses: {
    200: { description: 'One result per action, in order', content: { 'application/json': { schema: z.object({ results: z.array(z.record(z.string(), z.unknown())) }) } } },
    401: { description: 'The signature does not verify', content: { 'application/problem+json': { schema: ProblemSchema } } },
    422: { description: 'Invalid actions, or this webhook-id came with another body', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const hooks = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

hooks.openapi(hookRoute, async (c) => {
  const app = c.req.valid('query').app;
  const raw = await c.req.text();
  const settings = await readSettings(c.env, app);
  const verified = verifySignature(settings.webhook_secrets, raw, {
    'webhook-id': c.req.header('webhook-id'),
    'webhook-timestamp': c.req.header('webhook-timestamp'),
    'webhook-signature': c.req.header('webhook-signature'),
  });
  if (!verified.ok) {
    throw new Problem(401, 'invalid-signature', `Sign the raw body with the app's whsec_ secret (Standard Webhooks): ${verified.reason}.`, {}, { 'www-authenticate': 'Webhook realm="crossfollow"' });
  }
  const webhookId = c.req.header('webhook-id')!;
  const response = await once(c.env, `${app}|hook|${webhookId}`, await sha256Hex(raw), async () => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new Problem(400, 'malformed-json', 'The body is not valid JSON.');
    }
    const parsed = Actions.safeParse(body);
    if (!parsed.success) throw validationProblem(zodFieldErrors(parsed.error, 'json'));
    const actions = Array.isArray(parsed.data) ? parsed.data : parsed.data.actions;
    const results = [];
    for (const action of actions) {
      const params = { user: action.user, provider: action.provider };
      const payload = { type: action.type as never, ids: action.ids };
      try {
        const answer =
          action.op === 'follow' || action.op === 'unfollow' ? await runFollows(c.env, app, params, payload, action.op) : await runLibrary(c.env, app, params, payload, action.op);
        results.push({ op: action.op, user: action.user, provider: action.provider, status: 'done', summary: answer.summary, results: answer.results });
      } catch (err) {
        if (!(err instanceof Problem)) throw err;
        results.push({ op: action.op, user: action.user, provider: action.provider, status: 'failed', problem: err.body() });
      }
    }
    return Response.json({ results });
  });
  return response as never;
});
