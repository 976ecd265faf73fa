/** A campaign's releases (UPC or ISRC actions): when each is searched, and what a search's answer makes of it. Pure. */

import type { Release } from './plan';
import { LEASE_MS, nextSearchAt } from './schedule';
import type { SearchResult } from './types';

/** Whether `r` is to be searched now: never searched, its lease ran out, or its next search is due. */
export function searchDue(r: Release, now: number): boolean {
  if (r.state === 'pending') return true;
  if (r.state === 'searching') return (r.leaseUntil ?? 0) < now;
  return r.state === 'waiting' && (r.nextSearchAt ?? 0) <= now;
}

/** `r`, out for searching under `ticket`. */
export const searching = (r: Release, ticket: string, now: number): Release => ({ ...r, state: 'searching', ticket, leaseUntil: now + LEASE_MS });

/** Fans' connections tried in a row before a search counts as spent. */
const MISSES_PER_SEARCH = 5;

const what = (r: Release) => (r.code.upc ? `UPC ${r.code.upc}` : `ISRC ${r.code.isrc}`);

/** `r` after a search answered `result`. */
export function afterSearch(r: Release, result: SearchResult, now: number): Release {
  const done = { ...r, leaseUntil: null, ticket: undefined };
  if ('found' in result) return { ...done, state: 'resolved', item: result.found, searches: r.searches + 1, searchedAt: now, nextSearchAt: null, reason: null };
  // Not searched (the provider paused or down): no search spent.
  if ('later' in result) return { ...done, state: 'waiting', nextSearchAt: result.later, reason: result.reason };
  // Another fan's connection, soon; after a few in a row it counts as a search, so a campaign
  // whose fans all need to reconnect (or whose searches Spotify refuses) still ends.
  const misses = 'unusable' in result ? (r.misses ?? 0) + 1 : 0;
  if ('unusable' in result && misses < MISSES_PER_SEARCH) return { ...done, state: 'waiting', misses, nextSearchAt: now + 2000, reason: result.unusable };
  const searches = r.searches + 1;
  const first = r.firstSearchAt ?? now;
  const at = nextSearchAt(searches, first, now);
  const why = 'unusable' in result ? `${result.unusable} ` : '';
  return {
    ...done,
    misses: 0,
    state: at === null ? 'not-found' : 'waiting',
    searches,
    firstSearchAt: first,
    searchedAt: now,
    nextSearchAt: at,
    reason:
      at === null
        ? `${why}Spotify search found nothing for ${what(r)} in ${searches} searches over a day; its fans failed release-not-found. Check the code, then POST /v1/campaigns/{id}/retry.`
        : `${why}Spotify search found nothing for ${what(r)} yet (releases often appear only at their time); the fans wait, and it is searched again at next_search_at.`,
  };
}

/** `r` searched afresh (a retry after it was given up on). */
export const searchAgain = (r: Release): Release =>
  r.state === 'not-found' ? { ...r, state: 'pending', searches: 0, firstSearchAt: null, nextSearchAt: null, reason: null } : r;

/** When a campaign waiting on `r` next has something to do, given its earliest due fan. */
export function releaseWakeAt(r: Release, nextFan: number, now: number): number | null {
  if (r.state === 'searching') return r.leaseUntil;
  if (r.state === 'waiting') return Math.max(nextFan, r.nextSearchAt ?? now);
  return r.state === 'pending' ? nextFan : null;
}
