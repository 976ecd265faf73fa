/**
 * The one way crossfollow calls an upstream: a timeout per attempt, retries on 429, 5xx and
 * network failures with full-jitter exponential backoff, `Retry-After` honoured, and a total
 * time budget after which the last answer is returned instead of waiting longer.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** false: a 429 is answered at once, not retried (the caller's Governor pauses the credential instead). */
  retry429?: boolean;
  timeoutMs?: number;
  budgetMs?: number;
  /** No attempt starts with less of the budget left than this: it would only be cut off. */
  minAttemptMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Seams for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export type UpstreamOutcome =
  | { kind: 'response'; response: Response; attempts: number }
  /** `cutOff`: the one attempt was still waiting when the budget (well before its own timeout) ended. */
  | { kind: 'network'; detail: string; attempts: number; cutOff?: boolean };

const DEFAULTS = { attempts: 3, timeoutMs: 10_000, budgetMs: 20_000, minAttemptMs: 0, baseDelayMs: 250, maxDelayMs: 4_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date; undefined when absent or garbled. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export async function fetchWithRetry(url: string, init: RequestInit, options: RetryOptions = {}): Promise<UpstreamOutcome> {
  const o = { ...DEFAULTS, ...options };
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = now() + o.budgetMs;
  let last: UpstreamOutcome | undefined;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    const left = deadline - now();
    if (last) {
      // A retry woken late by its sleep may find too little time left to be worth sending; then
      // the last answer is the outcome, so its body is only let go once a new attempt goes out.
      if (left < Math.max(1, o.minAttemptMs)) break;
      if (last.kind === 'response') await last.response.body?.cancel();
    }
    const attemptMs = Math.max(1, Math.min(o.timeoutMs, left));
    try {
      const response = await doFetch(url, { ...init, signal: AbortSignal.timeout(attemptMs) });
      last = { kind: 'response', response, attempts: attempt };
      if (!isRetryableStatus(response.status) || (response.status === 429 && o.retry429 === false)) return last;
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      // Cut off by the budget, not failed by the provider: the first attempt, stopped well before
      // its own timeout. After a failed attempt, or given half a timeout, it is the provider's.
      const cutOff = timedOut && attempt === 1 && attemptMs < o.timeoutMs / 2;
      last = {
        kind: 'network',
        detail: timedOut ? 'the provider did not answer in time' : 'the provider could not be reached',
        attempts: attempt,
        ...(cutOff ? { cutOff } : {}),
      };
    }
    if (attempt === o.attempts) break;
    const hinted = last.kind === 'response' ? parseRetryAfter(last.response.headers.get('retry-after'), now()) : undefined;
    const wait = hinted !== undefined ? hinted * 1000 : random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
    if (now() + wait + o.minAttemptMs >= deadline) break;
    await sleep(wait);
  }
  // The loop ran at least once (attempts ≥ 1), so there is always a last outcome.
  return last ?? { kind: 'network', detail: 'no attempt was made', attempts: 0 };
}
