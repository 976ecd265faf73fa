import { z } from '@hono/zod-openapi';

const DELIVERY_STATUSES = ['delivered', 'failed', 'dead_lettered', 'no_webhook'] as const;

export const DeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: 'Only attempts with this outcome' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const Deliveries = z
  .object({
    counts: z
      .object({ delivered: z.number().int(), failed: z.number().int(), dead_lettered: z.number().int(), no_webhook: z.number().int() })
      .openapi({ description: 'Attempts of the last 24 hours by outcome' }),
    failures: z
      .array(z.object({ reason: z.string(), attempts: z.number().int(), last_at: z.string() }))
      .openapi({ description: 'Failed attempts of the last 24 hours by reason, most first' }),
    deliveries: z
      .array(
        z.object({
          event_id: z.string(),
          type: z.string(),
          status: z.enum(DELIVERY_STATUSES).openapi({
            description:
              'delivered: the webhook answered 2xx; failed: tried again at next_attempt_at; dead_lettered: no try left, the event waits in the dead-letter queue; no_webhook: the app has no webhook_url',
          }),
          attempt: z.number().int(),
          reason: z.string().nullable(),
          host: z.string().nullable().openapi({ description: "The webhook's host (never its path or query)" }),
          at: z.string(),
          next_attempt_at: z.string().nullable(),
        }),
      )
      .openapi({ description: 'The newest attempts first (the last 1,000 are kept)' }),
  })
  .openapi('EventDeliveries');
export type Deliveries = z.infer<typeof Deliveries>;
