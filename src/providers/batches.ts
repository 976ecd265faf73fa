import type { UpstreamSession } from '../upstream/session';
import type { CallOutcome } from '../upstream/session';
import { problemBody } from '../http/problem';
import { chunk, mapConcurrent } from '../upstream/batch';
import type { ItemResult } from './types';

export function concurrencyOf(session: UpstreamSession): number {
  const n = Number(session.env.UPSTREAM_CONCURRENCY);
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : 4;
}

/** Runs a write over `ids` in batches of `size`; every id of a batch shares its outcome. */
export async function writeInBatches(
  session: UpstreamSession,
  ids: string[],
  size: number,
  call: (batch: string[]) => Promise<CallOutcome>,
): Promise<ItemResult[]> {
  const outcomes = await mapConcurrent(chunk(ids, size), concurrencyOf(session), async (batch) => ({ batch, outcome: await call(batch) }));
  return outcomes.flatMap(({ batch, outcome }) =>
    batch.map((id): ItemResult => (outcome.ok ? { id, status: 'done' } : { id, status: 'failed', problem: outcome.problem })),
  );
}

/** Runs a check over `ids` in batches of `size`; the upstream answers one boolean per id. */
export async function checkInBatches(
  session: UpstreamSession,
  ids: string[],
  size: number,
  call: (batch: string[]) => Promise<CallOutcome>,
): Promise<ItemResult[]> {
  const outcomes = await mapConcurrent(chunk(ids, size), concurrencyOf(session), async (batch) => ({ batch, outcome: await call(batch) }));
  return outcomes.flatMap(({ batch, outcome }) => {
    if (!outcome.ok) return batch.map((id): ItemResult => ({ id, status: 'failed', problem: outcome.problem }));
    const answer = outcome.json;
    if (!Array.isArray(answer) || answer.length !== batch.length || !answer.every((b) => typeof b === 'boolean')) {
      const problem = problemBody(502, 'upstream-error', `${session.label} answered a check of ${batch.length} ids with something other than ${batch.length} booleans.`);
      return batch.map((id): ItemResult => ({ id, status: 'failed', problem }));
    }
    return batch.map((id, i): ItemResult => ({ id, status: 'done', following: answer[i] as boolean }));
  });
}
