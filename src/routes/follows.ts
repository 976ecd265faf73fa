import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { requireJson, problemOnInvalid } from '../http/validation';
import { Problem, validationProblem } from '../http/problem';
import { decodeCursor } from '../providers/cursor';
import { providerFor } from '../providers';
import type { FollowType, Provider } from '../providers/types';
import { BatchResponse, CheckBody, FollowBody, FollowersQuery, ListQuery, PageResponse } from '../schemas/follows';
import { UserProviderPath, problemResponses } from '../schemas/common';
import type { ProviderName } from '../tokens/token-endpoint';
import { UpstreamSession } from '../upstream/session';
import { answer, runBatch } from './batch-run';

const path = '/v1/users/{user}/{provider}/follows';
const json = (schema: typeof BatchResponse | typeof PageResponse, description: string) => ({ description, content: { 'application/json': { schema } } });

const followRoute = (method: 'put' | 'delete', summary: string, schema: typeof FollowBody | typeof CheckBody) =>
  createRoute({
    method,
    path,
    tags: ['follows'],
    summary,
    middleware: [requireJson] as const,
    request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema } } } },
    responses: { 200: json(BatchResponse, 'One result per id, in the order sent'), ...problemResponses },
  });

const containsRoute = createRoute({
  method: 'post',
  path: `${path}/contains`,
  tags: ['follows'],
  summary: 'Whether the user follows each id',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: CheckBody } } } },
  responses: { 200: json(BatchResponse, 'One result per id with `following`'), ...problemResponses },
});

const followersRoute = createRoute({
  method: 'get',
  path: '/v1/users/{user}/{provider}/followers',
  tags: ['follows'],
  summary: 'Who follows the user (X, Audius), a page at a time',
  request: { params: UserProviderPath, query: FollowersQuery },
  responses: { 200: json(PageResponse, 'A page of normalized users and an opaque next_cursor'), ...problemResponses },
});

const listRoute = createRoute({
  method: 'get',
  path,
  tags: ['follows'],
  summary: 'What the user follows, a page at a time',
  request: { params: UserProviderPath, query: ListQuery },
  responses: { 200: json(PageResponse, 'A page of normalized items and an opaque next_cursor'), ...problemResponses },
});

type Operation = 'follow' | 'unfollow' | 'contains';

function checkLimit(provider: Provider, limit: number): void {
  if (limit > provider.maxListLimit) throw validationProblem([{ parameter: 'limit', detail: `${provider.name} serves at most ${provider.maxListLimit} a page` }]);
}

async function runFollows(env: AppEnv['Bindings'], app: string, params: { user: string; provider: string }, body: { type: FollowType; ids: string[]; public?: boolean }, operation: 'follow' | 'unfollow' | 'contains') {
  const provider = providerFor(params.provider as ProviderName);
  if (!provider.followTypes.includes(body.type)) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot ${operation} ${body.type}s.`, { provider: provider.name, operation, item_type: body.type });
  }
  if (body.public !== undefined && body.type !== 'playlist') {
    throw validationProblem([{ pointer: '/public', detail: 'public applies to playlists only' }]);
  }
  return runBatch(env, {
    id: { app, user: params.user, provider: provider.name },
    operation,
    type: body.type,
    ids: body.ids,
    pointer: '/ids',
    check: (id) => provider.checkId(body.type, id),
    run: (session, unique) =>
      operation === 'follow'
        ? provider.follow(session, body.type, unique, { public: body.public })
        : operation === 'unfollow'
          ? provider.unfollow(session, body.type, unique)
          : provider.contains(session, body.type, unique),
  });
}

export const follows = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

follows.openapi(followRoute('put', 'Follow any number of artists, users or playlists', FollowBody), async (c) =>
  answer(c, await runFollows(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'follow')),
);

follows.openapi(followRoute('delete', 'Unfollow any number of artists, users or playlists', CheckBody), async (c) =>
  answer(c, await runFollows(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'unfollow')),
);

follows.openapi(containsRoute, async (c) => answer(c, await runFollows(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'contains')));

follows.openapi(listRoute, async (c) => {
  const params = c.req.valid('param');
  const query = c.req.valid('query');
  const provider = providerFor(params.provider as ProviderName);
  if (!provider.listTypes.includes(query.type)) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot list followed ${query.type}s; it lists: ${provider.listTypes.join(', ')}.`, {
      provider: provider.name,
      operation: 'list-follows',
      item_type: query.type,
    });
  }
  checkLimit(provider, query.limit);
  const after = decodeCursor(query.cursor);
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user: params.user, provider: provider.name });
  const page = await provider.listFollows(session, query.type, { limit: query.limit, after, raw: query.raw === '1' });
  return c.json({ provider: provider.name, type: query.type, ...page }, 200);
});

follows.openapi(followersRoute, async (c) => {
  const params = c.req.valid('param');
  const query = c.req.valid('query');
  const provider = providerFor(params.provider as ProviderName);
  if (!provider.listFollowers) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot list a user's followers.`, { provider: provider.name, operation: 'list-followers' });
  }
  checkLimit(provider, query.limit);
  const after = decodeCursor(query.cursor);
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user: params.user, provider: provider.name });
  const page = await provider.listFollowers(session, { limit: query.limit, after, raw: query.raw === '1' });
  return c.json({ provider: provider.name, type: 'user', ...page }, 200);
});
