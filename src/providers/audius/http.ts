import { Problem } from '../../http/problem';
import type { CallOutcome, UpstreamSession } from '../../upstream/session';
import { AUDIUS_ID } from './items';

export const api = (session: UpstreamSession, path: string) => `${session.env.AUDIUS_API_URL}${path}`;

/** Every call names the app with its API key when one is configured (higher rate limits). */
export function call(session: UpstreamSession, method: string, path: string): Promise<CallOutcome> {
  const key = session.env.AUDIUS_API_KEY;
  return session.call(method, api(session, path), undefined, key ? { headers: { 'x-api-key': key } } : {});
}

export async function getJson<T>(session: UpstreamSession, path: string): Promise<T> {
  const outcome = await call(session, 'GET', path);
  if (!outcome.ok) throw Problem.fromBody(outcome.problem, outcome.retryAfter);
  return outcome.json as T;
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
