import { mapConcurrent } from '../../net/batch';
import type { CallOutcome, UpstreamSession } from '../../upstream/session';
import { concurrencyOf, itemFailure } from '../batches';
import { ownId } from '../lookups';
import type { ItemResult } from '../types';
import { AUDIUS_ID } from './items';

export const api = (session: UpstreamSession, path: string) => `${session.config.audius.apiUrl}${path}`;

/**
 * Every call names the app with its API key when one is configured (higher rate limits).
 * `attempts: 1` for writes: an Audius write is a transaction, and a retry could send it twice. */
export function call(session: UpstreamSession, method: string, path: string, attempts?: number): Promise<CallOutcome> {
  return session.call(method, api(session, path), undefined, { ...keyed(session), ...(attempts ? { attempts } : {}) });
}

const keyed = (session: UpstreamSession) => {
  const key = session.config.audius.apiKey;
  return key ? { headers: { 'x-api-key': key } } : {};
};

export function getJson<T>(session: UpstreamSession, path: string): Promise<T> {
  return session.getJson<T>(api(session, path), keyed(session));
}

/** The connected user's Audius id, looked up once per connection (`GET /me`). */
export const me = (session: UpstreamSession) => ownId(session, '/me', AUDIUS_ID, (path) => getJson(session, path));

/** `?id=a&id=b` as Audius's bulk lookups want them. */
export const idQuery = (ids: string[]) => ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');

/**
 * An Audius write, one item a call (each is a transaction): sent once, never retried, and
 * answered with the transaction hash Audius gives.
 */
export async function writeEach(
  session: UpstreamSession,
  method: 'POST' | 'DELETE',
  ids: string[],
  path: (id: string, self: string) => string,
): Promise<ItemResult[]> {
  const self = await me(session);
  return mapConcurrent(ids, concurrencyOf(session), async (id): Promise<ItemResult> => {
    const outcome = await call(session, method, path(id, self), 1);
    if (!outcome.ok) return itemFailure(id, outcome);
    const hash = (outcome.json as { transaction_hash?: string })?.transaction_hash;
    return hash ? { id, status: 'done', transaction_hash: hash } : { id, status: 'done' };
  });
}
