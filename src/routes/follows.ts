import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { requireJson, problemOnInvalid } from '../http/validation';
import { Problem, validationProblem } from '../http/problem';
import { decodeCursor, offsetOf } from '../providers/cursor';
import { providerFor } from '../providers';
import type { FollowType, ListOptions, Page, Provider } from '../providers/types';
import type { Context } from 'hono';
import { ALL_PAGE_SIZE, streamAll } from './stream-all';
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

export async function runFollows(env: AppEnv['Bindings'], app: string, params: { user: string; provider: string }, body: { type: FollowType; ids: string[]; public?: boolean }, operation: 'follow' | 'unfollow' | 'contains') {
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

/**
 * One page as JSON, or with all=1 every page as NDJSON. The cursor is checked before the
 * session opens, so a bad one never costs a token refresh or an upstream call.
 */
async function listing(
  c: Context<AppEnv>,
  provider: Provider,
  user: string,
  query: { limit: number; cursor?: string; raw?: string; all?: string },
  type: string,
  fetchPage: (session: UpstreamSession, options: ListOptions) => Promise<Page>,
) {
  checkLimit(provider, query.limit);
  const after = decodeCursor(query.cursor);
  if (provider.listCursor === 'offset') offsetOf(after);
  const foreign = after !== undefined ? provider.checkCursor?.(after) : null;
  if (foreign) throw validationProblem([{ parameter: 'cursor', detail: `${foreign}; pass next_cursor from this list unchanged` }]);
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user, provider: provider.name });
  const raw = query.raw === '1';
  if (query.all === '1') {
    const size = Math.min(ALL_PAGE_SIZE, provider.maxListLimit);
    return streamAll((next) => fetchPage(session, { limit: size, after: next ?? after, raw }));
  }
  const page = await fetchPage(session, { limit: query.limit, after, raw });
  return c.json({ provider: provider.name, type, ...page }, 200);
}

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
  return (await listing(c, provider, params.user, query, query.type, (session, options) => provider.listFollows(session, query.type, options))) as never;
});

follows.openapi(followersRoute, async (c) => {
  const params = c.req.valid('param');
  const provider = providerFor(params.provider as ProviderName);
  const listFollowers = provider.listFollowers;
  if (!listFollowers) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot list a user's followers.`, { provider: provider.name, operation: 'list-followers' });
  }
  return (await listing(c, provider, params.user, c.req.valid('query'), 'user', (session, options) => listFollowers(session, options))) as never;
});
