import { Problem } from '../../http/problem';
import type { CallOutcome, UpstreamSession } from '../../upstream/session';
import { AUDIUS_ID } from './items';
import { mapConcurrent } from '../../net/batch';
import { concurrencyOf, itemFailure } from '../batches';
import type { ItemResult } from '../types';

export const api = (session: UpstreamSession, path: string) => `${session.env.AUDIUS_API_URL}${path}`;

/** Every call names the app with its API key when one is configured (higher rate limits). */
/** `attempts: 1` for writes: an Audius write is a transaction, and a retry could send it twice. */
export function call(session: UpstreamSession, method: string, path: string, attempts?: number): Promise<CallOutcome> {
  return session.call(method, api(session, path), undefined, { ...keyed(session), ...(attempts ? { attempts } : {}) });
}

const keyed = (session: UpstreamSession) => (session.env.AUDIUS_API_KEY ? { headers: { 'x-api-key': session.env.AUDIUS_API_KEY } } : {});

export function getJson<T>(session: UpstreamSession, path: string): Promise<T> {
  return session.getJson<T>(api(session, path), keyed(session));
}

/** The connected user's Audius id, looked up once per connection (`GET /me`). */
export function me(session: UpstreamSession): Promise<string> {
  return session.providerUserId(async () => {
    const id = (await getJson<{ data?: { id?: string } }>(session, '/me')).data?.id;
    if (!id || !AUDIUS_ID.test(id)) throw new Problem(502, 'upstream-error', 'Audius answered GET /me without a valid user id.');
    return id;
  });
}

/** `?id=a&id=b` as Audius's bulk lookups want them. */
export const idQuery = (ids: string[]) => ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');

/**
 * An Audius write, one item a call (each is a transaction): sent once, never retried, and
 * answered with the transaction hash Audius gives.
 */
export async function writeEach(session: UpstreamSession, method: 'POST' | 'DELETE', ids: string[], path: (id: string, self: string) => string): Promise<ItemResult[]> {
  const self = await me(session);
  return mapConcurrent(ids, concurrencyOf(session), async (id): Promise<ItemResult> => {
    const outcome = await call(session, method, path(id, self), 1);
    if (!outcome.ok) return itemFailure(id, outcome);
    const hash = (outcome.json as { transaction_hash?: string })?.transaction_hash;
    return hash ? { id, status: 'done', transaction_hash: hash } : { id, status: 'done' };
  });
}
