import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { generateApiKey, registerAppKey, revokeAppKey } from '../auth/apps';
import { newWebhookSecret, readSettings, writeSettings } from '../auth/settings';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { problemOnInvalid, requireJson } from '../http/validation';
import { governorStates, resumeGovernor } from '../operations/governors';
import {
  AppIdPath,
  CreateAppBody,
  CreatedApp,
  GovernorEntry,
  GovernorPath,
  GovernorsResponse,
  ResumeBody,
  RevokeBody,
  SettingsBody,
  SettingsResponse,
} from '../schemas/admin';
import { ProblemSchema } from '../schemas/common';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const createAppRoute = createRoute({
  method: 'post',
  path: '/admin/apps',
  tags: ['admin'],
  summary: 'Create an app (or a new key for one) and return its API key once',
  middleware: [requireJson] as const,
  request: { body: { required: true, content: { 'application/json': { schema: CreateAppBody } } } },
  responses: {
    201: { description: 'The key, shown this once', content: { 'application/json': { schema: CreatedApp } } },
    401: problem('Wrong ADMIN_TOKEN'),
    422: problem('Invalid input'),
  },
});

const revokeRoute = createRoute({
  method: 'post',
  path: '/admin/keys/revoke',
  tags: ['admin'],
  summary: 'Revoke an API key; requests with it answer 401 from then on',
  middleware: [requireJson] as const,
  request: { body: { required: true, content: { 'application/json': { schema: RevokeBody } } } },
  responses: { 204: { description: 'Revoked' }, 401: problem('Wrong ADMIN_TOKEN'), 404: problem('No such key') },
});

export const admin = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

admin.openapi(createAppRoute, async (c) => {
  const body = c.req.valid('json');
  const apiKey = generateApiKey();
  const appId = body.app_id ?? `app_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const record = await registerAppKey(c.env.APPS, apiKey, appId, body.name);
  return c.json({ app_id: record.app_id, name: record.name, api_key: apiKey, created_at: record.created_at }, 201);
});

admin.openapi(revokeRoute, async (c) => {
  const revoked = await revokeAppKey(c.env.APPS, c.req.valid('json').api_key);
  if (!revoked) throw new Problem(404, 'not-found', 'No active key matches.');
  return c.body(null, 204);
});

const settingsRoute = createRoute({
  method: 'put',
  path: '/admin/apps/{app_id}/settings',
  tags: ['admin'],
  summary: "Set an app's OAuth return_to allowlist and event webhook; get its signing secret",
  middleware: [requireJson] as const,
  request: { params: AppIdPath, body: { required: true, content: { 'application/json': { schema: SettingsBody } } } },
  responses: {
    200: { description: 'The settings, with the newest signing secret', content: { 'application/json': { schema: SettingsResponse } } },
    401: problem('Wrong ADMIN_TOKEN'),
    422: problem('Invalid input'),
  },
});

admin.openapi(settingsRoute, async (c) => {
  const { app_id } = c.req.valid('param');
  const body = c.req.valid('json');
  const current = await readSettings(c.env, app_id);
  // A secret is shown once, when it is made; crossfollow keeps it encrypted.
  const shown: { event_secret?: string; action_secret?: string } = {};
  const rotate = (list: string[], wanted: boolean | undefined, field: 'event_secret' | 'action_secret') => {
    if (list.length > 0 && !wanted) return body.revoke_previous ? list.slice(0, 1) : list;
    const fresh = newWebhookSecret();
    shown[field] = fresh;
    return body.revoke_previous ? [fresh] : [fresh, ...list].slice(0, 2);
  };
  const next = {
    return_to: body.return_to ?? current.return_to,
    webhook_url: body.webhook_url === undefined ? current.webhook_url : body.webhook_url,
    event_secrets: rotate(current.event_secrets, body.rotate_event_secret, 'event_secret'),
    action_secrets: rotate(current.action_secrets, body.rotate_action_secret, 'action_secret'),
  };
  await writeSettings(c.env, app_id, next);
  return c.json(
    {
      app_id,
      return_to: next.return_to,
      webhook_url: next.webhook_url,
      ...shown,
      live_secrets: { event: next.event_secrets.length, action: next.action_secrets.length },
    },
    200,
  );
});

const governorsRoute = createRoute({
  method: 'get',
  path: '/admin/governors',
  tags: ['admin'],
  summary: "Each provider credential's rate governor: paused until, calls in the last minute, 429s today, daily counts",
  responses: {
    200: { description: 'One entry per provider', content: { 'application/json': { schema: GovernorsResponse } } },
    401: problem('Wrong ADMIN_TOKEN'),
  },
});

admin.openapi(governorsRoute, async (c) => c.json(await governorStates(c.env), 200));

const resumeRoute = createRoute({
  method: 'post',
  path: '/admin/governors/{provider}/resume',
  tags: ['admin'],
  summary: "Lift a provider credential's pause now (and, with reset_daily, its daily counts)",
  middleware: [requireJson] as const,
  request: { params: GovernorPath, body: { required: true, content: { 'application/json': { schema: ResumeBody } } } },
  responses: {
    200: { description: 'The governor after the change', content: { 'application/json': { schema: GovernorEntry } } },
    401: problem('Wrong ADMIN_TOKEN'),
    422: problem('Invalid input'),
  },
});

admin.openapi(resumeRoute, async (c) => c.json(await resumeGovernor(c.env, c.req.valid('param').provider, c.req.valid('json').reset_daily === true), 200));
