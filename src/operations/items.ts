import type { Env } from '../env';
import { type FieldError, validationProblem } from '../http/problem';
import type { ItemResult } from '../providers/types';
import type { BatchResponse } from '../schemas/follows';
import type { ConnectionId } from '../storage/keys';
import { UpstreamSession } from '../upstream/session';
import { dedupe, failureOf, summarize } from './results';

/** One operation over many items for one connection (a follow of 1000 artists, say). */
export interface ItemsRequest {
  id: ConnectionId;
  operation: BatchResponse['operation'];
  /** The item type, or null when the items are URIs that name their own types. */
  type: string | null;
  ids: string[];
  /** Why each id is invalid, or null; every bad id is reported before anything runs. */
  check: (id: string) => string | null;
  /** JSON Pointer of the id list in the body, for problems (`/ids`, `/uris`, `/items`). */
  pointer: string;
  /** Runs the provider's calls (in batches of its size) over the ids, once each. */
  run: (session: UpstreamSession, unique: string[]) => Promise<ItemResult[]>;
}

/**
 * Validates every id, drops duplicates, opens the connection's session and runs the provider's
 * calls, then answers one result per id in the caller's order — or throws the telling problem,
 * which still carries every result.
 */
export async function runItems(env: Env, req: ItemsRequest): Promise<BatchResponse> {
  const errors: FieldError[] = [];
  req.ids.forEach((id, i) => {
    const why = req.check(id);
    if (why) errors.push({ pointer: `${req.pointer}/${i}${req.pointer === '/items' ? '/id' : ''}`, detail: why });
  });
  if (errors.length) throw validationProblem(errors);
  const { unique, expand } = dedupe(req.ids);
  const session = await UpstreamSession.open(env, req.id);
  const results = expand(await req.run(session, unique));
  const answer: BatchResponse = { provider: req.id.provider, operation: req.operation, type: req.type, results, summary: summarize(results) };
  const failure = failureOf(results, answer);
  if (failure) throw failure;
  return answer;
}
