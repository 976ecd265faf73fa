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
  const nextOffset = offset + limit;
  return { items, next_cursor: page.next ? encodeCursor(String(nextOffset)) : null, total: page.total ?? null };
}
