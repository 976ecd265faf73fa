import { validationProblem } from '../http/problem';

/**
 * Cursors are opaque to callers: base64url of a small JSON document, so the upstream's paging
 * scheme (Spotify's `after`, X's `pagination_token`, Audius offsets) can differ per provider.
 */
export function encodeCursor(after: string): string {
  return btoa(JSON.stringify({ v: 1, after }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as { v?: number; after?: unknown };
    if (parsed.v === 1 && typeof parsed.after === 'string' && /^[\w.:=-]{1,256}$/.test(parsed.after)) return parsed.after;
  } catch {
    // Falls through to the problem below.
  }
  throw validationProblem([{ parameter: 'cursor', detail: 'not a cursor this API issued; pass next_cursor from a previous page unchanged' }]);
}

/** The offset an offset-paged list's decoded cursor stands for. */
export function offsetOf(after: string | undefined): number {
  if (after === undefined) return 0;
  if (!/^\d{1,7}$/.test(after))
    throw validationProblem([{ parameter: 'cursor', detail: 'this cursor belongs to another list; pass next_cursor from this list unchanged' }]);
  return Number(after);
}
