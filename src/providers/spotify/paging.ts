import type { UpstreamSession } from '../../upstream/session';
import { encodeCursor } from '../cursor';
import type { NormalizedItem, Page } from '../types';
import { getJson } from './http';

interface OffsetPage {
  items?: unknown[];
  next?: string | null;
  offset?: number;
  limit?: number;
  total?: number;
}

/**
 * The next page's offset: the one in Spotify's own `next` URL, so a `next` that does not move
 * gives back the offset asked for (and the listing path ends the list rather than loop); our
 * own sum only when `next` carries no usable offset.
 */
function nextOffset(next: string, offset: number, limit: number): number {
  let given: string | null = null;
  try {
    given = new URL(next).searchParams.get('offset');
  } catch {
    // Not a URL: the sum below.
  }
  return given !== null && /^\d{1,7}$/.test(given) ? Number(given) : offset + limit;
}

/**
 * One page of an offset-paged Spotify list, normalized, with the next page's offset wrapped in
 * an opaque cursor (null on the last page).
 */
export async function offsetPage(
  session: UpstreamSession,
  path: string,
  limit: number,
  offset: number,
  normalize: (entry: unknown) => NormalizedItem | null,
): Promise<Page & { total: number | null }> {
  const sep = path.includes('?') ? '&' : '?';
  const page = await getJson<OffsetPage>(session, `${path}${sep}limit=${limit}&offset=${offset}`);
  // A null entry (an item since removed from the catalog) is left out, not turned into a 500.
  const items = (page.items ?? [])
    .filter((e) => e !== null && typeof e === 'object')
    .map(normalize)
    .filter((i): i is NormalizedItem => i !== null);
  return { items, next_cursor: page.next ? encodeCursor(String(nextOffset(page.next, offset, limit))) : null, total: page.total ?? null };
}
