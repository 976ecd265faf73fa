import type { UpstreamSession } from '../../upstream/session';
import { encodeCursor, offsetOf } from '../cursor';
import { containsByLookup } from '../lookups';
import type { ItemResult, LibraryAdapter, LibraryType, ListOptions, Page } from '../types';
import { call, getJson, idQuery, me, writeEach } from './http';
import { checkAudiusId, normalizeAudius } from './items';

const BULK = 50;
/** Albums are playlists on Audius: they are saved through the playlist endpoints. */
const kindOf = (type: LibraryType) => (type === 'track' ? 'tracks' : 'playlists');

/** Saves or removes one item a call; the result carries the transaction hash Audius gives. */
const write = (session: UpstreamSession, method: 'POST' | 'DELETE', type: LibraryType, ids: string[]) =>
  writeEach(session, method, ids, (id, self) => `/${kindOf(type)}/${id}/favorites?user_id=${self}`);

/** `has_current_user_saved` from a bulk lookup, not one call per id. */
async function contains(session: UpstreamSession, type: LibraryType, ids: string[]): Promise<ItemResult[]> {
  const self = await me(session);
  return containsByLookup<{ id: string; has_current_user_saved?: boolean }>(
    session,
    ids,
    BULK,
    (batch) => call(session, 'GET', `/${kindOf(type)}?user_id=${self}&${idQuery(batch)}`),
    (item) => item.has_current_user_saved === true,
    type,
  );
}

async function list(session: UpstreamSession, type: LibraryType, options: ListOptions): Promise<Page> {
  const self = await me(session);
  const offset = offsetOf(options.after);
  const page = await getJson<{ data?: { timestamp?: string; item: unknown }[] }>(
    session,
    `/users/${self}/library/${type}s?offset=${offset}&limit=${options.limit}&type=favorite&user_id=${self}`,
  );
  const data = page.data ?? [];
  return {
    items: data.map((entry) => ({ ...normalizeAudius(entry.item, type, false, entry.timestamp), ...(options.raw ? { raw: entry } : {}) })),
    // Audius lists say nothing of a next page: a full page means there may be one.
    next_cursor: data.length === options.limit ? encodeCursor(String(offset + options.limit)) : null,
  };
}

export const audiusLibrary: LibraryAdapter = {
  types: ['track', 'album', 'playlist'],
  listTypes: ['track', 'album', 'playlist'],
  checkId: (_type, id) => checkAudiusId(id),
  save: (session, type, ids) => write(session, 'POST', type, ids),
  remove: (session, type, ids) => write(session, 'DELETE', type, ids),
  contains,
  list,
};
