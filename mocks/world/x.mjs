// X API v2 over the sandbox world: follow (a protected account's stays pending and is not in
// `following`), unfollow, user lookups with `connection_status`, and following/followers lists,
// newest first, paged by X-style pagination tokens.
import { isUnknown, seededFollowers, xIdOfUsername, xUser } from './catalogue.mjs';
import { actAs, idOfToken } from './identity.mjs';
import { followerIdsOf, relation } from './state.mjs';

const NOT_FOUND = (id) => ({
  value: id,
  detail: `Could not find user with ids: [${id}].`,
  title: 'Not Found Error',
  resource_type: 'user',
  parameter: 'ids',
  type: 'https://api.x.com/2/problems/resource-not-found',
});

/** A pagination token for an offset: 16+ letters and digits, as X's are. */
const tokenFor = (offset) => `PG${String(offset).padStart(14, '0')}`;
const offsetOf = (token) => (token && /^PG\d{14}$/.test(token) ? Number(token.slice(2)) : 0);

function user(id, me, fields) {
  const u = xUser(id);
  const out = { id, name: u.name, username: u.username };
  if (fields.includes('protected')) out.protected = u.protected;
  if (fields.includes('profile_image_url')) out.profile_image_url = u.profile_image_url;
  if (fields.includes('public_metrics')) out.public_metrics = { followers_count: followerIdsOf('x', id, seededFollowers('x', id)).length };
  if (fields.includes('connection_status')) {
    const status = [];
    if (relation('x', me, 'follows').has('user', id)) status.push('following');
    if (relation('x', me, 'pending').has('user', id)) status.push('follow_request_sent');
    out.connection_status = status;
  }
  return out;
}

function page(url, ids, me, fields) {
  const max = Number(url.searchParams.get('max_results') ?? 100);
  const offset = offsetOf(url.searchParams.get('pagination_token'));
  const slice = ids.slice(offset, offset + max);
  const meta = { result_count: slice.length };
  if (offset + max < ids.length) meta.next_token = tokenFor(offset + max);
  if (offset > 0) meta.previous_token = tokenFor(Math.max(0, offset - max));
  return { json: slice.length ? { data: slice.map((id) => user(id, me, fields)), meta } : { meta } };
}

export function xAnswer({ method, url, json: body, token }) {
  // The path names the acting user: the token's first such call binds it (identity.mjs).
  const acting = /^\/2\/users\/(\d+)\/following(\/|$)/.exec(url.pathname)?.[1];
  if (acting && method !== 'GET' && !actAs('x', token.value, acting)) return forbidden();
  const me = idOfToken('x', token.value);
  const fields = (url.searchParams.get('user.fields') ?? '').split(',');
  const path = url.pathname;
  if (path === '/2/users/me') return { json: { data: { ...user(me, me, fields), name: token.user, username: token.user.replace(/\W/g, '_').slice(0, 15) } } };
  if (path === '/2/users' && method === 'GET') {
    const ids = (url.searchParams.get('ids') ?? '').split(',');
    const known = ids.filter((id) => !isUnknown('x', id));
    const missing = ids.filter((id) => isUnknown('x', id));
    return {
      json: { ...(known.length ? { data: known.map((id) => user(id, me, fields)) } : {}), ...(missing.length ? { errors: missing.map(NOT_FOUND) } : {}) },
    };
  }
  let m = /^\/2\/users\/by\/username\/([^/]+)$/.exec(path);
  if (m) {
    const id = xIdOfUsername(decodeURIComponent(m[1]));
    return id
      ? { json: { data: user(id, me, fields) } }
      : { json: { errors: [{ ...NOT_FOUND(m[1]), parameter: 'username', detail: `Could not find user with username: [${m[1]}].` }] } };
  }
  m = /^\/2\/users\/(\d+)\/(following|followers)$/.exec(path);
  if (m && method === 'GET') {
    const [, id, which] = m;
    if (which === 'following')
      return page(
        url,
        relation('x', id, 'follows')
          .list(['user'])
          .map((e) => e.id),
        me,
        fields,
      );
    return page(url, followerIdsOf('x', id, seededFollowers('x', id)), me, fields);
  }
  if (m && method === 'POST') {
    const target = body?.target_user_id;
    if (isUnknown('x', target))
      return {
        status: 404,
        json: {
          title: 'Not Found Error',
          type: 'https://api.x.com/2/problems/resource-not-found',
          status: 404,
          detail: `Could not find user with id: [${target}].`,
        },
      };
    if (relation('x', me, 'follows').has('user', target)) return { json: { data: { following: true, pending_follow: false } } };
    if (xUser(target).protected) {
      relation('x', me, 'pending').add('user', target);
      return { json: { data: { following: false, pending_follow: true } } };
    }
    relation('x', me, 'follows').add('user', target);
    return { json: { data: { following: true, pending_follow: false } } };
  }
  m = /^\/2\/users\/(\d+)\/following\/(\d+)$/.exec(path);
  if (m && method === 'DELETE') {
    if (isUnknown('x', m[2])) return notFoundId(m[2]);
    relation('x', me, 'follows').remove('user', m[2]);
    relation('x', me, 'pending').remove('user', m[2]);
    return { json: { data: { following: false } } };
  }
  return undefined;
}

const notFoundId = (id) => ({
  status: 404,
  json: { title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found', status: 404, detail: `Could not find user with id: [${id}].` },
});

const forbidden = () => ({
  status: 403,
  json: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'You can only follow and unfollow as the authenticated user.' },
});
