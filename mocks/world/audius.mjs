// The Audius API over the sandbox world: follow and favorite writes (each answers a transaction
// hash), bulk lookups with `does_current_user_follow` / `has_current_user_saved`, handles, and
// following / followers / library lists by offset, newest first.
import { audiusIdOfHandle, audiusItem, audiusUser, collectionKind, isUnknown, seededFollowers } from './catalogue.mjs';
import { actAs, hash64, idOfToken } from './identity.mjs';
import { followerIdsOf, relation } from './state.mjs';

const notFound = (what) => ({ status: 404, json: { error: `${what} not found` } });
const txHash = (seed) => `0x${[0, 1, 2, 3].map((i) => hash64(`${seed}#${i}`).toString(16).padStart(16, '0')).join('')}`;

const userOf = (id, me) => ({ ...audiusUser(id), does_current_user_follow: me ? relation('audius', me, 'follows').has('user', id) : false });

function page(url, entries) {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 10);
  return { json: { data: entries.slice(offset, offset + limit) } };
}

/** Albums are playlists on Audius; a favorite keeps which list it was saved from. */
const KINDS = { tracks: 'track', playlists: 'playlist' };

export function audiusAnswer({ method, url, token }) {
  const write = method === 'POST' || method === 'DELETE';
  // Writes name the acting user in `user_id`: the token's first one binds it (identity.mjs).
  if (write && url.searchParams.get('user_id') && !actAs('audius', token.value, url.searchParams.get('user_id'))) {
    return { status: 403, json: { error: 'forbidden: user_id is not the user this token belongs to' } };
  }
  const me = idOfToken('audius', token.value);
  const acting = url.searchParams.get('user_id') ?? me;
  const path = url.pathname;
  if (path === '/me') return { json: { data: { ...audiusUser(me), handle: token.user.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 30), name: token.user } } };
  if (path === '/users' && method === 'GET')
    return {
      json: {
        data: url.searchParams
          .getAll('id')
          .filter((id) => !isUnknown('audius', id))
          .map((id) => userOf(id, acting)),
      },
    };
  if (path === '/tracks' || path === '/playlists') {
    const kind = KINDS[path.slice(1)];
    const ids = url.searchParams.getAll('id').filter((id) => !isUnknown('audius', id));
    return { json: { data: ids.map((id) => ({ ...audiusItem(kind, id), has_current_user_saved: relation('audius', acting, 'saved').has(kind, id) })) } };
  }
  let m = /^\/users\/handle\/([^/]+)$/.exec(path);
  if (m) {
    const id = audiusIdOfHandle(decodeURIComponent(m[1]));
    return id ? { json: { data: userOf(id, acting) } } : notFound(`user @${m[1]}`);
  }
  m = /^\/users\/([^/]+)\/follow$/.exec(path);
  if (m) {
    if (isUnknown('audius', m[1])) return notFound(`user ${m[1]}`);
    if (method === 'POST') relation('audius', me, 'follows').add('user', m[1]);
    else relation('audius', me, 'follows').remove('user', m[1]);
    return { json: { transaction_hash: txHash(`${me}:${method}:${m[1]}:${Date.now()}`) } };
  }
  m = /^\/(tracks|playlists)\/([^/]+)\/favorites$/.exec(path);
  if (m) {
    const kind = KINDS[m[1]];
    if (isUnknown('audius', m[2])) return notFound(`${kind} ${m[2]}`);
    if (method === 'POST') relation('audius', me, 'saved').add(kind, m[2]);
    else relation('audius', me, 'saved').remove(kind, m[2]);
    return { json: { transaction_hash: txHash(`${me}:${method}:${m[2]}:${Date.now()}`) } };
  }
  m = /^\/users\/([^/]+)\/(following|followers)$/.exec(path);
  if (m) {
    const [, id, which] = m;
    const ids =
      which === 'following'
        ? relation('audius', id, 'follows')
            .list(['user'])
            .map((e) => e.id)
        : followerIdsOf('audius', id, seededFollowers('audius', id));
    return page(
      url,
      ids.map((uid) => userOf(uid, acting)),
    );
  }
  m = /^\/users\/([^/]+)\/library\/(tracks|albums|playlists)$/.exec(path);
  if (m) {
    const kind = m[2] === 'tracks' ? 'track' : 'playlist';
    // A favorite of a collection does not say album or playlist: each list shows the
    // collections the catalogue knows as its kind, and ids it does not know in both.
    const fits = (id) => kind === 'track' || collectionKind(id) === null || collectionKind(id) === m[2].slice(0, -1);
    const entries = relation('audius', m[1], 'saved')
      .list([kind])
      .filter((e) => fits(e.id));
    const item_type = kind;
    return page(
      url,
      entries.map((e) => ({ timestamp: e.at, item_type, class: `${kind === 'track' ? 'track' : 'collection'}_activity_full`, item: audiusItem(kind, e.id) })),
    );
  }
  return undefined;
}
