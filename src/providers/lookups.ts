import { Problem, problemBody } from '../http/problem';
import type { CallOutcome, UpstreamSession } from '../upstream/session';
import { itemFailure, resultsInBatches } from './batches';
import type { ItemResult } from './types';

/**
 * A check answered by a bulk lookup (X `GET /2/users?ids=`, Audius `GET /users?id=&id=`): one
 * call per `size` ids; `isOn` reads the flag off each entry found, and an id the provider did not
 * return is that item's 404.
 */
export function containsByLookup<T extends { id: string }>(
  session: UpstreamSession,
  ids: string[],
  size: number,
  lookup: (batch: string[]) => Promise<CallOutcome>,
  isOn: (entry: T) => boolean,
  noun: string,
): Promise<ItemResult[]> {
  return resultsInBatches(session, ids, size, async (batch) => {
    const outcome = await lookup(batch);
    if (!outcome.ok) return batch.map((id) => itemFailure(id, outcome));
    const found = new Map(((outcome.json as { data?: T[] }).data ?? []).map((entry) => [entry.id, entry]));
    return batch.map((id): ItemResult => {
      const entry = found.get(id);
      return entry
        ? { id, status: 'done', following: isOn(entry) }
        : { id, status: 'failed', problem: problemBody(404, 'target-not-found', `${session.label} has no ${noun} ${id}.`) };
    });
  });
}

/**
 * The connected user's own id at the provider from `GET path` (`{data: {id}}`), looked up once
 * per connection and kept with it (see UpstreamSession.providerUserId).
 */
export function ownId(session: UpstreamSession, path: string, valid: RegExp, getJson: (path: string) => Promise<{ data?: { id?: string } }>): Promise<string> {
  return session.providerUserId(async () => {
    const id = (await getJson(path)).data?.id;
    if (!id || !valid.test(id)) throw new Problem(502, 'upstream-error', `${session.label} answered GET ${path} without a valid user id.`);
    return id;
  });
}
