import type { Env } from '../env';
import { Problem, validationProblem } from '../http/problem';
import { decodeCursor, offsetOf } from '../providers/cursor';
import { providerFor } from '../providers/registry';
import { playlists } from '../providers/spotify/reads';
import type { FollowType, LibraryType, ListOptions, Page, Provider } from '../providers/types';
import type { PageResponse } from '../schemas/follows';
import type { ConnectionId } from '../storage/keys';
import { UpstreamSession } from '../upstream/session';
import type { Target } from './follows';
import { libraryOf, unsupported } from './library';
import { ALL_PAGE_SIZE, streamAll } from './stream-all';
import { nextDoesNotAdvance, notAdvancing, stuckWarning } from './stuck';

/** What a list request asks for: a page (`limit`, `cursor`), and with `all=1` every page. */
export interface ListQuery {
  limit: number;
  cursor?: string;
  raw?: '0' | '1';
  all?: '0' | '1';
}

/** One page as JSON, or every page as an NDJSON stream (`all=1`). */
export type Listing = { kind: 'page'; page: PageResponse } | { kind: 'stream'; response: Response };

interface ListRequest {
  id: ConnectionId;
  /** The item type the answer names. */
  type: string;
  query: ListQuery;
  /** The largest page the list serves. */
  maxLimit: number;
  /** What the list's cursors hold: an offset, or the provider's own paging token. */
  cursor: 'offset' | 'token';
  /** Why a decoded paging token is not one of this list's, or null. */
  checkCursor?: (after: string) => string | null;
  fetchPage: (session: UpstreamSession, options: ListOptions) => Promise<Page>;
}

/**
 * The one listing path. The limit and the cursor are checked before the session opens, so a bad
 * one never costs a token refresh or an upstream call.
 */
async function list(env: Env, req: ListRequest): Promise<Listing> {
  const { query } = req;
  if (query.limit > req.maxLimit) throw validationProblem([{ parameter: 'limit', detail: `${req.id.provider} serves at most ${req.maxLimit} a page` }]);
  const after = decodeCursor(query.cursor);
  if (req.cursor === 'offset') offsetOf(after);
  const foreign = after !== undefined ? req.checkCursor?.(after) : null;
  if (foreign) throw validationProblem([{ parameter: 'cursor', detail: `${foreign}; pass next_cursor from this list unchanged` }]);
  const session = await UpstreamSession.open(env, req.id);
  const raw = query.raw === '1';
  if (query.all === '1') {
    const limit = Math.min(ALL_PAGE_SIZE, req.maxLimit);
    const from = { after, cursor: req.cursor, label: session.label };
    return { kind: 'stream', response: await streamAll((next) => req.fetchPage(session, { limit, after: next, raw }), from) };
  }
  const page = await req.fetchPage(session, { limit: query.limit, after, raw });
  const answer: PageResponse = { provider: req.id.provider, type: req.type, items: page.items, next_cursor: page.next_cursor };
  // A next cursor that does not move would page a client forever: the list ends here, and says why.
  if (nextDoesNotAdvance(req.cursor, after, page.next_cursor)) {
    return { kind: 'page', page: { ...answer, next_cursor: null, warnings: [stuckWarning(session.label, notAdvancing(req.cursor))] } };
  }
  return { kind: 'page', page: answer };
}

function followLists(provider: Provider, target: Target, type: string, query: ListQuery, fetchPage: ListRequest['fetchPage']): ListRequest {
  return { id: target, type, query, maxLimit: provider.maxListLimit, cursor: provider.listCursor, checkCursor: provider.checkCursor, fetchPage };
}

/** What the user follows, of one type. */
export function listFollows(env: Env, target: Target, type: FollowType, query: ListQuery): Promise<Listing> {
  const provider = providerFor(target.provider);
  if (!provider.listTypes.includes(type)) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot list followed ${type}s; it lists: ${provider.listTypes.join(', ')}.`, {
      provider: provider.name,
      operation: 'list-follows',
      item_type: type,
    });
  }
  return list(
    env,
    followLists(provider, target, type, query, (session, options) => provider.listFollows(session, type, options)),
  );
}

/** Who follows the user (where the provider tells). */
export function listFollowers(env: Env, target: Target, query: ListQuery): Promise<Listing> {
  const provider = providerFor(target.provider);
  const listFollowersOf = provider.listFollowers;
  if (!listFollowersOf) {
    throw new Problem(422, 'unsupported-operation', `${provider.name} cannot list a user's followers.`, {
      provider: provider.name,
      operation: 'list-followers',
    });
  }
  return list(
    env,
    followLists(provider, target, 'user', query, (session, options) => listFollowersOf(session, options)),
  );
}

/** Saved items of one type; library lists page by offset everywhere. */
export function listLibrary(env: Env, target: Target, type: LibraryType, query: ListQuery): Promise<Listing> {
  const provider = providerFor(target.provider);
  const library = libraryOf(provider, 'list');
  if (!library.listTypes.includes(type)) throw unsupported(provider, 'list', `saved ${type}s`);
  return list(env, {
    id: target,
    type,
    query,
    maxLimit: provider.maxListLimit,
    cursor: 'offset',
    fetchPage: (session, options) => library.list(session, type, options),
  });
}

/** Spotify playlists: the user's own (owned and followed) when `owner` is null, else another user's public ones. */
export function listPlaylists(env: Env, target: Omit<Target, 'provider'>, owner: string | null, query: ListQuery): Promise<Listing> {
  return list(env, {
    id: { ...target, provider: 'spotify' },
    type: 'playlist',
    query,
    maxLimit: providerFor('spotify').maxListLimit,
    cursor: 'offset',
    fetchPage: (session, options) => playlists(session, owner, { limit: options.limit, offset: offsetOf(options.after), raw: options.raw }),
  });
}
