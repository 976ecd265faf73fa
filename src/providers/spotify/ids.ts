import type { FollowType } from '../types';

/** Spotify ids of artists, playlists, tracks... are 22 base62 characters. */
export const BASE62_ID = /^[0-9A-Za-z]{22}$/;
/**
 * User ids are usernames (`smedjan`, `wizzler`, or digits for newer accounts). Spotify
 * documents no grammar, so this is a looser rule: 1-64 of letters, digits, `.`, `_`, `-`.
 */
export const USER_ID = /^[0-9A-Za-z._-]{1,64}$/;

export function checkSpotifyId(type: FollowType, id: string): string | null {
  if (type === 'user') {
    return USER_ID.test(id) ? null : 'a Spotify user id is 1-64 letters, digits, ".", "_" or "-"';
  }
  return BASE62_ID.test(id) ? null : `a Spotify ${type} id is 22 letters and digits (base62), like 0TnOYISbd1XYRBk9myaseg`;
}

export function spotifyUri(type: FollowType, id: string): string {
  return `spotify:${type}:${id}`;
}

/** Query values joined by commas; ids and URIs are validated, so only `:` and `,` need keeping. */
export function list(values: string[]): string {
  return values.map((v) => encodeURIComponent(v).replace(/%3A/g, ':')).join(',');
}
