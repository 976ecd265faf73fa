/**
 * Campaigns: one set of actions for many fans, now, at a moment, or at each fan's local midnight
 * (docs/campaigns.md). This module checks and creates them and answers for them; the Campaign
 * object (src/campaigns/) schedules, and operations/campaign-work.ts does the work.
 */

import { campaignFor } from '../campaigns/access';
import { callsPerFan, releasesOf } from '../campaigns/plan';
import { earliestRun, midnightIn } from '../campaigns/schedule';
import type { CampaignRecord } from '../campaigns/types';
import type { Env } from '../env';
import { type FieldError, Problem, validationProblem } from '../http/problem';
import { mapConcurrent } from '../net/batch';
import type { ProviderName } from '../providers/names';
import { providerFor } from '../providers/registry';
import { oneOf } from '../providers/types';
import { CAMPAIGN_LIMITS, type CampaignAction, type CampaignRun, type CreateCampaignBody, type FanStatus, type JoiningFan } from '../schemas/campaigns';
import { AUTHORIZE_PATH } from '../schemas/oauth';
import { appsKv } from '../storage/keys';
import { cachedUsable, vaultFor } from '../tokens/access';

/** The provider-specific checks of each action: the same checks the follow and library routes make. */
function actionErrors(a: CampaignAction, at: string): FieldError[] {
  const provider = providerFor(a.provider);
  const ids = a.ids ?? a.uris ?? [];
  const idErrors = (check: (id: string) => string | null, field: string) =>
    ids.flatMap((id, j) => {
      const why = check(id);
      return why ? [{ pointer: `${at}/${field}/${j}`, detail: why }] : [];
    });
  const type = a.type;
  if (a.op === 'follow') {
    if (type === undefined || !oneOf(provider.followTypes, type))
      return [{ pointer: `${at}/type`, detail: `${provider.name} follows ${provider.followTypes.join(', ')}` }];
    if (a.public !== undefined && type !== 'playlist') return [{ pointer: `${at}/public`, detail: 'public applies to playlists only' }];
    return idErrors((id) => provider.checkId(type, id), 'ids');
  }
  const library = provider.library;
  if (!library) return [{ pointer: `${at}/op`, detail: `${provider.name} has no library to save to` }];
  if (a.upc || a.isrc) return provider.findRelease ? [] : [{ pointer: `${at}/provider`, detail: `${provider.name} cannot find releases by code` }];
  if (a.uris) {
    const uris = library.uris;
    return uris ? idErrors((uri) => uris.check(uri, 'write'), 'uris') : [{ pointer: `${at}/uris`, detail: `${provider.name} has no URIs` }];
  }
  if (type === undefined || !oneOf(library.types, type)) return [{ pointer: `${at}/type`, detail: `${provider.name} saves ${library.types.join(', ')}` }];
  return idErrors((id) => library.checkId(type, id), 'ids');
}

const SKEW_MS = 5 * 60_000;

function runErrors(run: CampaignRun, now: number): FieldError[] {
  const latest = now + CAMPAIGN_LIMITS.aheadDays * 86_400_000;
  if (run.mode === 'at') {
    const at = Date.parse(run.at);
    if (at < now - SKEW_MS) return [{ pointer: '/run/at', detail: 'at has passed: use {"mode": "now"} to run at once' }];
    if (at > latest) return [{ pointer: '/run/at', detail: `at is at most ${CAMPAIGN_LIMITS.aheadDays} days ahead` }];
  }
  if (run.mode === 'local-midnight') {
    // The date's last midnight is at UTC-12; after it, every fan's would have passed.
    if (midnightIn(run.date, 'Etc/GMT+12') < now) return [{ pointer: '/run/date', detail: 'date has passed in every time zone: use {"mode": "now"}' }];
    if (earliestRun(run, now) > latest) return [{ pointer: '/run/date', detail: `date is at most ${CAMPAIGN_LIMITS.aheadDays} days ahead` }];
  }
  return [];
}

/**
 * Checks a campaign whole (every bad field reported, nothing stored) and creates it.
 *
 * @example
 * await createCampaign(env, app, { name: 'Pre-save', actions: [{ provider: 'spotify', op: 'save', type: 'album', upc }], run: { mode: 'at', at } });
 */
