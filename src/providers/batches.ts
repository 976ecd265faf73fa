import { problemBody } from '../http/problem';
import { chunk, mapConcurrent } from '../net/batch';
import type { CallOutcome, UpstreamSession } from '../upstream/session';
import type { ItemResult } from './types';

type BatchCall = (batch: string[]) => Promise<CallOutcome>;

/** How many calls of one request run at once (UPSTREAM_CONCURRENCY). */
export function concurrencyOf(session: UpstreamSession): number {
  return session.config.upstreamConcurrency;
}

const callSafely = (session: UpstreamSession, call: BatchCall) => async (batch: string[]) => {
  try {
    return { batch, outcome: await call(batch) };
  } catch {
    const problem = problemBody(
      500,
      'internal-error',
      `The call for these items failed inside crossfollow; they may or may not have reached ${session.label}.`,
    );
    return { batch, outcome: { ok: false, problem } as CallOutcome };
  }
};

/** The id of its batch that a whole-batch 404 names (Spotify: `Non existing id: 'spotify:artist:…'`). */
function namedUnknown({ batch, outcome }: { batch: string[]; outcome: CallOutcome }): string | undefined {
  if (outcome.ok || batch.length < 2 || !outcome.problem.type.endsWith(':target-not-found')) return undefined;
  return batch.find((id) => outcome.problem.detail.includes(id));
}

/** How many times one request re-sends a batch without an id the provider named as unknown. */
const MAX_RESENDS = 10;

/**
 * Splits `ids` into batches of `size` and calls each, at most UPSTREAM_CONCURRENCY at once. A
 * batch that throws fails its own items only: the others' outcomes are still reported. A batch
 * refused whole for an id the provider names as unknown (Spotify answers one 404 for the call):
 * that id fails with the answer, and the rest are sent again as one batch, so they still happen.
 * Batches come back in any order; the callers answer in the order of `ids`.
 */
async function runBatches(session: UpstreamSession, ids: string[], size: number, call: BatchCall) {
  const once = callSafely(session, call);
  const runs = await mapConcurrent(chunk(ids, size), concurrencyOf(session), once);
  let resends = 0;
  const settle = async (run: BatchRun): Promise<BatchRun[]> => {
    const named = namedUnknown(run);
    if (named === undefined || resends >= MAX_RESENDS) return [run];
    resends += 1;
    const rest = await once(run.batch.filter((id) => id !== named));
    return [{ batch: [named], outcome: run.outcome }, ...(await settle(rest))];
  };
  return (await mapConcurrent(runs, 1, settle)).flat();
}

type BatchRun = { batch: string[]; outcome: CallOutcome };

/** Per-id results put back in the order of `ids`. */
function inOrder(ids: string[], results: ItemResult[]): ItemResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? { id, status: 'skipped', reason: 'not-processed' });
}

const failedAll = (batch: string[], problem: ItemResult['problem']) => batch.map((id): ItemResult => ({ id, status: 'failed', problem }));

/**
 * An item whose call did not succeed: `deferred` when the call was held back by a rate limit or
 * never sent because the request's time ran out (it can simply be sent again), otherwise
 * `failed` with the problem.
 */
export function itemFailure(id: string, outcome: Extract<CallOutcome, { ok: false }>): ItemResult {
  // Held back by the credential's Governor, or refused for its rate limit: nothing happened yet.
  if (outcome.heldBack) return { id, status: 'deferred', reason: outcome.heldBack.reason, retry_at: new Date(outcome.heldBack.until).toISOString() };
  if (outcome.notSent === 'time-budget') {
    return { id, status: 'deferred', reason: 'time-budget', retry_at: new Date(Date.now() + (outcome.retryAfter ?? 1) * 1000).toISOString() };
  }
  return { id, status: 'failed', problem: outcome.problem };
}

/** Batches whose call answers per item in its own way: `run` maps one batch to its results. */
export async function resultsInBatches(
  session: UpstreamSession,
  ids: string[],
  size: number,
  run: (batch: string[]) => Promise<ItemResult[]>,
): Promise<ItemResult[]> {
  const runs = await mapConcurrent(chunk(ids, size), concurrencyOf(session), async (batch) => {
    try {
      return await run(batch);
    } catch {
      return failedAll(
        batch,
        problemBody(500, 'internal-error', `The call for these items failed inside crossfollow; they may or may not have reached ${session.label}.`),
      );
    }
  });
  return runs.flat();
}

/** A write over `ids`; every id of a batch shares its batch's outcome. */
export async function writeInBatches(session: UpstreamSession, ids: string[], size: number, call: BatchCall): Promise<ItemResult[]> {
  const runs = await runBatches(session, ids, size, call);
  return inOrder(
    ids,
    runs.flatMap(({ batch, outcome }) => batch.map((id): ItemResult => (outcome.ok ? { id, status: 'done' } : itemFailure(id, outcome)))),
  );
}

/** A check over `ids`; the upstream answers one boolean per id, in order. */
export async function checkInBatches(session: UpstreamSession, ids: string[], size: number, call: BatchCall): Promise<ItemResult[]> {
  const runs = await runBatches(session, ids, size, call);
  const results = runs.flatMap(({ batch, outcome }) => {
    if (!outcome.ok) return batch.map((id) => itemFailure(id, outcome));
    const answer = outcome.json;
    if (!Array.isArray(answer) || answer.length !== batch.length || !answer.every((b) => typeof b === 'boolean')) {
      return failedAll(
        batch,
        problemBody(502, 'upstream-error', `${session.label} answered a check of ${batch.length} ids with something other than ${batch.length} booleans.`),
      );
    }
    return batch.map((id, i): ItemResult => ({ id, status: 'done', following: answer[i] as boolean }));
  });
  return inOrder(ids, results);
}
