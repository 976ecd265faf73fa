import type { Env } from '../env';
import { type FieldError, validationProblem } from '../http/problem';
import type { ItemResult } from '../providers/types';
import type { ConnectionId } from '../tokens/types';
import { UpstreamSession } from '../upstream/session';
import { deferredHeaders, dedupe, failureOf, summarize } from './results';
import type { Context } from 'hono';

export interface BatchRequest {
  id: ConnectionId;
  operation: 'follow' | 'unfollow' | 'contains' | 'save' | 'remove';
  /** The item type, or null when the items are URIs that name their own types. */
  type: string | null;
  ids: string[];
  /** Why each id is invalid, or null; every bad id is reported before anything runs. */
  check: (id: string) => string | null;
  /** JSON Pointer of the id list in the body, for problems (`/ids`, `/uris`, `/items`). */
  pointer: string;
  run: (session: UpstreamSession, unique: string[]) => Promise<ItemResult[]>;
}

/**
 * Validates every id, drops duplicates, opens the connection's session and runs the batches,
 * then answers one result per id in the caller's order — or the telling problem, with results.
 */
export async function runBatch(env: Env, req: BatchRequest) {
  const errors: FieldError[] = [];
  req.ids.forEach((id, i) => {
    const why = req.check(id);
    if (why) errors.push({ pointer: `${req.pointer}/${i}${req.pointer === '/items' ? '/id' : ''}`, detail: why });
  });
  if (errors.length) throw validationProblem(errors);
  const { unique, expand } = dedupe(req.ids);
  const session = await UpstreamSession.open(env, req.id);
  const all = expand(await req.run(session, unique));
  const answer = { provider: req.id.provider, operation: req.operation, type: req.type, results: all, summary: summarize(all) };
  const failure = failureOf(all, answer);
  if (failure) throw failure;
  return answer;
}

/** 200 with the batch answer; `Retry-After` when items were deferred to a later rate window. */
export function answer(c: Context, body: Awaited<ReturnType<typeof runBatch>>) {
  return c.json(body, 200, deferredHeaders(body.results));
}