export async function createCampaign(env: Env, app: string, body: CreateCampaignBody) {
  const now = Date.now();
  const errors = [...body.actions.flatMap((a, i) => actionErrors(a, `/actions/${i}`)), ...runErrors(body.run, now)];
  if (errors.length) throw validationProblem(errors);
  const id = `cmp_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  // A repeated id acts once: kept once, so each item has one result (the routes mark repeats skipped).
  const actions = body.actions.map((a) => ({ ...a, ...(a.ids ? { ids: [...new Set(a.ids)] } : {}), ...(a.uris ? { uris: [...new Set(a.uris)] } : {}) }));
  const record: CampaignRecord = {
    id,
    app,
    name: body.name,
    actions,
    run: body.run,
    verify: body.verify ?? false,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    cancelledAt: null,
    releases: releasesOf(actions),
    callsPerFan: callsPerFan(actions),
  };
  // Listed first: a campaign is never made that its app cannot find (an entry without one is skipped).
  await env.APPS.put(appsKv.campaign(app, now, id), id);
  const view = await campaignFor(env, app, id).create(record);
  if (!view) throw new Problem(500, 'internal-error', 'The campaign was not stored; create it again.');
  return view;
}

const notFound = (id: string) => new Problem(404, 'not-found', `This app has no campaign ${id}. GET /v1/campaigns lists yours.`);

export async function campaignView(env: Env, app: string, id: string) {
  const view = await campaignFor(env, app, id).view();
  if (!view) throw notFound(id);
  return view;
}

/** The app's campaigns, newest first. */
export async function listCampaigns(env: Env, app: string, limit: number, cursor?: string) {
  const page = await env.APPS.list({ prefix: appsKv.campaignPrefix(app), limit, ...(cursor ? { cursor } : {}) });
  const views = await Promise.all(page.keys.map((k) => campaignFor(env, app, k.name.split(':').at(-1) ?? '').view()));
  return { campaigns: views.filter((v) => v !== null), next_cursor: page.list_complete ? null : page.cursor };
}

export async function cancelCampaign(env: Env, app: string, id: string) {
  const view = await campaignFor(env, app, id).cancel();
  if (!view) throw notFound(id);
  return view;
}

export async function retryCampaign(env: Env, app: string, id: string) {
  const result = await campaignFor(env, app, id).retry();
  if (!result) throw notFound(id);
  if ('closed' in result) throw new Problem(409, 'campaign-closed', 'The campaign is cancelled: create a new one.');
  return result;
}

/** Why a fan cannot join: the providers it must connect (again) first, each with the route that starts it. */
async function connectionGaps(env: Env, app: string, user: string, providers: ProviderName[]) {
  const statuses = await Promise.all(
    providers.map(async (provider) => {
      const id = { app, user, provider };
      // The cached token answers for most fans; the vault only on a miss.
      if (await cachedUsable(env, id)) return { provider, status: 'active' as const };
      return { provider, status: (await vaultFor(env, id).status())?.status ?? null };
    }),
  );
  return statuses
    .filter(({ status }) => status !== 'active')
    .map(({ provider, status }) => ({
      provider,
      status: status ? 'reauth_required' : 'not_connected',
      connect: { method: 'POST' as const, path: AUTHORIZE_PATH.replace('{provider}', provider), body: { user } },
    }));
}

function gapProblem(user: string, gaps: Awaited<ReturnType<typeof connectionGaps>>): Problem {
  const list = gaps.map((g) => `${g.provider} (${g.status === 'not_connected' ? 'not connected' : 'must connect again'})`).join(', ');
  return new Problem(409, 'fan-not-connected', `Fan '${user}' needs ${list} before joining: send them through each connect route in "connect".`, {
    user,
    connect: gaps,
  });
}

/**
 * Joins fans who are connected to every provider the campaign uses; the others are refused with
 * what to connect. A fan already in stays as it is.
 */
export async function joinFans(env: Env, app: string, id: string, fans: JoiningFan[]) {
  const stub = campaignFor(env, app, id);
  const joinable = await stub.joinable();
  if (!joinable) throw notFound(id);
  if (joinable.cancelled) throw new Problem(409, 'campaign-closed', 'The campaign is cancelled; fans can no longer join.');
  const { providers } = joinable;
  const checked = await mapConcurrent(fans, 25, async (fan) => ({ fan, gaps: await connectionGaps(env, app, fan.user, providers) }));
  const refused = checked.filter((c) => c.gaps.length).map((c) => ({ user: c.fan.user, problem: gapProblem(c.fan.user, c.gaps).body() }));
  const joining = checked.filter((c) => !c.gaps.length).map((c) => c.fan);
  const joined = joining.length ? await stub.join(joining) : { joined: [], already: [], full: [], closed: false };
  if (!joined) throw notFound(id);
  if (joined.closed) throw new Problem(409, 'campaign-closed', 'The campaign is cancelled; fans can no longer join.');
  const full = joined.full.map((user) => ({
    user,
    problem: new Problem(409, 'campaign-full', `A campaign has at most ${CAMPAIGN_LIMITS.fans} fans; start another for the rest.`).body(),
  }));
  return { joined: joined.joined, already: joined.already, refused: [...refused, ...full] };
}

/** One fan's join: the fan's state, or the problem that refused it. */
export async function joinFan(env: Env, app: string, id: string, fan: JoiningFan) {
  const result = await joinFans(env, app, id, [fan]);
  const refused = result.refused[0];
  if (refused) throw Problem.fromBody(refused.problem as Parameters<typeof Problem.fromBody>[0]);
  return { created: result.joined.length > 0, fan: await fanOf(env, app, id, fan.user) };
}

export async function fanOf(env: Env, app: string, id: string, user: string) {
  const page = await campaignFor(env, app, id).fanPage(undefined, null, 1, user);
  if (!page) throw notFound(id);
  const fan = page.fans[0];
  if (!fan) throw new Problem(404, 'not-found', `'${user}' is not a fan of campaign ${id}.`);
  return fan;
}

export async function leaveCampaign(env: Env, app: string, id: string, user: string): Promise<void> {
  const left = await campaignFor(env, app, id).leave(user);
  if (left === null) throw notFound(id);
  if (left === 'not-a-fan') throw new Problem(404, 'not-found', `'${user}' is not a fan of campaign ${id}.`);
  if (left === 'already-ran') throw new Problem(409, 'fan-already-ran', `Fan '${user}' has already run in campaign ${id}; what happened stays.`);
}

const encodeCursor = (user: string) => btoa(user).replaceAll('=', '');
function decodeCursor(cursor: string): string {
  try {
    return atob(cursor);
  } catch {
    throw validationProblem([{ parameter: 'cursor', detail: 'not a cursor of this list: send next_cursor unchanged' }]);
  }
}

export async function listFans(env: Env, app: string, id: string, query: { status?: FanStatus; limit: number; cursor?: string }) {
  const page = await campaignFor(env, app, id).fanPage(query.status, query.cursor ? decodeCursor(query.cursor) : null, query.limit);
  if (!page) throw notFound(id);
  return { fans: page.fans, next_cursor: page.last === null ? null : encodeCursor(page.last) };
}
