import { problemBody } from '../../http/problem';
import { mapConcurrent } from '../../net/batch';
import { parseRetryAfter } from '../../net/retry';
import type { CallOutcome, UpstreamSession } from '../../upstream/session';
import { concurrencyOf, itemFailure } from '../batches';
import { encodeCursor } from '../cursor';
import { withHandles } from '../handles';
import { containsByLookup, ownId } from '../lookups';
import type { ItemResult, ListOptions, Page, Provider } from '../types';
import { xOAuth } from './oauth';
import { checkXUser, normalizeXProfile, normalizeXUser, X_ID } from './users';

const DAY_MS = 24 * 3600_000;

/** X allows 50 follow (and 50 unfollow) requests per 15 minutes per user. */
export const X_FOLLOW_BUDGET = { limit: 50, windowMs: 15 * 60_000 };
/** And 400 follows a day per user, 1,000 a day per app (unfollows are not capped by the day). */
export const X_DAILY_FOLLOWS = { user: 400, app: 1000, windowMs: DAY_MS };
const LOOKUP_BATCH = 100;

const api = (session: UpstreamSession, path: string) => `${session.config.x.apiUrl}${path}`;

const getJson = <T>(session: UpstreamSession, path: string) => session.getJson<T>(api(session, path));

/** The connected user's X id, looked up once per connection (`GET /2/users/me`). */
const me = (session: UpstreamSession) => ownId(session, '/2/users/me', X_ID, (path) => getJson(session, path));

const byUsername = (session: UpstreamSession) => (name: string) => session.call('GET', api(session, `/2/users/by/username/${name}`));
const idOf = (json: unknown) => (json as { data?: { id?: string } })?.data?.id;

/**
 * The reset time X announced (`x-rate-limit-reset`, epoch seconds), or the budget's own. A time
 * in the past or more than a day ahead is not believed: it would retry at once or lock for years.
 */
export function resetFrom(outcome: CallOutcome, fallback: number, now = Date.now()): number {
  const sane = (ms: number) => ms > now && ms <= now + DAY_MS;
  const reset = Number(outcome.headers?.get('x-rate-limit-reset')) * 1000;
  if (Number.isFinite(reset) && sane(reset)) return reset;
  const after = parseRetryAfter(outcome.headers?.get('retry-after'));
  if (after !== undefined && sane(now + after * 1000)) return now + after * 1000;
  return sane(fallback) ? fallback : now + X_FOLLOW_BUDGET.windowMs;
}

/**
 * Follows or unfollows one target a call, within the user's budget: the part that fits runs,
 * the rest is `deferred` with the time it can run. A 429 defers its item too, and the budget
 * follows what X's rate-limit headers say.
 */
async function write(session: UpstreamSession, op: 'follow' | 'unfollow', targets: string[]): Promise<ItemResult[]> {
  const source = await me(session);
  const bucket = `x:${op}`;
  const reservation = await session.budget.reserve(bucket, targets.length, X_FOLLOW_BUDGET.limit, X_FOLLOW_BUDGET.windowMs);
  const { resetAt } = reservation;
  const daily = op === 'follow' ? await dailyCaps(session, reservation.granted) : null;
  const granted = daily ? daily.granted : reservation.granted;
  // Past a daily cap the wait is the day's window; past the 15-minute budget, its window.
  const later = targets.slice(granted).map((id, i): ItemResult => {
    const capped = daily !== null && granted + i < reservation.granted;
    return capped
      ? { id, status: 'deferred', reason: 'daily-cap', retry_at: new Date(daily.resetAt).toISOString() }
      : { id, status: 'deferred', retry_at: new Date(resetAt).toISOString() };
  });
  if (reservation.granted > granted) await session.budget.release(bucket, reservation.granted - granted, reservation, X_FOLLOW_BUDGET.limit);
  // Once X says the budget is spent (a 429, or remaining 0), the calls not yet sent are deferred.
  let spentUntil: number | null = null;
  // Calls the circuit, the request's time budget or the credential's Governor kept back: their
  // slots go back to the budget (unless X's own figure has replaced the count they came from;
  // see releaseBudget).
  let unsent = 0;
  // Follows X took (or may have: a failure after sending). Only these count against the day's caps.
  let made = 0;
  const one = async (id: string): Promise<ItemResult> => {
    try {
      return await oneCall(id);
    } catch {
      // The other items' outcomes (and the release below) must not be lost to one broken call.
      return {
        id,
        status: 'failed',
        problem: problemBody(500, 'internal-error', `The call for this item failed inside crossfollow; it may or may not have reached ${session.label}.`),
      };
    }
  };
  const oneCall = async (id: string): Promise<ItemResult> => {
    if (spentUntil !== null) return { id, status: 'deferred', retry_at: new Date(spentUntil).toISOString() };
    const outcome: CallOutcome =
      op === 'follow'
        ? await session.call('POST', api(session, `/2/users/${source}/following`), { target_user_id: id }, { attempts: 1 })
        : await session.call('DELETE', api(session, `/2/users/${source}/following/${id}`), undefined, { attempts: 1 });
    const remaining = Number(outcome.headers?.get('x-rate-limit-remaining'));
    if (outcome.headers?.get('x-rate-limit-remaining') && Number.isFinite(remaining)) {
      const at = resetFrom(outcome, resetAt);
      await session.budget.observe(bucket, remaining, at);
      if (remaining === 0) spentUntil = at;
    }
    if (!outcome.ok) {
      if (outcome.problem.upstream_status === 429) {
        const at = resetFrom(outcome, resetAt);
        spentUntil = at;
        await session.budget.observe(bucket, 0, at);
        return { id, status: 'deferred', retry_at: new Date(at).toISOString() };
      }
      if (outcome.notSent || outcome.heldBack) unsent += 1;
      else made += 1;
      return itemFailure(id, outcome);
    }
    made += 1;
    const pending = (outcome.json as { data?: { pending_follow?: boolean } })?.data?.pending_follow === true;
    return { id, status: op === 'follow' && pending ? 'pending' : 'done' };
  };
  // The first call goes alone: if X already refuses, that is the only call spent.
  const [head, ...rest] = targets.slice(0, granted);
  const first = head === undefined ? [] : [await one(head)];
  const now = [...first, ...(await mapConcurrent(rest, concurrencyOf(session), one))];
  if (unsent) await session.budget.release(bucket, unsent, reservation, X_FOLLOW_BUDGET.limit);
  if (daily) await daily.release(granted - made);
  return [...now, ...later];
}

