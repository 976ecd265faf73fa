/**
 * The consumer of the campaigns queue: the work a Campaign hands out, done with the same
 * operations the HTTP routes run (so through the same token refresh, batching and Governor),
 * and reported back to it.
 *
 * At-least-once: a message delivered twice finds its fans already claimed or settled and does
 * nothing; a consumer that dies after claiming leaves leases that run out (LEASE_MS), and the
 * Campaign hands those fans out again. A fan whose calls ran but whose report was lost runs them
 * again: follows and saves are idempotent at the providers.
 */

import { campaignFor } from '../campaigns/access';
import type { FanResults, PlannedAction } from '../campaigns/plan';
import { FANS_AT_ONCE } from '../campaigns/schedule';
import type { FanReport, SearchResult } from '../campaigns/types';
import type { Check } from '../campaigns/verify';
import type { Env } from '../env';
import { Problem, type ProblemBody } from '../http/problem';
import { mapConcurrent } from '../net/batch';
import { providerFor } from '../providers/registry';
import type { ReleaseCode } from '../providers/types';
import type { CampaignMessage } from '../queues/messages';
import type { ItemResult } from '../schemas/follows';
import { UpstreamSession } from '../upstream/session';
import { runFollows } from './follows';
import { runLibrary } from './library';

export async function runCampaignWork(batch: MessageBatch<CampaignMessage>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await work(env, message.body);
        message.ack();
      } catch (err) {
        console.error(
          JSON.stringify({
            msg: 'campaign work failed',
            kind: message.body.kind,
            campaign: message.body.campaign,
            name: err instanceof Error ? err.name : typeof err,
          }),
        );
        message.retry({ delaySeconds: 10 });
      }
    }),
  );
}

/** How often a message's finished fans are reported while the rest still run. */
const REPORT_EVERY_MS = 2000;

/**
 * Reports fans as they finish, every REPORT_EVERY_MS and once at the end, so the campaign's
 * counts (and the dashboard) move while a message's 25 fans run, and fans that are done free
 * their place in the campaign's window at once. Reports go one at a time. A report that fails
 * keeps its fans for the next one; `done` throws only if some are still unreported after the
 * last try, and the message is then retried. A fan reported is settled by the Campaign under
 * this message's ticket; one never reported (the consumer died) is handed out again when its
 * lease runs out, as before.
 */
export function reportAsFinished(send: (reports: FanReport[]) => Promise<void>, everyMs = REPORT_EVERY_MS) {
  let waiting: FanReport[] = [];
  let failure: unknown = null;
  let sending: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    while (sending) await sending;
    if (!waiting.length) return;
    const batch = waiting;
    waiting = [];
    sending = send(batch)
      .then(
        () => {
          failure = null;
        },
        (err) => {
          waiting = [...batch, ...waiting];
          failure = err;
        },
      )
      .finally(() => {
        sending = null;
      });
    await sending;
  };
  const timer = setInterval(() => void flush(), everyMs);
  return {
    add(report: FanReport) {
      waiting.push(report);
    },
    async done(): Promise<void> {
      clearInterval(timer);
      await flush();
      if (waiting.length) throw failure instanceof Error ? failure : new Error('campaign report not sent');
    },
  };
}

async function work(env: Env, msg: CampaignMessage): Promise<void> {
  const campaign = campaignFor(env, msg.app, msg.campaign);
  if (msg.kind === 'search') {
    const action = msg.action ?? -1;
    const code = await campaign.claimSearch(msg.ticket, action);
    const user = msg.fans[0];
    if (!code || !user) return;
    await campaign.searched(msg.ticket, action, await searchRelease(env, msg.app, user, code));
    return;
  }
  if (msg.kind === 'run') {
    const claim = await campaign.claim(msg.ticket, msg.fans);
    if (!claim.fans.length) return;
    const reporter = reportAsFinished((reports) => campaign.report(msg.ticket, reports));
    try {
      await mapConcurrent(claim.fans, FANS_AT_ONCE, async (fan) => reporter.add(await runFan(env, msg.app, fan.user, fan.plan)));
    } finally {
      await reporter.done();
    }
    return;
  }
  const claim = await campaign.claimVerify(msg.fans);
  const reports = await mapConcurrent(claim.fans, FANS_AT_ONCE, async (fan) => ({ user: fan.user, checks: await verifyFan(env, msg.app, fan.user, fan.plan) }));
  if (reports.length) await campaign.reportVerify(reports);
}

