/**
 * One Governor per provider credential (a Spotify client id, an X app, an Audius API key): the
 * providers count their rate limits per app, not per user, so what one user's request learns (a
 * 429 with `Retry-After`, Spotify's `QUOTA_EXCEEDED`) must hold every other user's back, in every
 * isolate. A Durable Object is the one place all isolates share that answers in order: its
 * input gate runs one `admit` at a time, so a pause set by `report` is seen by the very next
 * call anywhere. The cost is one round trip per upstream call, measured in `npm run bench`.
 *
 * What it keeps (docs/storage.md): the pause, its probe and the counters in storage (they
 * survive eviction); the pacing bucket and the last minute's call counts in memory only (after
 * an eviction the bucket starts full and the minute count from zero, which errs on no side that
 * matters: the provider's own window is the limit).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { GovernorState } from '../schemas/admin';
import { governorStorage } from '../storage/keys';
import { countMinute, lastHour, type MinuteCounts } from './minutes';

declare module '../env' {
  interface Env {
    GOVERNOR: DurableObjectNamespace<Governor>;
  }
}

export type PauseReason = 'rate-limited' | 'quota-exceeded';

/** What a caller asks: its pace (calls a second, 0 = none) and how long it may wait for a slot. */
export interface AdmitRequest {
  rate: number;
  maxWaitMs: number;
}

export type Admission =
  /**
   * Go, after `waitMs` (pacing; then ask `stillClear(epoch)`, since a pause may have begun);
   * `probe`: the first call after a pause, whose outcome must be reported.
   */
  | { ok: true; waitMs: number; probe: boolean; epoch: number }
  /** Not now: until `until` (epoch ms), because of `reason`. */
  | { ok: false; until: number; reason: PauseReason | 'probing' | 'paced' };

export interface Report {
  /** The provider's status for the call. */
  status: number;
  /** Seconds the provider asked for (Retry-After or X's reset), when it said. */
  retryAfter?: number;
  quota?: boolean;
  probe: boolean;
  /** The call was never sent (the request's time ran out, the circuit was open). */
  unsent?: boolean;
}

interface Persisted {
  pausedUntil: number;
  reason: PauseReason | null;
  /** When the probe after a pause went out; null when none is out. */
  probeSince: number | null;
  /** Counts the pauses: a call that waited for its pacing turn checks none began meanwhile. */
  epoch?: number;
  /** UTC day (YYYY-MM-DD) the counters below are for. */
  day: string;
  rateLimited: number;
  quotaExceeded: number;
  /** Daily counters (X: app follows), each with the end of its window. */
  daily: Record<string, { used: number; resetAt: number }>;
}

/** A 429 that named no wait still pauses, this long: retrying at once is what makes a penalty longer. */
export const DEFAULT_PAUSE_MS = 30_000;
/** A probe that never reported (its request died) stops blocking after this long: past one call's longest (two sends of 20 s and a refresh). */
const PROBE_TIMEOUT_MS = 60_000;
/** The pause a 429 asks for, held to 1 s – 24 h: `Retry-After: 0` would probe at once, a date years ahead would stop every user for good. */
const MAX_PAUSE_MS = 24 * 3600_000;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The circuit breaker's last change, as an isolate reported it (each isolate has its own: net/circuit.ts). */
export interface CircuitReport {
  state: 'closed' | 'open' | 'half-open';
  until: number | null;
  at: number;
}

/** How long calls may be counted in memory only. */
const MINUTES_WRITE_MS = 5000;

