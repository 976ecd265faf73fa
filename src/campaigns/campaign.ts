/**
 * One Campaign a Durable Object (SQLite): the campaign, its fans' states and its events to send.
 * It decides and remembers; the work (searching a release, running and verifying fans) goes out
 * on the campaigns queue and comes back through `claim` / `report` (operations/campaign-work.ts).
 *
 * Its one alarm is the next thing it waits for: the next fan's run time (for local midnight,
 * each time zone's midnight in turn), a release's next search, a lease running out, a
 * verification, an event to resend. Nothing runs twice: a fan is handed out under a ticket and
 * claimed under it once; a report counts only from the claim it answers; a consumer that dies
 * leaves a lease that runs out, and the fan goes out again. Events are written in the same step
 * as the state they report (the outbox), then sent, so none is lost or invented by a crash.
 */
import { DurableObject } from 'cloudflare:workers';
import { configOf } from '../config';
import type { Env } from '../env';
import { chunk } from '../net/batch';
import type { CampaignMessage } from '../queues/messages';
import type { CampaignView, FanStatus, JoiningFan } from '../schemas/campaigns';
import { CAMPAIGN_LIMITS } from '../schemas/campaigns';
import { appsKv, campaignStorage } from '../storage/keys';
import { alarmAt } from './alarm';
import { FanCounts } from './fan-counts';
import { ACTIVE, FanTable, VERIFY_TRIES } from './fans';
import { Outbox } from './outbox';
import { type FanResults, merge, planOf, type Release, remaining, resultsSoFar, settlement } from './plan';
import { afterSearch, searchAgain, searchDue, searching } from './releases';
import { FANS_PER_MESSAGE, LEASE_MS, leaseFor, runTimeOf, windowFor } from './schedule';
import type { CampaignRecord, Claim, FanReport, SearchResult } from './types';
import { applyChecks, type Check, toVerify } from './verify';
import { fanView, viewOf } from './view';

declare module '../env' {
  interface Env {
    CAMPAIGN: DurableObjectNamespace<Campaign>;
  }
}

