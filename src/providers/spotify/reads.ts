import type { UpstreamSession } from '../../upstream/session';
import type { NormalizedItem, NormalizedProfile, Page } from '../types';
import { getJson } from './http';
import { normalizeItem, normalizeUser } from './normalize';
import { offsetPage } from './paging';

export type TimeRange = 'short_term' | 'medium_term' | 'long_term';

export async function currentProfile(session: UpstreamSession, raw: boolean): Promise<NormalizedProfile> {
  return normalizeUser(await getJson(session, '/me'), raw);
}

export async function userProfile(session: UpstreamSession, spotifyUserId: string, raw: boolean): Promise<NormalizedProfile> {
  return normalizeUser(await getJson(session, `/users/${encodeURIComponent(spotifyUserId)}`), raw);
}

export interface TopPage {
  items: NormalizedItem[];
  total: number | null;
  offset: number;
  next_offset: number | null;
}

export async function topItems(
  session: UpstreamSession,
  kind: 'artists' | 'tracks',
  options: { time_range: TimeRange; limit: number; offset: number; raw: boolean },
): Promise<TopPage> {
  const page = await offsetPage(session, `/me/top/${kind}?time_range=${options.time_range}`, options.limit, options.offset, (e) =>
    normalizeItem(e, options.raw, kind === 'artists' ? 'artist' : 'track'),
  );
  return { items: page.items, total: page.total, offset: options.offset, next_offset: page.next_cursor ? options.offset + options.limit : null };
}

/** The current user's playlists (owned and followed), or another user's public ones. */
export function playlists(session: UpstreamSession, owner: string | null, options: { limit: number; offset: number; raw: boolean }): Promise<Page> {
  const path = owner === null ? '/me/playlists' : `/users/${encodeURIComponent(owner)}/playlists`;
  return offsetPage(session, path, options.limit, options.offset, (e) => normalizeItem(e, options.raw, 'playlist'));
}
