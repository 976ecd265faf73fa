import { z } from '@hono/zod-openapi';
import { ProviderParam, UserId } from './common';
import { MAX_IDS } from './follows';

/** One action of an inbound hook: what a route would do for one user. */
export const Action = z
  .object({
    op: z.enum(['follow', 'unfollow', 'save', 'remove']),
    user: UserId,
    provider: ProviderParam,
    type: z.string().max(32),
    ids: z.array(z.string().max(256)).min(1, 'send at least one id').max(MAX_IDS),
  })
  .strict();
export type Action = z.infer<typeof Action>;

/** A hook's body: `[action, …]` or `{actions: [action, …]}`, at most 20 actions. */
export const Actions = z.union([z.array(Action).min(1).max(20), z.object({ actions: z.array(Action).min(1).max(20) }).strict()]);
