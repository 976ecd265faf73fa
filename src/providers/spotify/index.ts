import { Problem } from '../../http/problem';
import type { UpstreamSession } from '../../upstream/session';
import { checkInBatches, writeInBatches } from '../batches';
import type { FollowOptions, FollowType, ItemResult, ListOptions, Page, Provider } from '../types';
import { checkSpotifyId, list, spotifyUri } from './ids';
import { encodeCursor } from '../cursor';
import { normalizeArtist } from './normalize';

/** Upstream batch sizes (per call), from Spotify's reference. */
export const SPOTIFY_LIMITS = { following: 50, library: 40 } as const;

type Family = 'library' | 'legacy';

/**
 * Which endpoint family an operation uses. `/me/library` takes URIs of users and playlists but
 * cannot follow or unfollow artists, so those always use `/me/following`; a playlist follow with
 * an explicit `public` flag needs the per-type endpoint, the only one with that option.
 */
function familyFor(session: UpstreamSession, type: FollowType, op: 'write' | 'check', options: FollowOptions = {}): Family {
  if (session.env.SPOTIFY_ENDPOINTS === 'legacy') return 'legacy';
  if (type === 'artist' && op === 'write') return 'legacy';
  if (type === 'playlist' && options.public !== undefined) return 'legacy';
  return 'library';
}

function api(session: UpstreamSession, path: string): string {
  return `${session.env.SPOTIFY_API_URL}${path}`;
}

async function write(session: UpstreamSession, method: 'PUT' | 'DELETE', type: FollowType, ids: string[], options: FollowOptions = {}): Promise<ItemResult[]> {
  if (familyFor(session, type, 'write', options) === 'library') {
    return writeInBatches(session, ids, SPOTIFY_LIMITS.library, (batch) =>
      session.call(method, api(session, `/me/library?uris=${list(batch.map((id) => spotifyUri(type, id)))}`)),
    );
  }
  if (type === 'playlist') {
    const body = method === 'PUT' && options.public !== undefined ? { public: options.public } : undefined;
    return writeInBatches(session, ids, 1, ([id]) => session.call(method, api(session, `/playlists/${id}/followers`), body));
  }
  return writeInBatches(session, ids, SPOTIFY_LIMITS.following, (batch) =>
    session.call(method, api(session, `/me/following?type=${type}&ids=${list(batch)}`)),
  );
}

export const spotify: Provider = {
  name: 'spotify',
  followTypes: ['artist', 'user', 'playlist'],
  listTypes: ['artist'],
  checkId: checkSpotifyId,

  follow: (session, type, ids, options) => write(session, 'PUT', type, ids, options),
  unfollow: (session, type, ids) => write(session, 'DELETE', type, ids),

  async contains(session, type, ids) {
    if (familyFor(session, type, 'check') === 'library') {
      return checkInBatches(session, ids, SPOTIFY_LIMITS.library, (batch) =>
        session.call('GET', api(session, `/me/library/contains?uris=${list(batch.map((id) => spotifyUri(type, id)))}`)),
      );
    }
    if (type === 'playlist') {
      return checkInBatches(session, ids, 1, ([id]) => session.call('GET', api(session, `/playlists/${id}/followers/contains`)));
    }
    return checkInBatches(session, ids, SPOTIFY_LIMITS.following, (batch) =>
      session.call('GET', api(session, `/me/following/contains?type=${type}&ids=${list(batch)}`)),
    );
  },

  async listFollows(session, type, options: ListOptions): Promise<Page> {
    if (type !== 'artist') throw new Error(`listFollows(${type}) called although listTypes excludes it`);
    const after = options.after;
    const query = new URLSearchParams({ type: 'artist', limit: String(options.limit) });
    if (after) query.set('after', after);
    const outcome = await session.call('GET', api(session, `/me/following?${query}`));
    if (!outcome.ok) {
      throw Problem.fromBody(outcome.problem, outcome.retryAfter);
    }
    const page = (outcome.json as { artists?: { items?: unknown[]; next?: string | null; cursors?: { after?: string | null } } }).artists;
    const items = (page?.items ?? []).map((raw) => normalizeArtist(raw, options.raw));
    const nextAfter = page?.next ? page.cursors?.after : null;
    return { items, next_cursor: nextAfter ? encodeCursor(nextAfter) : null };
  },
};
