import type { Provider } from '../types';
import { checkFollows, listFollowedArtists, writeFollows } from './follows';
import { checkSpotifyId, USER_ID } from './ids';
import { spotifyLibrary } from './library';
import { spotifyOAuth } from './oauth';
import { currentProfile } from './reads';
import { findRelease } from './search';

export { SPOTIFY_LIMITS } from './follows';

export const spotify: Provider = {
  name: 'spotify',
  oauth: spotifyOAuth,
  followTypes: ['artist', 'user', 'playlist'],
  listTypes: ['artist'],
  listCursor: 'token',
  checkProviderUserId: (id) => (USER_ID.test(id) ? null : 'a Spotify user id is 1-64 letters, digits, ".", "_" or "-"'),
  maxListLimit: 50,
  checkCursor: (after) => (/^[0-9A-Za-z]{22}$/.test(after) ? null : 'not a cursor of this list'),
  checkId: checkSpotifyId,
  follow: (session, type, ids, options) => writeFollows(session, 'PUT', type, ids, options),
  unfollow: (session, type, ids) => writeFollows(session, 'DELETE', type, ids),
  contains: checkFollows,
  listFollows: (session, _type, options) => listFollowedArtists(session, options),
  library: spotifyLibrary,
  profile: currentProfile,
  findRelease,
};
