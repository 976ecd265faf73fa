import { z } from '@hono/zod-openapi';
import type { Env } from '../env';
import { emit } from '../events/emit';
import { Problem } from '../http/problem';
import { runFollows } from '../routes/follows';
import { runLibrary } from '../routes/library';
import { ProviderParam, UserId } from '../schemas/common';
import { MAX_IDS } from '../schemas/follows';

const Action = z
  .object({
    op: z.enum(['follow', 'unfollow', 'save', 'remove']),
    user: UserId,
    provider: ProviderParam,
    type: z.string().max(32),
    ids: z.array(z.string().max(256)).min(1, 'send at least one id').max(MAX_IDS),
  })
  .strict();

export const Actions = z.union([z.array(Action).min(1).max(20), z.object({ actions: z.array(Action).min(1).max(20) }).strict()]);


export type Action = z.infer<typeof Action>;

/** A hook's actions queued with async=1. */
export interface ActionBatch {
  app: string;
  batch_id: string;
  actions: Action[];
}

/** Runs each action as its route would, one result per action; a refused action fails alone. */
export async function runActions(env: Env, app: string, actions: Action[]) {
  const results = [];
  for (const action of actions) {
    const params = { user: action.user, provider: action.provider };
    const payload = { type: action.type as never, ids: action.ids };
    try {
      const answer =
        action.op === 'follow' || action.op === 'unfollow' ? await runFollows(env, app, params, payload, action.op) : await runLibrary(env, app, params, payload, action.op);
      results.push({ op: action.op, user: action.user, provider: action.provider, status: 'done', summary: answer.summary, results: answer.results });
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      results.push({ op: action.op, user: action.user, provider: action.provider, status: 'failed', problem: err.body() });
    }
  }
  return results;
}

/** The consumer of queued hook actions: runs them, then tells the app with batch.completed. */
export async function runQueuedActions(batch: MessageBatch<ActionBatch>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const { app, batch_id, actions } = message.body;
      const results = await runActions(env, app, actions);
      if (!(await emit(env, app, 'batch.completed', { batch_id, results }))) throw new Error('batch.completed not queued');
      message.ack();
    } catch {
      message.retry({ delaySeconds: 30 });
    }
  }
}
