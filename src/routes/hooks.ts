import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sha256Hex } from '../auth/apps';
import { readSettings } from '../auth/settings';
import { verifySignature } from '../auth/webhook-signature';
import type { AppEnv } from '../env';
import { Problem, validationProblem } from '../http/problem';
import { problemOnInvalid, zodFieldErrors } from '../http/validation';
import { once } from '../idempotency/middleware';
import { resendAfter, runActions } from '../operations/actions';
import type { ActionsMessage } from '../queues/messages';
import { ProblemSchema } from '../schemas/common';
import { Actions } from '../schemas/hooks';
import { objectNames } from '../storage/keys';

const hookRoute = createRoute({
  method: 'post',
  path: '/v1/hooks/actions',
  tags: ['hooks'],
  // Public (src/app.ts PUBLIC_ROUTES): the Standard Webhooks signature authenticates the sender.
  security: [],
  summary: 'Run actions from another system, signed per Standard Webhooks with the app secret; each webhook-id acts once',
  request: {
    query: z.object({
      app: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, 'app is the app id the hook is for')
        .openapi({ description: 'The app whose secret signs this hook' }),
      async: z.enum(['0', '1']).optional().openapi({ description: '1: answer 202 at once and report through a batch.completed event' }),
    }),
    // The body is read raw (the signature covers its exact bytes) and validated after verification:
    // `[{op, user, provider, type, ids}]` or `{actions: [...]}`, at most 20 actions.
  },
  responses: {
    200: {
      description: 'One result per action, in order',
      content: { 'application/json': { schema: z.object({ results: z.array(z.record(z.string(), z.unknown())) }) } },
    },
    202: { description: 'Accepted (async=1): the outcome comes as a batch.completed event' },
    401: { description: 'The signature does not verify', content: { 'application/problem+json': { schema: ProblemSchema } } },
    422: { description: 'Invalid actions, or this webhook-id came with another body', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

export const hooks = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

hooks.openapi(hookRoute, async (c) => {
  const app = c.req.valid('query').app;
  const raw = await c.req.text();
  const settings = await readSettings(c.env, app);
  const verified = verifySignature(settings.action_secrets, raw, {
    'webhook-id': c.req.header('webhook-id'),
    'webhook-timestamp': c.req.header('webhook-timestamp'),
    'webhook-signature': c.req.header('webhook-signature'),
  });
  if (!verified.ok) {
    throw new Problem(
      401,
      'invalid-signature',
      `Sign the raw body with the app's action secret (whsec_…, Standard Webhooks): ${verified.reason}.`,
      {},
      { 'www-authenticate': 'Webhook realm="crossfollow"' },
    );
  }
  const webhookId = c.req.header('webhook-id') ?? '';
  const response = await once(c.env, objectNames.hookDelivery(app, webhookId), await sha256Hex(raw), async () => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new Problem(400, 'malformed-json', 'The body is not valid JSON.');
    }
    const parsed = Actions.safeParse(body);
    if (!parsed.success) throw validationProblem(zodFieldErrors(parsed.error, 'json'));
    const actions = Array.isArray(parsed.data) ? parsed.data : parsed.data.actions;
    if (c.req.valid('query').async === '1') {
      // Answered now, run by the queue consumer; batch.completed tells the app the outcome.
      const batchId = `batch_${crypto.randomUUID().replaceAll('-', '')}`;
      await c.env.ACTIONS.send({ app, batch_id: batchId, actions } satisfies ActionsMessage);
      return Response.json({ batch_id: batchId, accepted: actions.length }, { status: 202 });
    }
    const results = await runActions(c.env, app, actions);
    // Not all of it happened (a provider down or rate limiting, items deferred): 503 +
    // Retry-After, so the sender retries this webhook-id (its answer is not kept).
    const after = resendAfter(results);
    if (after !== null) return Response.json({ results }, { status: 503, headers: { 'retry-after': String(after) } });
    return Response.json({ results });
  });
  // Built inside `once` so a replay answers byte for byte; @hono/zod-openapi types only c.json answers.
  return response as ReturnType<typeof c.json<{ results: Record<string, unknown>[] }, 200>>;
});
