import { z } from '@hono/zod-openapi';
import { MAX_IDS } from './follows';

export const LIBRARY_TYPES = ['track', 'album', 'episode', 'show', 'audiobook', 'playlist'] as const;
export const LibraryType = z.enum(LIBRARY_TYPES).openapi({ example: 'track' });
export type LibraryType = z.infer<typeof LibraryType>;

const IdList = z
  .array(z.string().max(256, 'an id is at most 256 characters'))
  .min(1, 'send at least one id')
  .max(MAX_IDS, `send at most ${MAX_IDS} ids in one request`);
const UriList = z
  .array(z.string().max(300, 'a URI is at most 300 characters'))
  .min(1, 'send at least one URI')
  .max(MAX_IDS, `send at most ${MAX_IDS} URIs in one request`)
  .openapi({ example: ['spotify:track:4iV5W9uYEdYUVa79Axb7Rh', 'spotify:album:382ObEPsp2rxGrnsizN5TX'] });
const Timestamped = z
  .object({
    id: z.string().max(256),
    // Spotify wants UTC: an offset is accepted and converted.
    added_at: z.iso
      .datetime({ offset: true, message: 'added_at is an ISO 8601 date-time, like 2023-01-15T14:30:00Z' })
      .transform((v) => new Date(v).toISOString()),
  })
  .strict();

type Shape = { type?: string; ids?: unknown; uris?: unknown; items?: unknown };

/** Exactly one of ids, uris or items; `type` with ids and items, never with uris. */
function oneForm(b: Shape, ctx: z.RefinementCtx) {
  const given = (['ids', 'uris', 'items'] as const).filter((k) => b[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({ code: 'custom', path: [given[1] ?? 'ids'], message: 'send exactly one of ids, uris or items' });
    return;
  }
  if (given[0] !== 'uris' && b.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'type is required with ids or items' });
  if (given[0] === 'uris' && b.type !== undefined)
    ctx.addIssue({ code: 'custom', path: ['type'], message: 'leave type out with uris: each URI names its own type' });
  if (given[0] === 'items' && b.type !== undefined && b.type !== 'track')
    ctx.addIssue({ code: 'custom', path: ['type'], message: 'items with added_at are for tracks only' });
}

export const SaveBody = z
  .object({
    type: LibraryType.optional(),
    ids: IdList.optional(),
    uris: UriList.optional(),
    items: z.array(Timestamped).min(1, 'send at least one item').max(MAX_IDS, `send at most ${MAX_IDS} items in one request`).optional().openapi({
      description: 'Tracks with the time each was added, to keep a library in chronological order (type "track").',
    }),
  })
  .strict()
  .superRefine(oneForm)
  .openapi('SaveRequest');
export type SaveBody = z.infer<typeof SaveBody>;

export const LibraryRefBody = z
  .object({ type: LibraryType.optional(), ids: IdList.optional(), uris: UriList.optional() })
  .strict()
  .superRefine(oneForm)
  .openapi('LibraryItemsRequest');
export type LibraryRefBody = z.infer<typeof LibraryRefBody>;

export const Limit = z.coerce.number().int('limit is a whole number').min(1, 'limit is at least 1').max(50, 'limit is at most 50').default(20);
export const Raw = z.enum(['0', '1']).optional().openapi({ description: "1 adds the provider's own object as `raw`" });
export const All = z.enum(['0', '1']).optional().openapi({ description: '1 walks every page and streams NDJSON (at most 1000 items)' });
export const Cursor = z.string().max(512).optional().openapi({ description: 'next_cursor of the previous page, unchanged' });

export const LibraryListQuery = z.object({ type: LibraryType, limit: Limit, cursor: Cursor, raw: Raw, all: All });
