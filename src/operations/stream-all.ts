import { Problem } from '../http/problem';
import { decodeCursor } from '../providers/cursor';
import type { Page } from '../providers/types';

/** `?all=1` walks at most this many pages of 50 (1000 items), then says where to resume. */
export const ALL_MAX_PAGES = 20;
export const ALL_PAGE_SIZE = 50;

/**
 * Streams every item of a list as NDJSON, one item a line, then one last line without an `id`:
 * `{"done": true|false, "count": N, "next_cursor": ...}` — `done: false` when the page bound
 * was reached (resume with `next_cursor`), or with `error` (a problem) when a page failed
 * after some lines were already sent. The first page is fetched before answering, so a request
 * that fails at once still gets its proper status and problem.
 */
export async function streamAll(fetchPage: (after: string | undefined) => Promise<Page>): Promise<Response> {
  const first = await fetchPage(undefined);
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const line = (value: unknown) => writer.write(encoder.encode(`${JSON.stringify(value)}\n`));
  const pump = async () => {
    let page = first;
    let pages = 1;
    let count = 0;
    try {
      for (;;) {
        for (const item of page.items) await line(item);
        count += page.items.length;
        if (!page.next_cursor || pages >= ALL_MAX_PAGES) break;
        const cursor = page.next_cursor;
        try {
          page = await fetchPage(decodeCursor(cursor));
        } catch (err) {
          const problem = err instanceof Problem ? err.body() : new Problem(500, 'internal-error', 'A page failed inside crossfollow.').body();
          await line({ done: false, count, next_cursor: cursor, error: problem });
          return;
        }
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
