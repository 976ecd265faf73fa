// The sandbox's catalogue: made-up artists, users, tracks, albums, shows, episodes, audiobooks
// and playlists (names and images invented here, ids in each provider's format; a few ids are
// the ones the contracts' examples and the README use). Any other well-formed id still works:
// it gets a generated name, stable for that id. Ids starting `unknown` (Spotify, Audius) or
// `999999` (X), and handles not below, are ones the provider does not have.
import { base62, hash64 } from './identity.mjs';

const SPOTIFY = {
  artist: {
    '0TnOYISbd1XYRBk9myaseg': 'The Midnight Ferries',
    '6sFIWsNpZYqfjUpaCgueju': 'Juno Vale',
    '2CIMQHirSU0MQqyYHq0eOx': 'Coral Static',
    '57dN52uHvrHOxijzpIgu3E': 'Ada Lumen',
    '1vCWHaC5f2uS3yhpwWbIA6': 'Northbound Choir',
    '4Z8W4fKeB5YxbusRsdQVPb': 'Paper Comets',
    '3TVXtAsR1Inumwj472S9r4': 'Mira Okafor',
    '0OdUWJ0sBjDrqHygGUXeCF': 'Glass Orchard',
  },
  user: { smedjan: 'Sam Edjan', wizzler: 'Wiz Zler', demo: 'Demo Listener' },
  track: {
    '4iV5W9uYEdYUVa79Axb7Rh': 'Lanterns on the Water',
    '1301WleyT98MSxVHPZCA6M': 'Slow Satellite',
    '11dFghVXANMlKmJXsNCbNl': 'Harbour Lights',
    '7ouMYWpwJ422jRcDASZB7P': 'Static Bloom',
  },
  album: {
    '382ObEPsp2rxGrnsizN5TX': 'Neon Tide',
    '1A2GTWGtFfWp7KSQTwWOyo': 'Weather Systems',
    '2noRn2Aes5aoNVsU6iWThc': 'Late Ferry Home',
  },
  episode: { '77o6BIVlYM3msb4MMIL1jH': 'Liner Notes #12: Tape Hiss', '0Q86acNRm6V9GYx55SXKwf': 'Liner Notes #11: The B-Side' },
  show: { '5CfCWKI5pZ28U0uOzXkDHe': 'Liner Notes', '5as3aKmN2k11yfDDDSrvaZ': 'Backstage Hours' },
  audiobook: { '18yVqkdbdRvS24c0Ilj2ci': 'The Sound of Small Towns', '1HGw3J3NxZO1TP1BTtVhpZ': 'A Year on Tour' },
  playlist: { '3cEYpjA9oz9GiPac4AsH4n': 'Ferry Songs', '37i9dQZF1DXcBWIGoYBM5M': 'New Coast Pop' },
};

/** X users: id → [username, name, protected?]. `@XDevelopers` is the contracts' example. */
const X_USERS = {
  2244994945: ['XDevelopers', 'X Developers'],
  783214: ['XPlatform', 'X Platform'],
  1111111111: ['quiet_ferries', 'Quiet Ferries (protected)', true],
  '1601726151726440448': ['midnightferries', 'The Midnight Ferries'],
  '1400000000000000001': ['junovale', 'Juno Vale'],
  '1400000000000000002': ['coralstatic', 'Coral Static'],
};

/** Audius users (id → [handle, name]), tracks and playlists (id → title). */
const AUDIUS = {
  user: {
    nlGNe: ['rayjacobson', 'Ray Jacobsen'],
    '7eP5n': ['sk_waves', 'SK Waves'],

    Wk0Ld: ['adalumen', 'Ada Lumen'],
  },
  track: { D7KyD: 'Tidal Drift', Lq7Xb: 'Night Bus', mDPn2: 'Salt and Static' },
  playlist: { DOPRl: 'Drift Sessions', xk3Qm: 'Late Mixes' },
  album: { Ppl4X: 'Coastline', Ab9Zq: 'Night Bus EP' },
};

/** `album` or `playlist` for a collection the catalogue knows, else null. */
export const collectionKind = (id) => (AUDIUS.album[id] ? 'album' : AUDIUS.playlist[id] ? 'playlist' : null);

const WORDS = [
  ['Velvet', 'Hollow', 'Amber', 'Silver', 'Quiet', 'Electric', 'Paper', 'Golden', 'Distant', 'Crimson', 'Northern', 'Lucid'],
  ['Harbor', 'Signal', 'Orchard', 'Motel', 'Comet', 'Lighthouse', 'Garden', 'Radio', 'Canyon', 'Echo', 'River', 'Summer'],
];

