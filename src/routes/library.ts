import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { Problem } from '../http/problem';
import { problemOnInvalid, requireJson } from '../http/validation';
import { providerFor } from '../providers';
import { decodeCursor, offsetOf } from '../providers/cursor';
import type { LibraryAdapter, LibraryType, Provider } from '../providers/types';
import { UserProviderPath, problemResponses } from '../schemas/common';
import { BatchResponse, PageResponse } from '../schemas/follows';
import { LibraryListQuery, LibraryRefBody, SaveBody } from '../schemas/library';
import type { ProviderName } from '../tokens/token-endpoint';
import { UpstreamSession } from '../upstream/session';
import { answer, runBatch } from './batch-run';
import { ALL_PAGE_SIZE, streamAll } from './stream-all';

const path = '/v1/users/{user}/{provider}/library';
const batchOk = { 200: { description: 'One result per id or URI, in the order sent', content: { 'application/json': { schema: BatchResponse } } }, ...problemResponses };

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
  responses: {
    200: {
      description: 'A page (JSON), or with all=1 one item a line and a last summary line (NDJSON)',
      content: { 'application/json': { schema: PageResponse }, 'application/x-ndjson': { schema: { type: 'string' } } },
    },
    ...problemResponses,
  },
});

function libraryOf(provider: Provider, operation: string): LibraryAdapter {
  if (!provider.library) throw new Problem(422, 'unsupported-operation', `${provider.name} has no library.`, { provider: provider.name, operation });
  return provider.library;
}

function unsupported(provider: Provider, operation: string, what: string): Problem {
  return new Problem(422, 'unsupported-operation', `${provider.name} cannot ${operation} ${what}.`, { provider: provider.name, operation });
}

type Body = { type?: LibraryType; ids?: string[]; uris?: string[]; items?: { id: string; added_at: string }[] };

export async function runLibrary(env: AppEnv['Bindings'], app: string, params: { user: string; provider: string }, body: Body, operation: 'save' | 'remove' | 'contains') {
  const provider = providerFor(params.provider as ProviderName);
  const library = libraryOf(provider, operation);
  const id = { app, user: params.user, provider: provider.name };
  if (body.uris) {
    const uris = library.uris;
    if (!uris) throw unsupported(provider, operation, 'items by URI');
    const check = (uri: string) => uris.check(uri, operation === 'contains' ? 'contains' : 'write');
    const run = operation === 'save' ? uris.save : operation === 'remove' ? uris.remove : uris.contains;
    return runBatch(env, { id, operation, type: null, ids: body.uris, pointer: '/uris', check, run });
  }
  const type = body.type!;
  if (!library.types.includes(type)) throw unsupported(provider, operation, `${type}s`);
  const check = (itemId: string) => library.checkId(type, itemId);
  if (body.items) {
    const timestamped = library.saveTimestamped;
    if (!timestamped) throw unsupported(provider, operation, 'items with added_at');
    // A repeated id acts once, with its first added_at.
    const addedAt = new Map(body.items.map((i) => [i.id, i.added_at] as const).reverse());
    const ids = body.items.map((i) => i.id);
    return runBatch(env, { id, operation, type, ids, pointer: '/items', check, run: (s, unique) => timestamped(s, unique.map((u) => ({ id: u, added_at: addedAt.get(u)! }))) });
  }
  const run = (s: UpstreamSession, unique: string[]) => (operation === 'save' ? library.save(s, type, unique) : operation === 'remove' ? library.remove(s, type, unique) : library.contains(s, type, unique));
  return runBatch(env, { id, operation, type, ids: body.ids!, pointer: '/ids', check, run });
}

export const library = new OpenAPIHono<AppEnv>({ defaultHook: problemOnInvalid });

library.openapi(saveRoute, async (c) => answer(c, await runLibrary(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'save')));
library.openapi(removeRoute, async (c) => answer(c, await runLibrary(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'remove')));
library.openapi(containsRoute, async (c) => answer(c, await runLibrary(c.env, c.get('appId'), c.req.valid('param'), c.req.valid('json'), 'contains')));

library.openapi(listRoute, async (c) => {
  const params = c.req.valid('param');
  const query = c.req.valid('query');
  const provider = providerFor(params.provider as ProviderName);
  const lib = libraryOf(provider, 'list');
  if (!lib.listTypes.includes(query.type)) throw unsupported(provider, 'list', `saved ${query.type}s`);
  const after = decodeCursor(query.cursor);
  offsetOf(after); // library lists page by offset everywhere: refuse a foreign cursor before any call
  const session = await UpstreamSession.open(c.env, { app: c.get('appId'), user: params.user, provider: provider.name });
  const raw = query.raw === '1';
  if (query.all === '1') {
    return streamAll((next) => lib.list(session, query.type, { limit: ALL_PAGE_SIZE, after: next ?? after, raw })) as never;
  }
  const page = await lib.list(session, query.type, { limit: query.limit, after, raw });
  return c.json({ provider: provider.name, type: query.type, items: page.items, next_cursor: page.next_cursor }, 200);
});
