import { PROBLEM_TYPE_PREFIX, Problem } from '../http/problem';
import { decodeCursor } from '../providers/cursor';
import type { Page } from '../providers/types';

/** What a list's cursors hold (decoded): an offset, or the provider's own paging token. */
export type CursorKind = 'offset' | 'token';

/**
 * Whether a page's next cursor (decoded) fails to move past the one the page was fetched with:
 * the same token handed back, or for an offset list an offset not beyond the one asked for.
 * Either way a client following next_cursor would be served that page again, forever.
 */
export function doesNotAdvance(kind: CursorKind, given: string | undefined, next: string): boolean {
  if (next === given) return true;
  return kind === 'offset' && Number(next) <= Number(given ?? 0);
}

/**
 * The same check on a page's encoded next_cursor. One this API cannot read back is no repeat
 * of the (readable) cursor given; the request that passes it on is told what is wrong with it.
 */
export function nextDoesNotAdvance(kind: CursorKind, given: string | undefined, nextCursor: string | null): boolean {
  if (nextCursor === null) return false;
  let next: string | undefined;
  try {
    next = decodeCursor(nextCursor);
  } catch {
    return false;
  }
  return next !== undefined && doesNotAdvance(kind, given, next);
}

/** Whether `page` holds exactly the (non-empty) items of `previous`: a provider ignoring the paging position. */
export function samePage(previous: Page, page: Page): boolean {
  if (previous.items.length === 0 || previous.items.length !== page.items.length) return false;
  return page.items.every((item, i) => item.id === previous.items[i]?.id);
}

export type StuckReason = 'same-cursor' | 'offset-not-advanced' | 'cycle' | 'same-items';

/** What doesNotAdvance found, in the words of the list's kind of cursor. */
export const notAdvancing = (kind: CursorKind): StuckReason => (kind === 'offset' ? 'offset-not-advanced' : 'same-cursor');

const WHY: Record<StuckReason, (label: string) => string> = {
  'same-cursor': (label) => `${label} handed back the paging token it was given`,
  'offset-not-advanced': (label) => `${label} offered a next page that starts no further on than the one it was asked for`,
  cycle: (label) => `${label} handed back a paging token it had already given in this listing`,
  'same-items': (label) => `${label} answered the previous page's items again for the next page`,
};

/** What a caller is told when paging stopped moving; the same words in a page's warning and a stream's error. */
export function stuckDetail(label: string, reason: StuckReason): string {
  return `${WHY[reason](label)}; the list ends here instead of looping. What you have is all it gave; try again later.`;
}

/** A page's warning: the problem type (see docs/problems.md) without a status, since the page itself is fine. */
export function stuckWarning(label: string, reason: StuckReason): { type: string; detail: string } {
  return { type: `${PROBLEM_TYPE_PREFIX}cursor-stuck`, detail: stuckDetail(label, reason) };
}

/** A stream's error line: 502, as the provider's answer is what is wrong. */
export function stuckProblem(label: string, reason: StuckReason): Problem {
  return new Problem(502, 'cursor-stuck', stuckDetail(label, reason));
}
