import { Problem } from '../http/problem';
import { decodeCursor } from '../providers/cursor';
import type { Page } from '../providers/types';
import { type CursorKind, doesNotAdvance, notAdvancing, type StuckReason, samePage, stuckProblem } from './stuck';

/** `?all=1` walks at most this many pages of 50 (1000 items), then says where to resume. */
export const ALL_MAX_PAGES = 20;
export const ALL_PAGE_SIZE = 50;

/** Where a walk starts and what its cursors hold, so it can tell paging that does not move. */
export interface WalkFrom {
  /** The decoded cursor of the first page (undefined: the list's start). */
  after?: string;
  cursor: CursorKind;
  /** The provider's name, for the error line's detail. */
  label: string;
}

/**
 * Streams every item of a list as NDJSON, one item a line, then one last line without an `id`:
 * `{"done": true|false, "count": N, "next_cursor": ...}` — `done: false` when the page bound
 * was reached (resume with `next_cursor`), or with `error` (a problem) when a page failed
 * after some lines were already sent, or when the provider's paging stopped moving
 * (`cursor-stuck`: a next cursor equal to the one just used or to one used before, or a page
 * of exactly the previous page's items; `next_cursor` is then the repeated cursor, or null).
 * The first page is fetched before answering, so a request that fails at once still gets its
 * proper status and problem.
 */
export async function streamAll(fetchPage: (after: string | undefined) => Promise<Page>, from: WalkFrom): Promise<Response> {
  const first = await fetchPage(from.after);
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const line = (value: unknown) => writer.write(encoder.encode(`${JSON.stringify(value)}\n`));
  const pump = async () => {
    let page = first;
    let used = from.after;
    // Every cursor this walk fetched with: one handed back again is a cycle, however long.
    const seen = new Set(used === undefined ? [] : [used]);
    let pages = 1;
    let count = 0;
    const failed = (err: unknown, cursor: string) => {
      const problem = err instanceof Problem ? err.body() : new Problem(500, 'internal-error', 'A page failed inside crossfollow.').body();
      return line({ done: false, count, next_cursor: cursor, error: problem });
    };
    const stuck = (reason: StuckReason, cursor: string | null) =>
      line({ done: false, count, next_cursor: cursor, error: stuckProblem(from.label, reason).body() });
    try {
      for (;;) {
        for (const item of page.items) await line(item);
        count += page.items.length;
        if (!page.next_cursor) break;
        const cursor = page.next_cursor;
        let next: string;
        try {
          next = decodeCursor(cursor) ?? '';
        } catch (err) {
          return await failed(err, cursor);
        }
        if (doesNotAdvance(from.cursor, used, next)) return await stuck(notAdvancing(from.cursor), cursor);
        if (seen.has(next)) return await stuck('cycle', cursor);
        if (pages >= ALL_MAX_PAGES) break;
        const previous = page;
        try {
          page = await fetchPage(next);
        } catch (err) {
          return await failed(err, cursor);
        }
        // A provider that ignores the paging position answers the same page again: its copies are not sent.
        if (samePage(previous, page)) return await stuck('same-items', null);
        used = next;
        seen.add(next);
        pages += 1;
      }
      await line({ done: page.next_cursor === null, count, next_cursor: page.next_cursor });
    } finally {
      await writer.close().catch(() => {});
    }
  };
  // A client that goes away makes the writes fail: stop quietly.
  pump().catch(() => writer.abort().catch(() => {}));
  return new Response(readable, { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
}