export class Campaign extends DurableObject<Env> {
  private record: CampaignRecord | null = null;
  private readonly fans: FanTable;
  private readonly tally: FanCounts;
  private readonly outbox: Outbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.fans = new FanTable(ctx.storage.sql);
    this.tally = new FanCounts(ctx.storage.sql);
    this.outbox = new Outbox(ctx.storage.sql, env.EVENTS);
    ctx.blockConcurrencyWhile(async () => {
      this.record = (await ctx.storage.get<CampaignRecord>(campaignStorage.record)) ?? null;
    });
  }

  async create(record: CampaignRecord): Promise<CampaignView | null> {
    if (!this.record) {
      await this.save(record);
      await this.wake();
    }
    return this.view();
  }

  async view(): Promise<CampaignView | null> {
    return this.record ? viewOf(this.record, this.fans, this.tally, Date.now()) : null;
  }

  /** What a join checks first: the providers fans must be connected to, and whether it is cancelled. */
  async joinable(): Promise<{ providers: CampaignRecord['actions'][number]['provider'][]; cancelled: boolean } | null> {
    const record = this.record;
    return record ? { providers: [...new Set(record.actions.map((a) => a.provider))], cancelled: record.cancelledAt !== null } : null;
  }

  /** Adds fans (a fan already in is left as it is); null when there is no such campaign. */
  async join(fans: JoiningFan[]): Promise<{ joined: string[]; already: string[]; full: string[]; closed: boolean } | null> {
    const record = this.record;
    if (!record) return null;
    const out = { joined: [] as string[], already: [] as string[], full: [] as string[], closed: record.cancelledAt !== null };
    if (out.closed) return out;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      const added = this.fans.join(fans, (tz) => runTimeOf(record.run, tz, now), now, CAMPAIGN_LIMITS.fans);
      Object.assign(out, added);
    });
    // A fan joining a completed campaign (the release is out) runs at once: it is running again.
    if (out.joined.length && record.finishedAt !== null) await this.save({ ...record, finishedAt: null });
    await this.wake();
    return out;
  }

  async leave(user: string): Promise<'left' | 'not-a-fan' | 'already-ran' | null> {
    if (!this.record) return null;
    const fan = this.fans.get(user);
    if (!fan) return 'not-a-fan';
    // Queued is handed out but not yet claimed: the claim finds no fan and runs nothing.
    if (fan.state !== 'pending' && fan.state !== 'queued' && fan.state !== 'cancelled') return 'already-ran';
    this.fans.remove(user);
    await this.settleCompletion();
    return 'left';
  }

  /** A page of fans in user order after `after`, or only the fan `only`. */
  async fanPage(status: FanStatus | undefined, after: string | null, limit: number, only?: string) {
    if (!this.record) return null;
    const rows = only !== undefined ? [this.fans.get(only)].filter((r) => r !== null) : this.fans.page(status, after, limit + 1);
    const plan = planOf(this.record.actions, this.record.releases) ?? [];
    return { fans: rows.slice(0, limit).map((r) => fanView(r, plan)), last: rows.length > limit ? (rows[limit - 1]?.user ?? null) : null };
  }

  async cancel(): Promise<CampaignView | null> {
    const record = this.record;
    if (!record) return null;
    if (record.cancelledAt === null) {
      this.fans.cancelWaiting();
      await this.save({ ...record, cancelledAt: Date.now() });
      await this.wake();
    }
    return this.view();
  }

  /** Failed, partly done and deferred fans run again now (a release given up on is searched again). */
  async retry(): Promise<{ retried: number } | { closed: true } | null> {
    const record = this.record;
    if (!record) return null;
    if (record.cancelledAt !== null) return { closed: true };
    const now = Date.now();
    const retried = this.fans.reset(['failed', 'partly_done', 'deferred'], now);
    const releases = record.releases.map(searchAgain);
    await this.save({ ...record, releases, finishedAt: retried ? null : record.finishedAt });
    await this.wake();
    return { retried };
  }

  /** A consumer takes the fans of its message: those handed out under `ticket`, or whose lease ran out. */
  async claim(ticket: string, users: string[]): Promise<Claim> {
    const record = this.record;
    const plan = record && planOf(record.actions, record.releases);
    if (!record || !plan) return { fans: [] };
    const now = Date.now();
    const claim: Claim = { fans: [] };
    const lease = now + leaseFor(users.length, plan.length);
    for (const fan of this.fans.many(users)) {
      const mine = fan.state === 'queued' && fan.ticket === ticket;
      const abandoned = (fan.state === 'queued' || fan.state === 'running') && (fan.lease_until ?? 0) < now;
      if (!mine && !abandoned) continue;
      this.fans.claim(fan.user, ticket, lease);
      claim.fans.push({ user: fan.user, plan: remaining(plan, resultsSoFar(fan.results, record.releases)) });
    }
    return claim;
  }

  /** A consumer's results; only fans it still holds under `ticket` count. */
  async report(ticket: string, reports: FanReport[]): Promise<void> {
    const record = this.record;
    if (!record) return;
    const plan = planOf(record.actions, record.releases);
    const now = Date.now();
    // A retry put a release back to searching while these fans ran: keep what they did, and run
    // them again once it is found.
    if (!plan) {
      this.fans.backToPending(ticket, reports, now);
      await this.pump();
      return;
    }
    const settling = { now, cancelled: record.cancelledAt !== null, verifyAfterMs: record.verify ? configOf(this.env).campaignVerifyMs : null };
    const settled: { user: string; status: string; reason: string | null; retry_at?: string }[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const fan of this.fans.many(reports.map((r) => r.user))) {
        if (fan.state !== 'running' || fan.ticket !== ticket) continue;
        const reported = reports.find((r) => r.user === fan.user)?.results ?? [];
        const results = merge(resultsSoFar(fan.results, record.releases), reported);
        const { row, event } = settlement(plan, results, settling);
        this.fans.settle(fan.user, plan, results, row);
        settled.push({ user: fan.user, ...event });
      }
      if (settled.length) this.outbox.add('campaign.fans', { campaign_id: record.id, fans: settled, counts: this.tally.byStatus() });
    });
    await this.settleCompletion();
    await this.pump();
  }

  /** A consumer takes verification of its message's fans. */
  async claimVerify(users: string[]): Promise<Claim> {
    const record = this.record;
    const plan = record && planOf(record.actions, record.releases);
    if (!record || !plan) return { fans: [] };
    const fans = this.fans.many(users).filter((f) => f.verify_at !== null);
    return { fans: fans.map((f) => ({ user: f.user, plan: toVerify(plan, JSON.parse(f.results) as FanResults[]) })) };
  }

  /** What verification found; a check that failed is tried again after twice the delay, a few times. */
  async reportVerify(reports: { user: string; checks: Check[] }[]): Promise<void> {
    if (!this.record) return;
    const again = Date.now() + Math.max(1000, configOf(this.env).campaignVerifyMs * 2);
    for (const fan of this.fans.many(reports.map((r) => r.user))) {
      if (fan.verify_at === null) continue;
      const checked = applyChecks(JSON.parse(fan.results) as FanResults[], reports.find((r) => r.user === fan.user)?.checks ?? []);
      this.fans.verified(fan.user, checked.results, checked.verified, checked.retry && fan.verify_tries < VERIFY_TRIES ? again : null);
    }
    await this.settleCompletion();
    await this.wake();
  }

  /** A consumer takes release `action`'s search under `ticket`: its code, or null if it is not its to do. */
  async claimSearch(ticket: string, action: number): Promise<Release['code'] | null> {
    const release = this.record?.releases.find((r) => r.action === action);
    return release?.state === 'searching' && release.ticket === ticket ? release.code : null;
  }

  async searched(ticket: string, action: number, result: SearchResult): Promise<void> {
    const record = this.record;
    const release = record?.releases.find((r) => r.action === action);
    if (!record || !release || release.state !== 'searching' || release.ticket !== ticket) return;
    const next = afterSearch(release, result, Date.now());
    await this.save({ ...record, releases: record.releases.map((r) => (r.action === action ? next : r)) });
    await this.pump();
  }

  async alarm(): Promise<void> {
    await this.pump();
  }

  /**
   * Hands out what is due, within the window, and sets the alarm for what comes next. Safe to
   * run at any time and any number of times: it only hands out what is due and not out.
   */
  private async pump(): Promise<void> {
    let record = this.record;
    if (!record) return;
    const now = Date.now();
    if (record.cancelledAt !== null) this.fans.cancelAbandoned(now);
    else {
      this.fans.requeueExpired(now);
      const runs = await this.fansDue(now);
      const messages = [...(await this.searchesDue(now)), ...runs, ...this.verifiesDue(now)];
      try {
        // 50 messages a batch stay under a batch's 256 KB with 25 user ids of 128 characters each.
        for (const part of chunk(messages, 50)) await this.env.CAMPAIGNS.sendBatch(part.map((body) => ({ body })));
      } catch (err) {
        // Not on the queue: the fans go back to waiting (searches and verifications wait out
        // their lease), and the alarm tries again shortly.
        this.fans.untake(runs.flatMap((m) => m.fans));
        console.error(JSON.stringify({ msg: 'campaign work not queued', campaign: record.id, name: err instanceof Error ? err.name : typeof err }));
        await this.ctx.storage.setAlarm(now + 5000);
        return;
      }
      // Read again: a cancel (or another pump) may have saved the record while the send was out.
      const current = this.record;
      if (runs.length && current && current.startedAt === null) {
        this.outbox.add('campaign.started', { campaign_id: current.id, name: current.name, fans: this.fans.count(), started_at: new Date(now).toISOString() });
        await this.save({ ...current, startedAt: now });
      }
      record = this.record ?? record;
    }
    await this.outbox.flush(record.app);
    await this.wake();
  }

  /** Releases first: each searched once, with a due fan's connection, before any fan runs. */
  private async searchesDue(now: number): Promise<CampaignMessage[]> {
    const record = this.record;
    if (!record || (this.fans.nextRunAt() ?? Number.POSITIVE_INFINITY) > now) return [];
    const messages: CampaignMessage[] = [];
    const releases = record.releases.map((r) => {
      const user = searchDue(r, now) ? this.fans.someDue(now) : null;
      if (!user) return r;
      const ticket = crypto.randomUUID();
      messages.push({ app: record.app, campaign: record.id, kind: 'search', fans: [user], ticket, action: r.action });
      return searching(r, ticket, now);
    });
    if (messages.length) await this.save({ ...record, releases });
    return messages;
  }

  /** Due fans, as many as the window has room for, once every release is found. */
  private async fansDue(now: number): Promise<CampaignMessage[]> {
    const record = this.record;
    if (!record || !planOf(record.actions, record.releases)) return [];
    const ticket = crypto.randomUUID();
    const users = this.fans.takeDue(now, this.room(record), ticket, now + LEASE_MS);
    return chunk(users, FANS_PER_MESSAGE).map((fans) => ({ app: record.app, campaign: record.id, kind: 'run' as const, fans, ticket }));
  }

  /** How many more fans may go out now (schedule.ts windowFor). */
  private room(record: CampaignRecord): number {
    const { rate } = configOf(this.env).governor;
    const providers = [...new Set(record.actions.map((a) => a.provider))];
    return (
      windowFor(
        providers.map((p) => rate[p]),
        record.callsPerFan,
      ) - this.fans.count(['queued', 'running'])
    );
  }

  private verifiesDue(now: number): CampaignMessage[] {
    const record = this.record;
    if (!record?.verify) return [];
    const users = this.fans.takeVerifies(now, 2000, now + LEASE_MS);
    return chunk(users, FANS_PER_MESSAGE).map((fans) => ({ app: record.app, campaign: record.id, kind: 'verify' as const, fans, ticket: '' }));
  }

  /** Completed: its time came, every fan has an outcome and every verification ran. */
  private async settleCompletion(): Promise<void> {
    const record = this.record;
    if (!record || record.cancelledAt !== null || record.startedAt === null || record.finishedAt !== null) return;
    if (this.fans.count() === 0 || this.fans.count(ACTIVE) > 0 || this.tally.verification().waiting > 0) return;
    const now = Date.now();
    this.outbox.add('campaign.completed', {
      campaign_id: record.id,
      name: record.name,
      counts: this.tally.byStatus(),
      failures: this.tally.failures(),
      started_at: new Date(record.startedAt).toISOString(),
      finished_at: new Date(now).toISOString(),
    });
    await this.save({ ...record, finishedAt: now });
    await this.outbox.flush(record.app);
  }

  /** The alarm at the next thing this campaign waits for; none when it waits for nothing. */
  private async wake(): Promise<void> {
    const record = this.record;
    if (!record) return;
    const at = alarmAt({
      now: Date.now(),
      cancelled: record.cancelledAt !== null,
      nextLease: this.fans.nextLeaseEnd(),
      nextVerify: this.fans.nextVerifyAt(),
      nextRun: this.fans.nextRunAt(),
      room: this.room(record),
      releases: record.releases,
      outboxWaiting: this.outbox.waiting,
      endedAt: record.cancelledAt ?? (this.fans.count(ACTIVE) === 0 ? record.finishedAt : null),
    });
    if (at === 'purge') return this.purge(record);
    if (at === null) return this.ctx.storage.deleteAlarm();
    await this.ctx.storage.setAlarm(at);
  }

  /** Past its keeping time: everything goes, the app's list entry too. */
  private async purge(record: CampaignRecord): Promise<void> {
    await this.env.APPS.delete(appsKv.campaign(record.app, record.createdAt, record.id));
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.record = null;
  }

  private async save(record: CampaignRecord): Promise<void> {
    await this.ctx.storage.put(campaignStorage.record, record);
    this.record = record;
  }
}
