/** What the API shows of a campaign and its fans, built from the Campaign's storage. */
import type { CampaignView, FanView } from '../schemas/campaigns';
import type { FanCounts } from './fan-counts';
import type { FanRow, FanTable } from './fans';
import { actionStatus, type FanResults, type PlannedAction } from './plan';
import { earliestRun } from './schedule';
import type { CampaignRecord } from './types';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function statusOf(record: CampaignRecord, now: number, startsAt: number | null): CampaignView['status'] {
  if (record.cancelledAt !== null) return 'cancelled';
  if (record.finishedAt !== null) return 'completed';
  if (record.startedAt === null && (startsAt === null || startsAt > now)) return 'scheduled';
  return 'running';
}

export function viewOf(record: CampaignRecord, fans: FanTable, tally: FanCounts, now: number): CampaignView {
  const counts = tally.byStatus();
  const next = fans.nextRunAt();
  const startsAt = record.run.mode === 'local-midnight' ? (record.startedAt ?? next) : earliestRun(record.run, record.createdAt);
  const status = statusOf(record, now, startsAt);
  const left = counts.pending + counts.running + counts.deferred;
  // The pace of the last minute, or since the start in the first one (a minute's window over a
  // run of seconds would make the pace look slow): a forecast, not a promise.
  const paceMs = Math.max(5000, Math.min(60_000, now - (record.startedAt ?? now)));
  const recent = tally.finishedSince(now - paceMs);
  const estimate = status === 'running' && left > 0 && recent > 0 ? now + (left / recent) * paceMs : null;
  const byAction = record.actions.map((a, action) => ({
    action,
    provider: a.provider,
    op: a.op,
    type: a.type ?? (a.upc ? 'album' : a.isrc ? 'track' : null),
    done: 0,
    failed: 0,
    deferred: 0,
    pending: 0,
  }));
  for (const row of tally.countsByAction()) {
    const entry = byAction[row.action];
    if (!entry) continue;
    if (row.status === 'done') entry.done += row.n;
    else if (row.status === 'deferred') entry.deferred += row.n;
    else entry.failed += row.n;
  }
  for (const entry of byAction) entry.pending = tally.pendingFor(entry.action);
  return {
    id: record.id,
    name: record.name,
    status,
    run: record.run,
    actions: record.actions,
    verify: record.verify,
    created_at: new Date(record.createdAt).toISOString(),
    starts_at: iso(startsAt),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt ?? record.cancelledAt),
    estimated_end_at: iso(estimate === null ? null : Math.round(estimate)),
    counts,
    verified: record.verify ? tally.verification() : null,
    by_action: byAction,
    failures: tally.failures(),
    per_minute: tally.perMinute().map((m) => ({ ...m, minute: new Date(m.minute * 60_000).toISOString() })),
    releases: record.releases.map((r) => ({
      action: r.action,
      ...r.code,
      state: r.state,
      item: r.item,
      searches: r.searches,
      searched_at: iso(r.searchedAt),
      next_search_at: iso(r.state === 'waiting' ? r.nextSearchAt : null),
      reason: r.reason,
    })),
  };
}

export function fanView(row: FanRow, plan: PlannedAction[]): FanView {
  const results = JSON.parse(row.results) as FanResults[];
  const status = row.state === 'queued' ? 'pending' : row.state;
  return {
    user: row.user,
    status,
    reason: row.reason,
    timezone: row.timezone,
    run_at: new Date(row.run_at).toISOString(),
    retry_at: row.state === 'deferred' ? new Date(row.run_at).toISOString() : null,
    attempts: row.attempts,
    joined_at: new Date(row.joined_at).toISOString(),
    finished_at: iso(row.finished_at),
    verified: row.verified === null ? null : row.verified === 1,
    actions: results.map((r) => ({
      action: r.action,
      status: actionStatus(
        plan.find((p) => p.action === r.action),
        r.results,
      ),
      results: r.results,
    })),
  };
}
