// Spotify's Web API over the sandbox world: follows (artists, users, playlists) and saved items
// (tracks, albums, episodes, shows, audiobooks), by either endpoint family, with Spotify's paging:
// followed artists by `after` cursor (artist id order), everything else by offset, newest first.

import { byCode, isUnknown, ownedPlaylists, spotifyCatalogue, spotifyObject } from './catalogue.mjs';
import { base62, providerIdOf } from './identity.mjs';
import { relation } from './state.mjs';

const SAVED_TYPES = ['track', 'album', 'episode', 'show', 'audiobook'];
const PER_TYPE = { '/me/tracks': 'track', '/me/albums': 'album', '/me/episodes': 'episode', '/me/shows': 'show', '/me/audiobooks': 'audiobook' };
const API = 'https://api.spotify.com/v1';

const idsOf = (url, body) => {
  const q = url.searchParams.get('ids');
  if (q) return q.split(',');
  return Array.isArray(body?.ids) ? body.ids : [];
};

const notFound = (what) => ({ status: 404, json: { error: { status: 404, message: `Non existing id: '${what}'` } } });

/** `spotify:type:id` → [type, id]. */
const parseUri = (uri) => {
  const [, type = '', ...rest] = uri.split(':');
  return [type, rest.join(':')];
};

/** Where an item lives in the world: saved items, or follows (artists, users, playlists). */
const shelf = (type) => (SAVED_TYPES.includes(type) ? 'saved' : 'follows');

function write(me, method, pairs, at) {
  const unknown = pairs.find(([, id]) => isUnknown('spotify', id));
  if (unknown) return notFound(`spotify:${unknown[0]}:${unknown[1]}`);
  for (const [type, id, when] of pairs) {
    const rel = relation('spotify', me, shelf(type));
    if (method === 'PUT') rel.add(type, id, when ?? at);
    else rel.remove(type, id);
  }
  return { keep: true };
}

const check = (me, pairs) => ({ json: pairs.map(([type, id]) => relation('spotify', me, shelf(type)).has(type, id)) });

function offsetPage(url, all, total = all.length) {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const at = (o) => {
    const u = new URL(`${API}${url.pathname}`);
    for (const [k, v] of url.searchParams) if (k !== 'offset' && k !== 'limit') u.searchParams.set(k, v);
    u.searchParams.set('offset', String(o));
    u.searchParams.set('limit', String(limit));
    return u.toString();
  };
  const items = typeof all === 'function' ? all(offset, Math.min(limit, Math.max(0, total - offset))) : all.slice(offset, offset + limit);
  return {
    json: {
      href: at(offset),
      limit,
      offset,
      total,
      items,
      next: offset + limit < total ? at(offset + limit) : null,
      previous: offset > 0 ? at(Math.max(0, offset - limit)) : null,
    },
  };
}

/** Followed artists: Spotify pages them by the last artist id seen (`after`). */
function followedArtists(me, url) {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const after = url.searchParams.get('after');
  const ids = relation('spotify', me, 'follows')
    .list(['artist'])
    .map((e) => e.id)
    .sort();
  const rest = after ? ids.filter((id) => id > after) : ids;
  const page = rest.slice(0, limit);
  const more = rest.length > limit;
  const last = page.at(-1) ?? null;
  const next = more ? `${API}/me/following?type=artist&after=${last}&limit=${limit}` : null;
  return {
    json: {
      artists: {
        href: `${API}/me/following?type=artist&limit=${limit}${after ? `&after=${after}` : ''}`,
        limit,
        next,
        total: ids.length,
        cursors: { after: more ? last : null, before: null },
        items: page.map((id) => spotifyObject('artist', id)),
      },
    },
  };
}

function saved(me, type, url, huge) {
  if (huge)
    return offsetPage(
      url,
      (offset, n) => Array.from({ length: n }, (_, i) => ({ added_at: '2026-01-01T00:00:00Z', [type]: spotifyObject(type, base62(`huge:${offset + i}`, 22)) })),
      100000,
    );
  const entries = relation('spotify', me, 'saved').list([type]);
  return offsetPage(
    url,
    entries.map((e) => ({ added_at: e.at, [type]: spotifyObject(type, e.id) })),
  );
}

