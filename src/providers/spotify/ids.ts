import type { FollowType } from '../../schemas/follows';
import type { LibraryType } from '../../schemas/library';
import { oneOf } from '../names';

/** Spotify ids of artists, playlists, tracks... are 22 base62 characters. */
export const BASE62_ID = /^[0-9A-Za-z]{22}$/;
/**
 * User ids are usernames (`smedjan`, `wizzler`, or digits for newer accounts). Spotify
 * documents no grammar, so this is a looser rule: 1-64 of letters, digits, `.`, `_`, `-`.
 */
export const USER_ID = /^(?!\.+$)[0-9A-Za-z._-]{1,64}$/;

export function checkSpotifyId(type: FollowType | LibraryType, id: string): string | null {
  if (type === 'user') {
    return USER_ID.test(id) ? null : 'a Spotify user id is 1-64 letters, digits, ".", "_" or "-"';
  }
  return BASE62_ID.test(id) ? null : `a Spotify ${type} id is 22 letters and digits (base62), like 0TnOYISbd1XYRBk9myaseg`;
}

export function spotifyUri(type: string, id: string): string {
  return `spotify:${type}:${id}`;
}

/** Query values joined by commas; ids and URIs are validated, so only `:` and `,` need keeping. */
export function list(values: string[]): string {
  return values.map((v) => encodeURIComponent(v).replace(/%3A/g, ':')).join(',');
}

/** Types a `spotify:{type}:{id}` URI may name, by operation (`/me/library` checks artists too). */
export const URI_TYPES = {
  write: ['track', 'album', 'episode', 'show', 'audiobook', 'user', 'playlist'],
  contains: ['track', 'album', 'episode', 'show', 'audiobook', 'artist', 'user', 'playlist'],
} as const;

export function checkSpotifyUri(uri: string, operation: 'write' | 'contains'): string | null {
  const [, type = '', id = ''] = /^spotify:([a-z]+):(.+)$/.exec(uri) ?? [];
  const allowed: readonly (FollowType | LibraryType | 'artist')[] = URI_TYPES[operation];
  if (!oneOf(allowed, type)) return `a Spotify URI here is spotify:{${allowed.join('|')}}:{id}, like spotify:track:4iV5W9uYEdYUVa79Axb7Rh`;
  return checkSpotifyId(type, id);
}
