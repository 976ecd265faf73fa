/**
 * What an app sees of all its users at once: its connections by status (the ConnectionIndex) and
 * its event deliveries (the DeliveryLog). Both are per-app objects, so an app reaches only its own.
 */
import { connectionIndexFor } from '../connections/access';
import type { IndexPage } from '../connections/connection-index';
import type { Env } from '../env';
import { deliveryLogFor } from '../events/delivery-log';
import { validationProblem } from '../http/problem';
import type { ConnectionIndexPage } from '../schemas/connections';
import type { Deliveries } from '../schemas/events';
import { AUTHORIZE_PATH } from '../schemas/oauth';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type After = NonNullable<IndexPage['next']>;

const encodeCursor = (after: After) => btoa(JSON.stringify([after.since, after.user, after.provider])).replaceAll('=', '');

function decodeCursor(cursor: string): After {
  try {
    const [since, user, provider] = JSON.parse(atob(cursor)) as unknown[];
    if (typeof since === 'number' && typeof user === 'string' && typeof provider === 'string') return { since, user, provider };
  } catch {
    // reported below
  }
  throw validationProblem([{ parameter: 'cursor', detail: 'not a cursor of this list: send next_cursor unchanged' }]);
}

/** The app's connections counted by status, and a page of them (newest in their status first). */
export async function listAppConnections(
  env: Env,
  app: string,
  query: { status?: 'active' | 'expiring' | 'reauth_required'; limit: number; cursor?: string },
): Promise<ConnectionIndexPage> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page = await connectionIndexFor(env, app).page({ status: query.status, limit: query.limit, after });
  return {
    counts: page.counts,
    connections: page.connections.map((c) => ({
      user: c.user,
      provider: c.provider,
      status: c.status,
      reason: c.reason,
      since: new Date(c.since).toISOString(),
      refresh_expires_at: iso(c.endAt),
      reconnect: c.status === 'active' ? null : { method: 'POST' as const, path: AUTHORIZE_PATH.replace('{provider}', c.provider), body: { user: c.user } },
    })),
    next_cursor: page.next ? encodeCursor(page.next) : null,
  };
}

/** The app's last event delivery attempts, the day's counts and failures by reason. */
export async function listDeliveries(
  env: Env,
  app: string,
  query: { status?: Deliveries['deliveries'][number]['status']; limit: number },
): Promise<Deliveries> {
  const report = await deliveryLogFor(env, app).report(query.limit, query.status);
  return {
    counts: report.counts,
    failures: report.failures.map((f) => ({ reason: f.reason, attempts: f.attempts, last_at: new Date(f.lastAt).toISOString() })),
    deliveries: report.deliveries.map((d) => ({
      event_id: d.eventId,
      type: d.type,
      status: d.status,
      attempt: d.attempt,
      reason: d.reason,
      host: d.host,
      at: new Date(d.at).toISOString(),
      next_attempt_at: iso(d.nextAttemptAt),
    })),
  };
}
