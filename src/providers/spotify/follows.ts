import type { UpstreamSession } from '../../upstream/session';
import { checkInBatches, writeInBatches } from '../batches';
import { encodeCursor } from '../cursor';
import type { FollowOptions, FollowType, ItemResult, ListOptions, Page } from '../types';
import { api, type Family, familyOf, getJson } from './http';
import { list, spotifyUri } from './ids';
import { normalizeItem } from './normalize';

/** Upstream batch sizes (per call), from Spotify's reference. */
export const SPOTIFY_LIMITS = { following: 50, library: 40 } as const;

/**
 * Which endpoint family a follow operation uses. `/me/library` takes URIs of users and
 * playlists but cannot follow or unfollow artists, so those always use `/me/following`; a
 * playlist follow with an explicit `public` flag needs the per-type endpoint, the only one with
 * that option.
 */
function familyFor(session: UpstreamSession, type: FollowType, op: 'write' | 'check', options: FollowOptions = {}): Family {
  if (familyOf(session) === 'legacy') return 'legacy';
  if (type === 'artist' && op === 'write') return 'legacy';
  if (type === 'playlist' && options.public !== undefined) return 'legacy';
  return 'library';
}

/** Writes URIs to `/me/library`, 40 a call; results carry the `key` each URI was made from. */
export function writeLibraryUris(session: UpstreamSession, method: 'PUT' | 'DELETE', uris: string[]): Promise<ItemResult[]> {
  return writeInBatches(session, uris, SPOTIFY_LIMITS.library, (batch) => session.call(method, api(session, `/me/library?uris=${list(batch)}`)));
}

export function checkLibraryUris(session: UpstreamSession, uris: string[]): Promise<ItemResult[]> {
  return checkInBatches(session, uris, SPOTIFY_LIMITS.library, (batch) => session.call('GET', api(session, `/me/library/contains?uris=${list(batch)}`)));
}

/** Runs a URI operation for ids of one type and reports results by id again. */
export async function byUri(type: string, ids: string[], run: (uris: string[]) => Promise<ItemResult[]>): Promise<ItemResult[]> {
  const results = await run(ids.map((id) => spotifyUri(type, id)));
  return results.map((r, i) => ({ ...r, id: ids[i] ?? r.id }));
}

export async function writeFollows(
  session: UpstreamSession,
  method: 'PUT' | 'DELETE',
  type: FollowType,
  ids: string[],
  options: FollowOptions = {},
): Promise<ItemResult[]> {
  if (familyFor(session, type, 'write', options) === 'library') return byUri(type, ids, (uris) => writeLibraryUris(session, method, uris));
  if (type === 'playlist') {
    const body = method === 'PUT' && options.public !== undefined ? { public: options.public } : undefined;
    return writeInBatches(session, ids, 1, ([id]) => session.call(method, api(session, `/playlists/${id}/followers`), body));
  }
  return writeInBatches(session, ids, SPOTIFY_LIMITS.following, (batch) => session.call(method, api(session, `/me/following?type=${type}&ids=${list(batch)}`)));
}

export async function checkFollows(session: UpstreamSession, type: FollowType, ids: string[]): Promise<ItemResult[]> {
  if (familyFor(session, type, 'check') === 'library') return byUri(type, ids, (uris) => checkLibraryUris(session, uris));
  if (type === 'playlist') {
    return checkInBatches(session, ids, 1, ([id]) => session.call('GET', api(session, `/playlists/${id}/followers/contains`)));
  }
  return checkInBatches(session, ids, SPOTIFY_LIMITS.following, (batch) =>
    session.call('GET', api(session, `/me/following/contains?type=${type}&ids=${list(batch)}`)),
  );
}

interface FollowedArtists {
  artists?: { items?: unknown[]; next?: string | null; cursors?: { after?: string | null } };
}

/** Followed artists, cursor-paged by Spotify's `after` (the only follow list Spotify has). */
export async function listFollowedArtists(session: UpstreamSession, options: ListOptions): Promise<Page> {
  const query = new URLSearchParams({ type: 'artist', limit: String(options.limit) });
  if (options.after) query.set('after', options.after);
  const page = (await getJson<FollowedArtists>(session, `/me/following?${query}`)).artists;
  const items = (page?.items ?? []).map((raw) => normalizeItem(raw, options.raw, 'artist'));
  const nextAfter = page?.next ? page.cursors?.after : null;
  return { items, next_cursor: nextAfter ? encodeCursor(nextAfter) : null };
}
