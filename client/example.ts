import { crossfollow } from './index.js';

/** Follows 120 artists for one of your users, then reads back the first page of what they follow. */
export async function followAndList(baseUrl: string, apiKey: string, user: string) {
  const cf = crossfollow({ baseUrl, apiKey });
  const ids = Array.from({ length: 120 }, (_, i) => `0TnOYISbd1XYRBk9my${String(i).padStart(4, '0')}`);
  const path = { user, provider: 'spotify' } as const;

  const follow = await cf.PUT('/v1/users/{user}/{provider}/follows', { params: { path }, body: { type: 'artist', ids } });
  if (follow.error) {
    // An RFC 9457 problem; on 409/503 it still lists every item's outcome in `results`.
    throw new Error(`${follow.error.type}: ${follow.error.detail}`);
  }
  const { done, deferred } = follow.data.summary;

  const page = await cf.GET('/v1/users/{user}/{provider}/follows', { params: { path, query: { type: 'artist', limit: 20 } } });
  if (page.error) throw new Error(page.error.detail);
  return { done, deferred, firstPage: page.data.items.map((item) => item.name), next: page.data.next_cursor };
}