function myPlaylists(me, url) {
  const followed = relation('spotify', me, 'follows')
    .list(['playlist'])
    .map((e) => spotifyObject('playlist', e.id, { owner: { id: 'sandbox', type: 'user' }, public: true }));
  return offsetPage(url, [...followed, ...ownedPlaylists(me)]);
}

function search(given) {
  const url = new URL(given);
  if (!url.searchParams.has('limit')) url.searchParams.set('limit', '5');
  const q = url.searchParams.get('q') ?? '';
  const types = (url.searchParams.get('type') ?? '').split(',');
  const [, kind, code] = /^(upc|isrc):(\S+)$/.exec(q.trim()) ?? [];
  const found = kind ? byCode(kind, code) : null;
  const out = {};
  for (const type of types) {
    const items = found && found.type === type ? [found] : [];
    out[`${type}s`] = offsetPage(url, items).json;
  }
  return { json: out };
}

/** The answer for a request Prism found valid, or undefined to pass Prism's own through. */
export function spotifyAnswer({ method, url, json: body, token }) {
  const me = providerIdOf('spotify', token.user);
  const path = url.pathname;
  const now = new Date().toISOString();
  if (path === '/me' && method === 'GET') return { json: spotifyObject('user', me, { country: 'SE', product: 'premium', email: `${me}@sandbox.invalid` }) };
  if (path === '/search') return search(url);
  let m = /^\/users\/([^/]+)(\/playlists)?$/.exec(path);
  if (m && method === 'GET') {
    const id = decodeURIComponent(m[1]);
    if (isUnknown('spotify', id)) return notFound(`spotify:user:${id}`);
    return m[2] ? offsetPage(url, ownedPlaylists(id)) : { json: spotifyObject('user', id) };
  }
  if (path === '/me/following') {
    if (method === 'GET') return followedArtists(me, url);
    const type = url.searchParams.get('type');
    return write(
      me,
      method,
      idsOf(url, body).map((id) => [type, id]),
      now,
    );
  }
  if (path === '/me/following/contains')
    return check(
      me,
      idsOf(url, null).map((id) => [url.searchParams.get('type'), id]),
    );
  m = /^\/playlists\/([^/]+)\/followers(\/contains)?$/.exec(path);
  if (m) return m[2] ? check(me, [['playlist', m[1]]]) : write(me, method, [['playlist', m[1]]], now);
  if (path === '/me/library' || path === '/me/library/contains') {
    const pairs = (url.searchParams.get('uris') ?? '').split(',').map(parseUri);
    return path.endsWith('/contains') ? check(me, pairs) : write(me, method, pairs, now);
  }
  if (path === '/me/playlists' && method === 'GET') return myPlaylists(me, url);
  if (path === '/me/top/artists' || path === '/me/top/tracks') {
    const type = path.endsWith('artists') ? 'artist' : 'track';
    // What the user follows or saved comes first, then the catalogue's, so the list is never empty.
    const mine = relation('spotify', me, type === 'artist' ? 'follows' : 'saved')
      .list([type])
      .map((e) => e.id);
    const ids = [...new Set([...mine, ...spotifyCatalogue(type)])];
    return offsetPage(
      url,
      ids.map((id) => spotifyObject(type, id)),
    );
  }
  const listPath = path.replace(/\/contains$/, '');
  const type = PER_TYPE[listPath];
  if (type) {
    if (path.endsWith('/contains'))
      return check(
        me,
        idsOf(url, null).map((id) => [type, id]),
      );
    if (method === 'GET') return saved(me, type, url, token.value.startsWith('huge'));
    if (Array.isArray(body?.timestamped_ids))
      return write(
        me,
        method,
        body.timestamped_ids.map((t) => [type, t.id, new Date(t.added_at).toISOString()]),
        now,
      );
    return write(
      me,
      method,
      idsOf(url, body).map((id) => [type, id]),
      now,
    );
  }
  return undefined;
}
