import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/http/problem';
import { ALL_MAX_PAGES, streamAll, type WalkFrom } from '../../src/operations/stream-all';
import { doesNotAdvance, samePage } from '../../src/operations/stuck';
import { encodeCursor } from '../../src/providers/cursor';
import type { Page } from '../../src/providers/types';

const STUCK = 'urn:crossfollow:problem:cursor-stuck';
const item = (id: string) => ({ id, type: 'user', uri: `x:user:${id}`, name: id, url: null, image: null });

/** A page of items `ids` whose next cursor holds `next` (null: the last page). */
const page = (ids: string[], next: string | null): Page => ({ items: ids.map(item), next_cursor: next === null ? null : encodeCursor(next) });

/**
 * Walks a fake list: `pages` by the decoded cursor each is fetched with ('' for the start).
 * Answers the NDJSON lines and the cursors fetched, in order.
 */
async function walk(pages: Record<string, Page>, from: Partial<WalkFrom> = {}) {
  const fetched: (string | undefined)[] = [];
  const res = await streamAll(
    async (after) => {
      fetched.push(after);
      const answer = pages[after ?? ''];
      if (!answer) throw new Problem(503, 'upstream-unavailable', `no page at ${after}`);
      return answer;
    },
    { cursor: 'token', label: 'Fake', ...from },
  );
  const lines = new TextDecoder()
    .decode(await res.arrayBuffer())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { lines, last: lines.at(-1), ids: lines.slice(0, -1).map((l: { id: string }) => l.id), fetched };
}

describe('streamAll over paging that does not move', () => {
  it('a list that pages normally ends done: true, every item once', async () => {
    const { last, ids, fetched } = await walk({ '': page(['1', '2'], 'A'), A: page(['3'], 'B'), B: page(['4'], null) });
    expect(ids).toEqual(['1', '2', '3', '4']);
    expect(last).toEqual({ done: true, count: 4, next_cursor: null });
    expect(fetched).toEqual([undefined, 'A', 'B']);
  });

  it('a next cursor equal to the one just used: that page is sent, then the cursor-stuck line naming it', async () => {
    const { last, ids, fetched } = await walk({ '': page(['1'], 'A'), A: page(['2'], 'A') });
    expect(ids).toEqual(['1', '2']);
    expect(last).toMatchObject({ done: false, count: 2, next_cursor: encodeCursor('A'), error: { type: STUCK, status: 502 } });
    expect(last.error.detail).toContain('Fake handed back the paging token it was given');
    expect(fetched).toEqual([undefined, 'A']);
  });

  it('a resume cursor handed straight back ends after one page', async () => {
    const { last, fetched } = await walk({ R: page(['9'], 'R') }, { after: 'R' });
    expect(last).toMatchObject({ done: false, count: 1, next_cursor: encodeCursor('R'), error: { type: STUCK } });
    expect(fetched).toEqual(['R']);
  });

  it('a cycle A → B → A: each page once, then the cursor-stuck line naming A', async () => {
    const { last, ids, fetched } = await walk({ '': page(['1'], 'A'), A: page(['2'], 'B'), B: page(['3'], 'A') });
    expect(ids).toEqual(['1', '2', '3']);
    expect(last).toMatchObject({ done: false, count: 3, next_cursor: encodeCursor('A'), error: { type: STUCK } });
    expect(last.error.detail).toContain('a paging token it had already given');
    expect(fetched).toEqual([undefined, 'A', 'B']);
  });

  it("a page of exactly the previous page's items is not sent: cursor-stuck with next_cursor null", async () => {
    const { last, ids, fetched } = await walk({ '': page(['1', '2'], 'A'), A: page(['1', '2'], 'B'), B: page(['3'], null) });
    expect(ids).toEqual(['1', '2']);
    expect(last).toMatchObject({ done: false, count: 2, next_cursor: null, error: { type: STUCK } });
    expect(last.error.detail).toContain("answered the previous page's items again");
    expect(fetched).toEqual([undefined, 'A']);
  });

  it('two empty pages in a row are not a repeat', async () => {
    const { last } = await walk({ '': page([], 'A'), A: page([], 'B'), B: page(['1'], null) });
    expect(last).toEqual({ done: true, count: 1, next_cursor: null });
  });

  it('an offset list whose next offset is not beyond the one used ends there', async () => {
    const back = await walk({ '100': page(['1'], '50') }, { after: '100', cursor: 'offset' });
    expect(back.last).toMatchObject({ done: false, count: 1, next_cursor: encodeCursor('50'), error: { type: STUCK } });
    expect(back.last.error.detail).toContain('starts no further on');
    const zero = await walk({ '': page(['1'], '0') }, { cursor: 'offset' });
    expect(zero.last).toMatchObject({ done: false, next_cursor: encodeCursor('0'), error: { type: STUCK } });
    expect(zero.fetched).toEqual([undefined]);
  });

  it('distinct pages past the bound still stop at it, done: false without an error, resumable', async () => {
    const pages: Record<string, Page> = { '': page(['p0'], 'c1') };
    for (let i = 1; i <= ALL_MAX_PAGES + 5; i++) pages[`c${i}`] = page([`p${i}`], `c${i + 1}`);
    const { last, fetched } = await walk(pages);
    expect(last).toEqual({ done: false, count: ALL_MAX_PAGES, next_cursor: encodeCursor(`c${ALL_MAX_PAGES}`) });
    expect(fetched).toHaveLength(ALL_MAX_PAGES);
  });

  it('a later page that fails ends with its problem and the cursor to resume from', async () => {
    const { last } = await walk({ '': page(['1'], 'gone') });
    expect(last).toMatchObject({ done: false, count: 1, next_cursor: encodeCursor('gone'), error: { status: 503 } });
  });
});

describe('the checks themselves', () => {
  it('doesNotAdvance: the same token, or an offset not beyond the one given', () => {
    expect(doesNotAdvance('token', 'A', 'A')).toBe(true);
    expect(doesNotAdvance('token', 'A', 'B')).toBe(false);
    expect(doesNotAdvance('token', undefined, 'A')).toBe(false);
    expect(doesNotAdvance('offset', undefined, '0')).toBe(true);
    expect(doesNotAdvance('offset', '50', '50')).toBe(true);
    expect(doesNotAdvance('offset', '50', '20')).toBe(true);
    expect(doesNotAdvance('offset', '50', '100')).toBe(false);
  });

  it('samePage: the same ids in the same order, never for an empty page', () => {
    expect(samePage(page(['1', '2'], null), page(['1', '2'], null))).toBe(true);
    expect(samePage(page(['1', '2'], null), page(['2', '1'], null))).toBe(false);
    expect(samePage(page(['1', '2'], null), page(['1', '2', '3'], null))).toBe(false);
    expect(samePage(page([], null), page([], null))).toBe(false);
  });
});
