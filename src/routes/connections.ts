import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { emit } from '../events/emit';
import { Problem, validationProblem } from '../http/problem';
import { problemOnInvalid, requireJson } from '../http/validation';
import { PROVIDERS, type ProviderName } from '../providers/names';
import { providerFor } from '../providers/registry';
import { problemResponses, UserPath, UserProviderPath } from '../schemas/common';
import { ConnectionList, ConnectionStatus, ImportBody } from '../schemas/connections';
import { forgetInMemory, vaultFor } from '../tokens/access';
import type { ConnectionId } from '../tokens/types';

const one = '/v1/users/{user}/connections/{provider}';
const statusContent = { 'application/json': { schema: ConnectionStatus } };

const importRoute = createRoute({
  method: 'put',
  path: one,
  tags: ['connections'],
  summary: 'Import tokens the app already holds for a user',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: ImportBody } } } },
  responses: {
    200: { description: 'Tokens replaced', content: statusContent },
    201: { description: 'Connection created', content: statusContent },
    ...problemResponses,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/connections',
  tags: ['connections'],
  summary: "A user's connections and their status (never a token)",
  request: { params: UserPath },
  responses: {
    200: { description: 'Every provider the user is connected to', content: { 'application/json': { schema: ConnectionList } } },
    ...problemResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: one,
  tags: ['connections'],
  summary: 'One connection and its status',
  request: { params: UserProviderPath },
  responses: { 200: { description: 'The connection', content: statusContent }, ...problemResponses },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: one,
  tags: ['connections'],
  summary: "Forget a user's tokens for a provider",
  request: { params: UserProviderPath },
  responses: { 204: { description: 'Forgotten' }, ...problemResponses },
});

function idOf(app: string, params: { user: string; provider: ProviderName }): ConnectionId {
  return { app, user: params.user, provider: params.provider };
}

function notConnected(id: ConnectionId): Problem {
  return new Problem(404, 'not-connected', `User '${id.user}' has no ${id.provider} connection in this app.`);
}

export const connections = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

connections.openapi(importRoute, async (c) => {
  const id = idOf(c.get('appId'), c.req.valid('param'));
  const body = c.req.valid('json');
  const wrongId = body.provider_user_id !== undefined ? providerFor(id.provider).checkProviderUserId(body.provider_user_id) : null;
  if (wrongId) throw validationProblem([{ pointer: '/provider_user_id', detail: wrongId }]);
  const expiresAt = body.expires_at ? Date.parse(body.expires_at) : Date.now() + (body.expires_in ?? 3600) * 1000;
  const result = await vaultFor(c.env, id).put({
    id,
    access_token: body.access_token,
    refresh_token: body.refresh_token,
    expires_at: expiresAt,
    scope: body.scope,
    provider_user_id: body.provider_user_id,
    // Within the clock skew the schema allows, a time ahead of ours is now.
    authorized_at: body.authorized_at ? Math.min(Date.parse(body.authorized_at), Date.now()) : undefined,
  });
  if (!result.ok) throw new Problem(500, 'misconfigured', result.detail);
  forgetInMemory(id);
  if (result.created) await emit(c.env, id.app, 'connection.created', { user: id.user, provider: id.provider, via: 'import' });
  return result.created ? c.json(result.status, 201) : c.json(result.status, 200);
});

connections.openapi(listRoute, async (c) => {
  const { user } = c.req.valid('param');
  const app = c.get('appId');
  const all = await Promise.all(PROVIDERS.map((provider) => vaultFor(c.env, { app, user, provider }).status()));
  return c.json({ user, connections: all.filter((s) => s !== null) }, 200);
});

connections.openapi(getRoute, async (c) => {
  const id = idOf(c.get('appId'), c.req.valid('param'));
  const status = await vaultFor(c.env, id).status();
  if (!status) throw notConnected(id);
  return c.json(status, 200);
});

connections.openapi(deleteRoute, async (c) => {
  const id = idOf(c.get('appId'), c.req.valid('param'));
  const { existed } = await vaultFor(c.env, id).forget();
  forgetInMemory(id);
  if (!existed) throw notConnected(id);
  return c.body(null, 204);
});