export class Governor extends DurableObject<Env> {
  private saved: Persisted = { pausedUntil: 0, reason: null, probeSince: null, day: utcDay(Date.now()), rateLimited: 0, quotaExceeded: 0, daily: {} };
  private bucket = { tokens: 0, at: 0, rate: 0 };
  /** Calls admitted in each of the last 60 seconds, by second. */
  private seconds = new Map<number, number>();
  /**
   * The last hour by minute. Written by an alarm 5 s after the first call not yet written, and
   * with each 429, not with every call: an eviction loses at most the last 5 s of calls.
   */
  private minutes: MinuteCounts = {};
  private flushAt = 0;
  private circuit: CircuitReport | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<Persisted>(governorStorage.state);
      if (stored) this.saved = stored;
      this.minutes = (await ctx.storage.get<MinuteCounts>(governorStorage.minutes)) ?? {};
      this.circuit = (await ctx.storage.get<CircuitReport>(governorStorage.circuit)) ?? null;
    });
  }

  /** Writes the minutes counted since the last write (count() sets it). */
  async alarm(): Promise<void> {
    this.flushAt = 0;
    await this.ctx.storage.put(governorStorage.minutes, this.minutes);
  }

  /** An isolate's circuit for this provider changed (upstream/guard.ts). */
  async noteCircuit(state: CircuitReport['state'], until: number | null): Promise<void> {
    this.circuit = { state, until, at: Date.now() };
    await this.ctx.storage.put(governorStorage.circuit, this.circuit);
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const now = Date.now();
    const s = this.saved;
    if (s.pausedUntil > now && s.reason) return { ok: false, until: s.pausedUntil, reason: s.reason };
    if (s.reason) {
      // The pause is over: one call goes alone, and the rest wait for what it finds.
      if (s.probeSince !== null && now - s.probeSince < PROBE_TIMEOUT_MS) return { ok: false, until: now + 1000, reason: 'probing' };
      s.probeSince = now;
      await this.save();
      this.count(now);
      return { ok: true, waitMs: 0, probe: true, epoch: s.epoch ?? 0 };
    }
    const waitMs = this.pace(request.rate, now);
    if (waitMs > request.maxWaitMs) {
      this.bucket.tokens += 1; // the slot taken by pace() goes back: this call is not made
      return { ok: false, until: now + waitMs, reason: 'paced' };
    }
    this.count(now);
    return { ok: true, waitMs, probe: false, epoch: s.epoch ?? 0 };
  }

  /**
   * The operator lifts the pause now (the provider said it is over, or a sandbox scenario is
   * done), and with `daily` forgets the day's counts too. The next call goes out as usual.
   */
  async resume(daily: boolean): Promise<void> {
    const s = this.saved;
    s.reason = null;
    s.pausedUntil = 0;
    s.probeSince = null;
    if (daily) s.daily = {};
    await this.save();
  }

  /** After a pacing wait: the refusal if a pause began since `epoch`, else null (go). */
  async stillClear(epoch: number): Promise<Admission | null> {
    const s = this.saved;
    if ((s.epoch ?? 0) === epoch) return null;
    return s.reason ? { ok: false, until: Math.max(s.pausedUntil, Date.now() + 1000), reason: s.reason } : null;
  }

  /**
   * What an admitted call came to, when it matters: a 429 (pause, or lengthen the pause), or the
   * probe's answer. `paused` is true for the 429 that began the pause, `quota` for the first
   * QUOTA_EXCEEDED of a pause (its event is sent once).
   */
  async report(report: Report): Promise<{ paused: boolean; quota: boolean; until: number; reason: PauseReason | null }> {
    const now = Date.now();
    const s = this.rollDay(now);
    if (report.status === 429) {
      const reason: PauseReason = report.quota ? 'quota-exceeded' : 'rate-limited';
      const asked = report.retryAfter !== undefined ? report.retryAfter * 1000 : DEFAULT_PAUSE_MS;
      const until = now + Math.min(MAX_PAUSE_MS, Math.max(1000, asked));
      const fresh = !(s.pausedUntil > now && s.reason);
      const firstQuota = reason === 'quota-exceeded' && (fresh || s.reason !== 'quota-exceeded');
      // A new pause takes the new reason; within one, QUOTA_EXCEEDED wins (it needs the operator).
      // The pause only ever lengthens: a shorter answer from a call sent before it does not end it early.
      s.reason = fresh || reason === 'quota-exceeded' ? reason : s.reason;
      s.pausedUntil = fresh ? until : Math.max(s.pausedUntil, until);
      if (fresh) s.epoch = (s.epoch ?? 0) + 1;
      s.probeSince = null;
      if (reason === 'quota-exceeded') s.quotaExceeded += 1;
      else s.rateLimited += 1;
      countMinute(this.minutes, now, 'limited');
      this.ctx.storage.put(governorStorage.minutes, this.minutes);
      await this.save();
      return { paused: fresh, quota: firstQuota, until: s.pausedUntil, reason: s.reason };
    }
    if (report.probe && s.reason) {
      // Only an answer from the provider that is not a rate limit ends the pause (a 2xx, or a
      // 4xx about the call itself); a probe never sent, cut off or met by a 5xx tells nothing,
      // so the next call probes instead.
      const answered = !report.unsent && report.status >= 200 && report.status < 500;
      if (answered) {
        s.reason = null;
        s.pausedUntil = 0;
      }
      s.probeSince = null;
      await this.save();
    }
    return { paused: false, quota: false, until: 0, reason: null };
  }

  /** Takes up to `want` from a daily counter (`limit` per `windowMs`, from its first use). */
  async reserveDaily(counter: string, want: number, limit: number, windowMs: number): Promise<{ granted: number; resetAt: number }> {
    const now = Date.now();
    const s = this.rollDay(now);
    let c = s.daily[counter];
    if (!c || c.resetAt <= now) c = { used: 0, resetAt: now + windowMs };
    const granted = Math.max(0, Math.min(want, limit - c.used));
    s.daily[counter] = { ...c, used: c.used + granted };
    await this.save();
    return { granted, resetAt: c.resetAt };
  }

  /** Gives back daily slots of calls that were never made, to the window they were taken from. */
  async releaseDaily(counter: string, count: number, resetAt: number): Promise<void> {
    const c = this.saved.daily[counter];
    if (!c || count <= 0 || c.resetAt !== resetAt) return;
    c.used = Math.max(0, c.used - count);
    await this.save();
  }

  async state(): Promise<GovernorState> {
    const now = Date.now();
    const s = this.rollDay(now);
    let calls = 0;
    for (const [second, n] of this.seconds) if (second > Math.floor(now / 1000) - 60) calls += n;
    const iso = (ms: number) => new Date(ms).toISOString();
    const circuit = this.circuit;
    // An open circuit whose cool-down is over lets its probe through: half-open, whoever reported it.
    const circuitState = circuit?.state === 'open' && circuit.until !== null && circuit.until <= now ? 'half-open' : (circuit?.state ?? 'closed');
    return {
      paused_until: s.pausedUntil > now && s.reason ? new Date(s.pausedUntil).toISOString() : null,
      reason: s.pausedUntil > now ? s.reason : null,
      probing: s.probeSince !== null && now - s.probeSince < PROBE_TIMEOUT_MS,
      calls_last_minute: calls,
      rate_limited_today: s.rateLimited,
      quota_exceeded_today: s.quotaExceeded,
      daily: Object.fromEntries(
        Object.entries(s.daily)
          .filter(([, c]) => c.resetAt > now)
          .map(([k, c]) => [k, { used: c.used, resets_at: new Date(c.resetAt).toISOString() }]),
      ),
      minutes: lastHour(this.minutes, now),
      circuit: {
        state: circuitState,
        until: circuitState === 'open' && circuit?.until ? iso(circuit.until) : null,
        reported_at: circuit ? iso(circuit.at) : null,
      },
    };
  }

  /** A token bucket of `rate` a second and one second of burst (at least one call); the wait for this call's slot. */
  private pace(rate: number, now: number): number {
    if (!(rate > 0)) return 0;
    const bucket = this.bucket;
    // A new rate (a redeploy) changes the pace from now on, without handing out a fresh burst.
    if (bucket.at === 0) bucket.tokens = Math.max(1, rate);
    bucket.rate = rate;
    const burst = Math.max(1, rate);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - (bucket.at || now)) / 1000) * rate);
    bucket.at = now;
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / rate) * 1000);
  }

  private count(now: number): void {
    const second = Math.floor(now / 1000);
    this.seconds.set(second, (this.seconds.get(second) ?? 0) + 1);
    for (const key of this.seconds.keys()) if (key <= second - 60) this.seconds.delete(key);
    countMinute(this.minutes, now, 'calls');
    if (!this.flushAt) {
      // Not awaited: the object's output gate holds its answers until the alarm is set.
      this.flushAt = now + MINUTES_WRITE_MS;
      this.ctx.storage.setAlarm(this.flushAt);
    }
  }

  private rollDay(now: number): Persisted {
    const day = utcDay(now);
    if (this.saved.day !== day) this.saved = { ...this.saved, day, rateLimited: 0, quotaExceeded: 0 };
    return this.saved;
  }

  private save(): Promise<void> {
    return this.ctx.storage.put(governorStorage.state, this.saved);
  }
}
