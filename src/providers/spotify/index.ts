import type { Provider } from '../types';
import { checkFollows, listFollowedArtists, writeFollows } from './follows';
import { checkSpotifyId } from './ids';
import { spotifyLibrary } from './library';
import { currentProfile } from './reads';

export { SPOTIFY_LIMITS } from './follows';

export const spotify: Provider = {
  name: 'spotify',
  followTypes: ['artist', 'user', 'playlist'],
  listTypes: ['artist'],
  listCursor: 'token',
  maxListLimit: 50,
  checkId: checkSpotifyId,
  follow: (session, type, ids, options) => writeFollows(session, 'PUT', type, ids, options),
  unfollow: (session, type, ids) => writeFollows(session, 'DELETE', type, ids),
  contains: checkFollows,
  listFollows: (session, _type, options) => listFollowedArtists(session, options),
  library: spotifyLibrary,
  profile: currentProfile,
};
