import { z } from '@hono/zod-openapi';
import { problemResponses } from './common';

/** The most ids one request may carry; the worker splits them into the provider's batch size. */
export const MAX_IDS = 1000;

export const FOLLOW_TYPES = ['artist', 'user', 'playlist'] as const;
export const FollowType = z.enum(FOLLOW_TYPES).openapi({ example: 'artist' });
export type FollowType = z.infer<typeof FollowType>;

export const ITEM_STATUSES = ['done', 'pending', 'deferred', 'failed', 'skipped'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const FollowBody = z
  .object({
    type: FollowType,
    ids: z
      .array(z.string().max(256, 'an id is at most 256 characters'))
      .min(1, 'send at least one id')
      .max(MAX_IDS, `send at most ${MAX_IDS} ids in one request`)
      .openapi({ example: ['0TnOYISbd1XYRBk9myaseg', '6sFIWsNpZYqfjUpaCgueju'] }),
    public: z.boolean().optional().openapi({ description: 'Playlists only: follow publicly (true) or privately (false).' }),
  })
  .strict()
  .openapi('FollowRequest');

export const CheckBody = FollowBody.omit({ public: true }).openapi('CheckRequest');

export const ListQuery = z.object({
  type: FollowType,
  limit: z.coerce
    .number()
    .int('limit is a whole number')
    .min(1, 'limit is at least 1')
    .max(1000, 'limit is at most 1000')
    .default(20)
    .openapi({ description: 'Spotify serves at most 50, Audius 100, X 1000' }),
  cursor: z.string().max(512).optional().openapi({ description: 'next_cursor of the previous page, unchanged' }),
  raw: z.enum(['0', '1']).optional().openapi({ description: "1 adds the provider's own object as `raw`" }),
  all: z.enum(['0', '1']).optional().openapi({ description: '1 walks every page and streams NDJSON (at most 20 pages)' }),
});

const ItemProblem = z.object({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string() }).passthrough();

export const ItemResult = z
  .object({
    id: z.string(),
    status: z.enum(ITEM_STATUSES),
    following: z.boolean().optional(),
    reason: z.string().optional().openapi({
      description:
        'skipped: duplicate or not-processed; deferred: time-budget (the request ran out of time), rate-limited (the provider rate limits this app: every user waits), quota-exceeded (the app quota is used up), paced (its turn under the rate came after this request), daily-cap (X: 400 follows a day per user, 1000 per app)',
    }),
    problem: ItemProblem.optional(),
    retry_at: z
      .string()
      .optional()
      .openapi({ description: 'deferred: when the item can be sent again (the provider rate window, or at once after a time-budget cut-off)' }),
    resolved_id: z.string().optional().openapi({ description: 'the provider id a handle (@name) resolved to' }),
    transaction_hash: z.string().optional().openapi({ description: 'Audius: the transaction that made the change' }),
  })
  .openapi('ItemResult');
/**
 * One id's outcome. `following` is set by contains; `problem` when `status` is `failed`;
 * `retry_at` when `deferred`; `resolved_id` when the caller named a user by handle;
 * `transaction_hash` where the provider gives one.
 */
export type ItemResult = z.infer<typeof ItemResult>;

export const Summary = z.object({ done: z.number(), pending: z.number(), deferred: z.number(), failed: z.number(), skipped: z.number() }) satisfies z.ZodType<
  Record<ItemStatus, number>
>;

export const BatchResponse = z
  .object({
    provider: z.string(),
    operation: z.enum(['follow', 'unfollow', 'contains', 'save', 'remove']),
    type: z.string().nullable().openapi({ description: 'The item type; null when the items were URIs' }),
    results: z.array(ItemResult),
    summary: Summary,
  })
  .openapi('BatchResult');
export type BatchResponse = z.infer<typeof BatchResponse>;

export const NormalizedItem = z
  .object({
    id: z.string(),
    type: z.string(),
    uri: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    image: z.string().nullable(),
    added_at: z.string().optional(),
    raw: z.unknown().optional(),
  })
  .openapi('Item');
/** The shape every provider's list items take. `added_at` where the provider says when. */
export type NormalizedItem = z.infer<typeof NormalizedItem>;

export const PageWarning = z
  .object({
    type: z.string().openapi({ example: 'urn:crossfollow:problem:cursor-stuck' }),
    detail: z.string(),
  })
  .openapi('Warning');

export const PageResponse = z
  .object({
    provider: z.string(),
    type: z.string(),
    items: z.array(NormalizedItem),
    next_cursor: z.string().nullable(),
    warnings: z.array(PageWarning).optional().openapi({
      description:
        'Only when something about the page needs saying; each has a problem `type` (docs/problems.md) and a `detail`. `cursor-stuck`: the provider handed back paging that does not move, so `next_cursor` is null and the list ends at this page instead of looping.',
    }),
  })
  .openapi('Page');
export type PageResponse = z.infer<typeof PageResponse>;

export const FollowersQuery = ListQuery.omit({ type: true });

/** The answers of a list route: a page as JSON, or with all=1 one item a line and a summary line (NDJSON). */
export function pageOrStream(description: string) {
  return {
    200: {
      description: `${description}; with all=1, one item a line and a last summary line (NDJSON)`,
      content: { 'application/json': { schema: PageResponse }, 'application/x-ndjson': { schema: z.string() } },
    },
    ...problemResponses,
  };
}
