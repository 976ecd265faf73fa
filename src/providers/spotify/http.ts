import type { UpstreamSession } from '../../upstream/session';

export type Family = 'library' | 'legacy';

/** `SPOTIFY_ENDPOINTS`: `legacy` picks the per-type endpoints, anything else `/me/library`. */
export function familyOf(session: UpstreamSession): Family {
  return session.config.spotify.endpoints;
}

export function api(session: UpstreamSession, path: string): string {
  return `${session.config.spotify.apiUrl}${path}`;
}

/** A GET whose failure fails the whole request (lists, profiles), as the item problem it made. */
export function getJson<T>(session: UpstreamSession, path: string): Promise<T> {
  return session.getJson<T>(api(session, path));
}
