import { Problem, type ProblemBody, problemBody } from '../http/problem';
import type { ItemResult } from '../providers/types';

export interface Dedupe {
  unique: string[];
  /** Puts the provider's results back in the caller's order, duplicates marked skipped. */
  expand(results: ItemResult[]): ItemResult[];
}

/** Each id acts once: later copies are reported `skipped` with reason `duplicate`. */
export function dedupe(ids: string[]): Dedupe {
  const unique = [...new Set(ids)];
  return {
    unique,
    expand(results) {
      const byId = new Map(results.map((r) => [r.id, r]));
      const seen = new Set<string>();
      return ids.map((id) => {
        if (seen.has(id)) return { id, status: 'skipped', reason: 'duplicate' };
        seen.add(id);
        return byId.get(id) ?? { id, status: 'skipped', reason: 'not-processed' };
      });
    },
  };
}

export function summarize(results: ItemResult[]) {
  const summary = { done: 0, pending: 0, deferred: 0, failed: 0, skipped: 0 };
  for (const r of results) summary[r.status] += 1;
  return summary;
}

const SEVERITY = ['reauth-required', 'upstream-unavailable', 'upstream-error'];

/**
 * A batch with failures is answered by the most telling failure (reauth, then retryable, then
 * refused) as a problem that still carries every item's result, so what did happen upstream is
 * never hidden behind a blanket error.
 */
export function failureOf(results: ItemResult[], body: Record<string, unknown>): Problem | null {
  // A target the provider does not know (404) is that item's answer, not a failed request.
  const problems = results.map((r) => r.problem).filter((p): p is ProblemBody => p !== undefined && p.status !== 404);
  const unsent = results.filter((r) => r.status === 'deferred' && r.reason === 'time-budget').length;
  if (problems.length === 0 && unsent === 0) return null;
  const { type: itemType, ...batch } = body;
  const deferred = Number(deferredHeaders(results)['retry-after'] ?? 0);
  const hints = problems.map((p) => p.retry_after).filter((s): s is number => typeof s === 'number');
  const cutOff = problems.filter((p) => p.type.endsWith(':time-budget-exceeded')).length;
  // Out of time: say so first, unless the user must reconnect (a retry would not help then).
  if ((unsent || cutOff) && !problems.some((p) => p.type.endsWith(':reauth-required'))) {
    const parts = [
      ...(unsent ? [`${unsent} of ${results.length} items were not sent (status deferred, reason time-budget)`] : []),
      ...(cutOff ? [`${cutOff} were in a call cut off in flight (failed; it may or may not have taken effect)`] : []),
      ...(problems.length > cutOff ? [`${problems.length - cutOff} failed otherwise`] : []),
    ];
    const detail = `The request ran out of time: ${parts.join(', ')}; each item says what happened.${unsent ? ' Send the deferred items again.' : ''}`;
    // Not before every deferred item can run, nor before any provider hint (an open circuit, a 429).
    return Problem.fromBody(problemBody(503, 'time-budget-exceeded', detail, { ...batch, item_type: itemType }), Math.max(1, deferred, ...hints));
  }
  const rank = (p: ProblemBody) => {
    const i = SEVERITY.findIndex((s) => p.type.endsWith(`:${s}`));
    return i === -1 ? SEVERITY.length : i;
  };
  const worst = problems.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  const failed = problems.length;
  const detail = `${failed} of ${results.length} items failed; the first: ${worst.detail}`;
  // Retry when the slowest provider hint allows (5 s when no item carried one), and not before
  // deferred items can run.
  const unavailable = worst.status === 503 ? (hints.length ? Math.max(...hints) : 5) : 0;
  const retryAfter = Math.max(deferred, unavailable) || undefined;
  const { retry_after: _hint, upstream_status: _status, ...shared } = worst;
  return Problem.fromBody({ ...shared, detail, ...batch, item_type: itemType }, retryAfter);
}

/** `Retry-After` (seconds) for an answer with deferred items: when the last of them can run. */
export function deferredHeaders(results: ItemResult[], now = Date.now()): Record<string, string> {
  const times = results.flatMap((r) => (r.status === 'deferred' && r.retry_at ? [Date.parse(r.retry_at)] : []));
  if (!times.length) return {};
  return { 'retry-after': String(Math.max(1, Math.ceil((Math.max(...times) - now) / 1000))) };
}