/** One planned action for one fan, as its route runs it: the write, or (`contains`) the check of it. */
function runPlanned(env: Env, app: string, user: string, p: PlannedAction, check: boolean) {
  const target = { app, user, provider: p.provider };
  if (p.op === 'follow') {
    const input = { type: p.type ?? '', ids: p.ids, ...(p.public !== undefined && !check ? { public: p.public } : {}) };
    return runFollows(env, target, input, check ? 'contains' : 'follow');
  }
  return runLibrary(env, target, p.byUri ? { uris: p.ids } : { type: p.type ?? '', ids: p.ids }, check ? 'contains' : 'save');
}

/** One fan's planned actions, in order; a refused action fails (or waits) alone. */
export async function runFan(env: Env, app: string, user: string, plan: PlannedAction[]): Promise<FanReport> {
  const results: FanResults[] = [];
  for (const p of plan) {
    try {
      results.push({ action: p.action, results: (await runPlanned(env, app, user, p, false)).results });
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      results.push({ action: p.action, results: itemsOf(err.body(), p.ids) });
    }
  }
  return { user, results };
}

/**
 * The items of a failed action: those the problem carries, or else every id with it. A 503 with
 * no item results (the token endpoint down, a lookup held back) waits, so the fan runs again
 * when the provider is back instead of failing.
 */
function itemsOf(problem: ProblemBody, ids: string[]): ItemResult[] {
  if (Array.isArray(problem.results)) return problem.results as ItemResult[];
  if (problem.status === 503) {
    const after = typeof problem.retry_after === 'number' ? problem.retry_after : 30;
    const reason = typeof problem.reason === 'string' ? problem.reason : 'upstream-unavailable';
    return ids.map((id) => ({ id, status: 'deferred', reason, retry_at: new Date(Date.now() + after * 1000).toISOString() }));
  }
  const { results: _r, summary: _s, ...rest } = problem;
  return ids.map((id) => ({ id, status: 'failed', problem: rest }));
}

/** Whether each item that happened is there now (the providers' contains calls); null where the check failed. */
async function verifyFan(env: Env, app: string, user: string, plan: PlannedAction[]): Promise<Check[]> {
  const checks: Check[] = [];
  for (const p of plan) {
    let results: ItemResult[] = [];
    try {
      results = (await runPlanned(env, app, user, p, true)).results;
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const carried = err.body().results;
      results = Array.isArray(carried) ? (carried as ItemResult[]) : [];
    }
    for (const id of p.ids) {
      const r = results.find((x) => x.id === id);
      checks.push({ action: p.action, id, following: typeof r?.following === 'boolean' ? r.following : null });
    }
  }
  return checks;
}

/** Searches a release once, with one fan's Spotify connection. */
export async function searchRelease(env: Env, app: string, user: string, code: ReleaseCode): Promise<SearchResult> {
  const provider = providerFor('spotify');
  try {
    const session = await UpstreamSession.open(env, { app, user, provider: 'spotify' });
    const found = await provider.findRelease?.(session, code);
    return found ? { found } : { none: true };
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    const body = err.body();
    // The provider paused or down: again when it says, no search spent. Otherwise (this fan's
    // connection, or Spotify refusing the search): another fan, a few times.
    if (body.status === 503)
      return {
        later: Date.now() + (typeof body.retry_after === 'number' ? body.retry_after : 30) * 1000,
        reason: `The search could not run yet: ${body.detail}`,
      };
    return { unusable: `The search with one fan's connection failed (${body.detail}).` };
  }
}