/**
 * The day's caps on follows: the user's 400 (its TokenVault) and the app's 1,000 (the
 * credential's Governor), counted from the first follow of the window. What one grants and the
 * other does not goes back.
 */
async function dailyCaps(session: UpstreamSession, want: number) {
  const { user, app, windowMs } = X_DAILY_FOLLOWS;
  const mine = await session.budget.reserve('x:follow-day', want, user, windowMs);
  const ours = await session.appBudget.reserve('x:follows', mine.granted, app, windowMs);
  if (ours.granted < mine.granted) await session.budget.release('x:follow-day', mine.granted - ours.granted, mine, user);
  // An item capped waits for every cap that holds it: the later of the two windows when both do.
  const userCaps = mine.granted < want;
  const appCaps = ours.granted < mine.granted;
  return {
    granted: ours.granted,
    resetAt: Math.max(userCaps ? mine.resetAt : 0, appCaps ? ours.resetAt : 0) || mine.resetAt,
    release: async (count: number) => {
      if (count <= 0) return;
      await session.budget.release('x:follow-day', count, mine, user);
      await session.appBudget.release('x:follows', count, ours.resetAt);
    },
  };
}

/** Follow state from `GET /2/users?ids=…&user.fields=connection_status`, 100 users a call. */
function contains(session: UpstreamSession, ids: string[]): Promise<ItemResult[]> {
  return containsByLookup<{ id: string; connection_status?: string[] }>(
    session,
    ids,
    LOOKUP_BATCH,
    (batch) => session.call('GET', api(session, `/2/users?ids=${batch.join(',')}&user.fields=connection_status`)),
    (user) => (user.connection_status ?? []).includes('following'),
    'user',
  );
}

async function list(session: UpstreamSession, relation: 'following' | 'followers', options: ListOptions): Promise<Page> {
  const source = await me(session);
  const query = new URLSearchParams({ max_results: String(options.limit), 'user.fields': 'profile_image_url' });
  if (options.after) query.set('pagination_token', options.after);
  const page = await getJson<{ data?: unknown[]; meta?: { next_token?: string } }>(session, `/2/users/${source}/${relation}?${query}`);
  return {
    items: (page.data ?? []).map((u) => normalizeXUser(u, options.raw)),
    next_cursor: page.meta?.next_token ? encodeCursor(page.meta.next_token) : null,
  };
}

const resolving = (session: UpstreamSession, ids: string[], run: (ids: string[]) => Promise<ItemResult[]>) =>
  withHandles(session, ids, byUsername(session), idOf, (id) => X_ID.test(id), run);

export const x: Provider = {
  name: 'x',
  oauth: xOAuth,
  followTypes: ['user'],
  listTypes: ['user'],
  listCursor: 'token',
  checkProviderUserId: (id) => (X_ID.test(id) ? null : 'an X user id is 1-19 digits'),
  maxListLimit: 1000,
  checkId: (_type, id) => checkXUser(id),
  follow: (session, _type, ids) => resolving(session, ids, (resolved) => write(session, 'follow', resolved)),
  unfollow: (session, _type, ids) => resolving(session, ids, (resolved) => write(session, 'unfollow', resolved)),
  contains: (session, _type, ids) => resolving(session, ids, (resolved) => contains(session, resolved)),
  checkCursor: (after) => (/^[A-Za-z0-9]{16,128}$/.test(after) ? null : 'not an X pagination cursor'),
  listFollows: (session, _type, options) => list(session, 'following', options),
  listFollowers: (session, options) => list(session, 'followers', options),
  async profile(session, raw) {
    const user = await getJson<{ data: unknown }>(session, '/2/users/me?user.fields=profile_image_url,public_metrics');
    return normalizeXProfile(user.data, raw);
  },
};
