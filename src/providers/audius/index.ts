import type { UpstreamSession } from '../../upstream/session';
import { encodeCursor, offsetOf } from '../cursor';
import { withHandles } from '../handles';
import { containsByLookup } from '../lookups';
import type { ItemResult, ListOptions, Page, Provider } from '../types';
import { call, getJson, idQuery, me, writeEach } from './http';
import { AUDIUS_ID, checkAudiusUser, normalizeAudius, normalizeAudiusProfile } from './items';
import { audiusLibrary } from './library';
import { audiusOAuth } from './oauth';

const BULK = 50;

/** Follows or unfollows one user a call; the result carries the transaction hash. */
const write = (session: UpstreamSession, method: 'POST' | 'DELETE', ids: string[]) =>
  writeEach(session, method, ids, (id, self) => `/users/${id}/follow?user_id=${self}`);

/** `does_current_user_follow` from a bulk user lookup, not one call per id. */
async function contains(session: UpstreamSession, ids: string[]): Promise<ItemResult[]> {
  const self = await me(session);
  return containsByLookup<{ id: string; does_current_user_follow?: boolean }>(
    session,
    ids,
    BULK,
    (batch) => call(session, 'GET', `/users?user_id=${self}&${idQuery(batch)}`),
    (user) => user.does_current_user_follow === true,
    'user',
  );
}

async function list(session: UpstreamSession, relation: 'following' | 'followers', options: ListOptions): Promise<Page> {
  const self = await me(session);
  const offset = offsetOf(options.after);
  const page = await getJson<{ data?: unknown[] }>(session, `/users/${self}/${relation}?offset=${offset}&limit=${options.limit}&user_id=${self}`);
  const data = page.data ?? [];
  return {
    items: data.map((u) => normalizeAudius(u, 'user', options.raw)),
    next_cursor: data.length === options.limit ? encodeCursor(String(offset + options.limit)) : null,
  };
}

const byHandle = (session: UpstreamSession) => (handle: string) => call(session, 'GET', `/users/handle/${encodeURIComponent(handle)}`);
const idOf = (json: unknown) => (json as { data?: { id?: string } })?.data?.id;
const resolving = (session: UpstreamSession, ids: string[], run: (ids: string[]) => Promise<ItemResult[]>) =>
  withHandles(session, ids, byHandle(session), idOf, (id) => AUDIUS_ID.test(id), run);

export const audius: Provider = {
  name: 'audius',
  oauth: audiusOAuth,
  followTypes: ['user'],
  listTypes: ['user'],
  listCursor: 'offset',
  checkProviderUserId: (id) => (AUDIUS_ID.test(id) ? null : 'an Audius user id is 1-16 letters or digits'),
  maxListLimit: 100,
  checkId: (_type, id) => checkAudiusUser(id),
  follow: (session, _type, ids) => resolving(session, ids, (resolved) => write(session, 'POST', resolved)),
  unfollow: (session, _type, ids) => resolving(session, ids, (resolved) => write(session, 'DELETE', resolved)),
  contains: (session, _type, ids) => resolving(session, ids, (resolved) => contains(session, resolved)),
  listFollows: (session, _type, options) => list(session, 'following', options),
  listFollowers: (session, options) => list(session, 'followers', options),
  library: audiusLibrary,
  async profile(session, raw) {
    return normalizeAudiusProfile((await getJson<{ data: unknown }>(session, '/me')).data, raw);
  },
};
