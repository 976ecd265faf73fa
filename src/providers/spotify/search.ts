import type { UpstreamSession } from '../../upstream/session';
import type { Release, ReleaseCode } from '../types';
import { getJson } from './http';

interface Found {
  id: string;
  name?: string;
  uri?: string;
}

/**
 * The album a UPC names, or the track an ISRC names: Spotify's search with its `upc:` / `isrc:`
 * field filter, one call, one result. Null when Spotify does not know the code (yet).
 *
 * @example
 * await findRelease(session, { upc: '00602445798029' }); // { type: 'album', id: '…', name: '…', uri: 'spotify:album:…' }
 */
export async function findRelease(session: UpstreamSession, code: ReleaseCode): Promise<Release | null> {
  const [field, value, type] = code.upc ? (['upc', code.upc, 'album'] as const) : (['isrc', code.isrc ?? '', 'track'] as const);
  const query = new URLSearchParams({ q: `${field}:${value}`, type, limit: '1' });
  const page = await getJson<{ albums?: { items?: Found[] }; tracks?: { items?: Found[] } }>(session, `/search?${query}`);
  const item = (type === 'album' ? page.albums : page.tracks)?.items?.[0];
  return item ? { type, id: item.id, name: item.name ?? '', uri: item.uri ?? `spotify:${type}:${item.id}` } : null;
}
