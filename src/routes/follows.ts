import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { requireJson, problemOnInvalid } from '../http/validation';
import { Problem, validationProblem, type FieldError } from '../http/problem';
import { decodeCursor } from '../providers/cursor';
import { providerFor } from '../providers';
import type { FollowType, ItemResult, Provider } from '../providers/types';
import { BatchResponse, CheckBody, FollowBody, ListQuery, PageResponse } from '../schemas/follows';
import { UserProviderPath, problemResponses } from '../schemas/common';
import type { ProviderName } from '../tokens/token-endpoint';
import { UpstreamSession } from '../upstream/session';
import { dedupe, failureOf, summarize } from './results';

const path = '/v1/users/{user}/{provider}/follows';
const json = (schema: typeof BatchResponse | typeof PageResponse, description: string) => ({ description, content: { 'application/json': { schema } } });

const followRoute = (method: 'put' | 'delete', summary: string) =>
  createRoute({
    method,
    path,
    tags: ['follows'],
    summary,
    middleware: [requireJson] as const,
    request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: FollowBody } } } },
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

const listRoute = createRoute({
  method: 'get',
  path,
  tags: ['follows'],
  summary: 'What the user follows, a page at a time',
  request: { params: UserProviderPath, query: ListQuery },
  responses: { 200: json(PageResponse, 'A page of normalized items and an opaque next_cursor'), ...problemResponses },
});

type Operation = 'follow' | 'unfollow' | 'contains';

function checkIds(provider: Provider, type: FollowType, ids: string[]): void {
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    const why = provider.checkId(type, id);
    if (why) errors.push({ pointer: `/ids/${i}`, detail: why });
  });
  if (errors.length) throw validationProblem(errors);
}

async function runItems(
  env: AppEnv['Bindings'],
  app: string,
  params: { user: string; provider: string },
  body: { type: FollowType; ids: string[]; public?: boolean },
  operation: Operation,
) {
  const provider = providerFor(params.provider as ProviderName);
  if (!provider.followTypes.includes(body.type)) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot ${operation} ${body.type}s.`, { provider: provider.name, operation, item_type: body.type });
  }
  checkIds(provider, body.type, body.ids);
  const { unique, expand } = dedupe(body.ids);
  const session = await UpstreamSession.open(env, { app, user: params.user, provider: provider.name });
  let results: ItemResult[];
  if (operation === 'follow') results = await provider.follow(session, body.type, unique, { public: body.public });
  else if (operation === 'unfollow') results = await provider.unfollow(session, body.type, unique);
  else results = await provider.contains(session, body.type, unique);
  const all = expand(results);
  const answer = { provider: provider.name, operation, type: body.type, results: all, summary: summarize(all) };
  const failure = failureOf(all, answer);
  if (failure) throw failure;
  return answer;
}

export const follows = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

follows.openapi(followRoute('put', 'Follow any number of artists, users or playlists'), async (c) =>
  c.json(await runItems(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'follow'), 200),
);

follows.openapi(followRoute('delete', 'Unfollow any number of artists, users or playlists'), async (c) =>
  c.json(await runItems(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'unfollow'), 200),
);

follows.openapi(containsRoute, async (c) => c.json(await runItems(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'contains'), 200));

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
  const after = decodeCursor(query.cursor);
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user: params.user, provider: provider.name });
  const page = await provider.listFollows(session, query.type, { limit: query.limit, after, raw: query.raw === '1' });
  return c.json({ provider: provider.name, type: query.type, ...page }, 200);
});
