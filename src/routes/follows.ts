import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { problemOnInvalid, requireJson } from '../http/validation';
import { runFollows } from '../operations/follows';
import { listFollowers, listFollows } from '../operations/lists';
import type { ProviderName } from '../providers/names';
import { problemResponses, UserProviderPath } from '../schemas/common';
import { BatchResponse, CheckBody, FollowBody, FollowersQuery, ListQuery, pageOrStream } from '../schemas/follows';
import { batchAnswer, listingAnswer } from './respond';

const path = '/v1/users/{user}/{provider}/follows';
const json = (description: string) => ({ description, content: { 'application/json': { schema: BatchResponse } } });

const followRoute = (method: 'put' | 'delete', summary: string, schema: typeof FollowBody | typeof CheckBody) =>
  createRoute({
    method,
    path,
    tags: ['follows'],
    summary,
    middleware: [requireJson] as const,
    request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema } } } },
    responses: { 200: json('One result per id, in the order sent'), ...problemResponses },
  });

const containsRoute = createRoute({
  method: 'post',
  path: `${path}/contains`,
  tags: ['follows'],
  summary: 'Whether the user follows each id',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: CheckBody } } } },
  responses: { 200: json('One result per id with `following`'), ...problemResponses },
});

const followersRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/{provider}/followers',
  tags: ['follows'],
  summary: 'Who follows the user (X, Audius), a page at a time',
  request: { params: UserProviderPath, query: FollowersQuery },
  responses: pageOrStream('A page of normalized users and an opaque next_cursor'),
});

const listRoute = createRoute({
  method: 'get',
  path,
  tags: ['follows'],
  summary: 'What the user follows, a page at a time',
  request: { params: UserProviderPath, query: ListQuery },
  responses: pageOrStream('A page of normalized items and an opaque next_cursor'),
});

export const follows = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

const target = (c: Context<AppEnv>, params: { user: string; provider: ProviderName }) => ({
  app: c.get('appId'),
  user: params.user,
  provider: params.provider,
});

follows.openapi(followRoute('put', 'Follow any number of artists, users or playlists', FollowBody), async (c) =>
  batchAnswer(c, await runFollows(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'follow')),
);

follows.openapi(followRoute('delete', 'Unfollow any number of artists, users or playlists', CheckBody), async (c) =>
  batchAnswer(c, await runFollows(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'unfollow')),
);

follows.openapi(containsRoute, async (c) => batchAnswer(c, await runFollows(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'contains')));

follows.openapi(listRoute, async (c) => {
  const query = c.req.valid('query');
  return listingAnswer(c, await listFollows(c.env, target(c, c.req.valid('param')), query.type, query));
});

follows.openapi(followersRoute, async (c) => listingAnswer(c, await listFollowers(c.env, target(c, c.req.valid('param')), c.req.valid('query'))));
