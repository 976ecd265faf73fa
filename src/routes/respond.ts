import type { Context } from 'hono';
import type { Listing } from '../operations/lists';
import { deferredHeaders } from '../operations/results';
import type { BatchResponse, PageResponse } from '../schemas/follows';

/** 200 with one result per item; `Retry-After` when items were deferred to a later rate window. */
export function batchAnswer(c: Context, body: BatchResponse) {
  return c.json(body, 200, deferredHeaders(body.results));
}

const pageJson = (c: Context, page: PageResponse) => c.json(page, 200);
type PageAnswer = ReturnType<typeof pageJson>;

/** A page as JSON, or the NDJSON stream of every page (`all=1`). */
export function listingAnswer(c: Context, listing: Listing): PageAnswer {
  if (listing.kind === 'page') return pageJson(c, listing.page);
  // @hono/zod-openapi types a handler by its JSON answers only; the stream is the route's other 200.
  return listing.response as PageAnswer;
}