/** A stable made-up name for an id not in the catalogue. */
export function generatedName(type, id) {
  const h = hash64(`${type}:${id}`);
  const name = `${WORDS[0][Number(h % 12n)]} ${WORDS[1][Number((h / 12n) % 12n)]}`;
  return { artist: name, user: `${name} Fan`, track: `${name} (Song)`, album: `${name} (LP)` }[type] ?? name;
}

export const isUnknown = (provider, id) => (provider === 'x' ? id.startsWith('999999') : id.startsWith('unknown'));

const image = (provider, id) => `https://images.sandbox.crossfollow.invalid/${provider}/${id}.jpg`;

/** A Spotify object of `type`, as the Web API shapes it. */
export function spotifyObject(type, id, extra = {}) {
  const name = SPOTIFY[type]?.[id] ?? generatedName(type, id);
  const base = {
    id,
    type,
    uri: `spotify:${type}:${id}`,
    href: `https://api.spotify.com/v1/${type}s/${id}`,
    external_urls: { spotify: `https://open.spotify.com/${type}/${id}` },
  };
  const images = [{ url: image('spotify', id), height: 640, width: 640 }];
  if (type === 'user') return { ...base, display_name: name, followers: { href: null, total: Number(hash64(id) % 500n) }, images, ...extra };
  if (type === 'track') return { ...base, name, album: { images }, ...extra };
  if (type === 'artist')
    return {
      ...base,
      name,
      genres: ['sandbox pop'],
      popularity: Number(hash64(id) % 100n),
      followers: { href: null, total: Number(hash64(id) % 100000n) },
      images,
      ...extra,
    };
  return { ...base, name, images, ...extra };
}

/** The catalogue's ids of one Spotify type. */
export const spotifyCatalogue = (type) => Object.keys(SPOTIFY[type] ?? {});

/** Albums for a UPC and tracks for an ISRC: any well-formed code has one, but the unknown ones. */
export const UNKNOWN_CODES = { upc: '000000000000', isrc: 'XX0000000000' };
export const UPC = /^\d{12,14}$/;
export const ISRC = /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/;

export function byCode(kind, code) {
  if (kind === 'upc' && (!UPC.test(code) || /^0+$/.test(code))) return null;
  if (kind === 'isrc' && (!ISRC.test(code) || code === UNKNOWN_CODES.isrc)) return null;
  const type = kind === 'upc' ? 'album' : 'track';
  const id = base62(`${kind}:${code}`, 22);
  return spotifyObject(type, id, { name: `${generatedName(type, id)} [${code}]`, external_ids: { [kind]: code } });
}

export function xUser(id) {
  const [username, name, isProtected] = X_USERS[id] ?? [`user${id}`, generatedName('user', id)];
  return { id, username, name, protected: Boolean(isProtected), profile_image_url: image('x', id) };
}

export const xIdOfUsername = (username) => Object.keys(X_USERS).find((id) => X_USERS[id][0].toLowerCase() === username.toLowerCase());

export function audiusUser(id) {
  const [handle, name] = AUDIUS.user[id] ?? [`user_${id}`, generatedName('user', id)];
  const sizes = { '150x150': image('audius', `${id}-150`), '480x480': image('audius', `${id}-480`) };
  return { id, handle, name, follower_count: Number(hash64(id) % 5000n), profile_picture: sizes };
}

export const audiusIdOfHandle = (handle) => Object.keys(AUDIUS.user).find((id) => AUDIUS.user[id][0].toLowerCase() === handle.toLowerCase());

export function audiusItem(kind, id) {
  const title = (kind === 'track' ? AUDIUS.track[id] : (AUDIUS.playlist[id] ?? AUDIUS.album[id])) ?? generatedName(kind, id);
  const artwork = { '480x480': image('audius', `${id}-480`) };
  return kind === 'track'
    ? { id, title, permalink: `/sandbox/${id.toLowerCase()}`, artwork }
    : { id, playlist_name: title, permalink: `/sandbox/playlist/${id.toLowerCase()}`, artwork };
}

/** A few catalogue users follow everyone: a user's followers list is never empty to start. */
export function seededFollowers(provider, providerId) {
  const pool = provider === 'x' ? Object.keys(X_USERS).filter((id) => !X_USERS[id][2]) : Object.keys(AUDIUS.user);
  const n = 1 + Number(hash64(`${provider}:${providerId}`) % 3n);
  return pool.filter((id) => id !== providerId).slice(0, n);
}

/** Two playlists every Spotify user owns. */
export function ownedPlaylists(userId) {
  return ['Release Day', 'On Repeat'].map((title) => {
    const id = base62(`owned:${userId}:${title}`, 22);
    return spotifyObject('playlist', id, { name: `${title} (${userId})`, owner: { id: userId, type: 'user' }, public: true });
  });
}
