import type { UpstreamSession } from '../../upstream/session';
import { checkInBatches, writeInBatches } from '../batches';
import { offsetOf } from '../cursor';
import type { ItemResult, LibraryAdapter, LibraryType, ListOptions, Page, TimestampedId } from '../types';
import { byUri, checkFollows, checkLibraryUris, writeFollows, writeLibraryUris } from './follows';
import { api, familyOf } from './http';
import { checkSpotifyId, checkSpotifyUri, list } from './ids';
import { normalizeItem } from './normalize';
import { offsetPage } from './paging';

type SavedType = Exclude<LibraryType, 'playlist'>;

/** The per-type ("legacy") endpoints and their batch sizes; albums take 20 a call, the rest 50. */
const PER_TYPE: Record<SavedType, { path: string; batch: number }> = {
  track: { path: '/me/tracks', batch: 50 },
  album: { path: '/me/albums', batch: 20 },
  episode: { path: '/me/episodes', batch: 50 },
  show: { path: '/me/shows', batch: 50 },
  audiobook: { path: '/me/audiobooks', batch: 50 },
};

/** Saving a playlist is following it: the follows code already knows both endpoint families. */
async function write(session: UpstreamSession, method: 'PUT' | 'DELETE', type: LibraryType, ids: string[]): Promise<ItemResult[]> {
  if (type === 'playlist') return writeFollows(session, method, 'playlist', ids);
  if (familyOf(session) === 'library') return byUri(type, ids, (uris) => writeLibraryUris(session, method, uris));
  const { path, batch } = PER_TYPE[type];
  // PUT /me/tracks takes its ids in the body only; every other call takes them in the query.
  if (type === 'track' && method === 'PUT') return writeInBatches(session, ids, batch, (b) => session.call('PUT', api(session, path), { ids: b }));
  return writeInBatches(session, ids, batch, (b) => session.call(method, api(session, `${path}?ids=${list(b)}`)));
}

async function contains(session: UpstreamSession, type: LibraryType, ids: string[]): Promise<ItemResult[]> {
  if (type === 'playlist') return checkFollows(session, 'playlist', ids);
  if (familyOf(session) === 'library') return byUri(type, ids, (uris) => checkLibraryUris(session, uris));
  const { path, batch } = PER_TYPE[type];
  return checkInBatches(session, ids, batch, (b) => session.call('GET', api(session, `${path}/contains?ids=${list(b)}`)));
}

/** Only `PUT /me/tracks` keeps the order in time (`timestamped_ids`), in either family. */
function saveTimestamped(session: UpstreamSession, items: TimestampedId[]): Promise<ItemResult[]> {
  const byId = new Map(items.map((i) => [i.id, i]));
  return writeInBatches(session, [...byId.keys()], PER_TYPE.track.batch, (b) =>
    session.call('PUT', api(session, PER_TYPE.track.path), { timestamped_ids: b.flatMap((id) => byId.get(id) ?? []) }),
  );
}

interface SavedEntry {
  added_at?: string;
  [type: string]: unknown;
}

async function listSaved(session: UpstreamSession, type: LibraryType, options: ListOptions): Promise<Page> {
  const offset = offsetOf(options.after);
  const withRaw = (entry: unknown, item: ReturnType<typeof normalizeItem>) => (options.raw ? { ...item, raw: entry } : item);
  if (type === 'playlist') {
    return offsetPage(session, '/me/playlists', options.limit, offset, (e) => normalizeItem(e, options.raw, 'playlist'));
  }
  // Saved lists wrap each object with its `added_at` ({added_at, track}); a bare object is
  // taken as it is, so an answer in the older shape still lists.
  return offsetPage(session, PER_TYPE[type].path, options.limit, offset, (e) => {
    const entry = e as SavedEntry;
    if (type in entry && !entry[type]) return null;
    const inner = entry[type] ?? entry;
    return withRaw(entry, normalizeItem(inner, false, type, entry.added_at));
  });
}

export const spotifyLibrary: LibraryAdapter = {
  types: ['track', 'album', 'episode', 'show', 'audiobook', 'playlist'],
  listTypes: ['track', 'album', 'episode', 'show', 'audiobook', 'playlist'],
  checkId: checkSpotifyId,
  save: (session, type, ids) => write(session, 'PUT', type, ids),
  remove: (session, type, ids) => write(session, 'DELETE', type, ids),
  contains,
  list: listSaved,
  saveTimestamped,
  uris: {
    check: checkSpotifyUri,
    save: (session, uris) => writeLibraryUris(session, 'PUT', uris),
    remove: (session, uris) => writeLibraryUris(session, 'DELETE', uris),
    contains: checkLibraryUris,
  },
};
