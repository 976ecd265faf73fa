import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { problemOnInvalid, requireJson } from '../http/validation';
import { runLibrary } from '../operations/library';
import { listLibrary } from '../operations/lists';
import type { ProviderName } from '../providers/names';
import { problemResponses, UserProviderPath } from '../schemas/common';
import { BatchResponse, pageOrStream } from '../schemas/follows';
import { LibraryListQuery, LibraryRefBody, SaveBody } from '../schemas/library';
import { batchAnswer, listingAnswer } from './respond';

const path = '/v1/users/{user}/{provider}/library';
const batchOk = {
  200: { description: 'One result per id or URI, in the order sent', content: { 'application/json': { schema: BatchResponse } } },
  ...problemResponses,
};

const saveRoute = createRoute({
  method: 'put',
  path,
  tags: ['library'],
  summary: 'Save items: {type, ids}, {uris} of mixed types, or {type: "track", items: [{id, added_at}]}',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: SaveBody } } } },
  responses: batchOk,
});

const removeRoute = createRoute({
  method: 'delete',
  path,
  tags: ['library'],
  summary: 'Remove saved items: {type, ids} or {uris}',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: LibraryRefBody } } } },
  responses: batchOk,
});

const containsRoute = createRoute({
  method: 'post',
  path: `${path}/contains`,
  tags: ['library'],
  summary: 'Whether each item is saved: {type, ids} or {uris} (Spotify URIs may name artists here)',
  middleware: [requireJson] as const,
  request: { params: UserProviderPath, body: { required: true, content: { 'application/json': { schema: LibraryRefBody } } } },
  responses: batchOk,
});

const listRoute = createRoute({
  method: 'get',
  path,
  tags: ['library'],
  summary: 'Saved items a page at a time, or every page as NDJSON with all=1',
  request: { params: UserProviderPath, query: LibraryListQuery },
  responses: pageOrStream('A page of saved items, normalized, and an opaque next_cursor'),
});

export const library = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

const target = (c: Context<AppEnv>, params: { user: string; provider: ProviderName }) => ({
  app: c.get('appId'),
  user: params.user,
  provider: params.provider,
});

library.openapi(saveRoute, async (c) => batchAnswer(c, await runLibrary(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'save')));
library.openapi(removeRoute, async (c) => batchAnswer(c, await runLibrary(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'remove')));
library.openapi(containsRoute, async (c) => batchAnswer(c, await runLibrary(c.env, target(c, c.req.valid('param')), c.req.valid('json'), 'contains')));

library.openapi(listRoute, async (c) => {
  const query = c.req.valid('query');
  return listingAnswer(c, await listLibrary(c.env, target(c, c.req.valid('param')), query.type, query));
});
