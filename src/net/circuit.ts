/**
 * A circuit breaker per provider, per isolate: after `threshold` consecutive failures (network
 * errors and 5xx of the call itself — not 429, which is one user's rate limit, and not a token
 * refresh that failed) from at least two connections, calls fail fast for `coolDownMs`
 * instead of adding load to a provider that is down; then one probe call is let through
 * (half-open), and its outcome closes or re-opens the circuit.
 */
export interface CircuitOptions {
  threshold: number;
  coolDownMs: number;
  now?: () => number;
}

export type CircuitState = State['kind'];

type State = { kind: 'closed'; failures: number; from: Set<string> } | { kind: 'open'; until: number } | { kind: 'half-open'; probeSince: number };

/** A probe that never reported (its request died) stops blocking after this long. */
const PROBE_TIMEOUT_MS = 30_000;

export class Circuit {
  private state: State = { kind: 'closed', failures: 0, from: new Set() };
  private readonly now: () => number;

  constructor(private readonly options: CircuitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a call may go out now; when not, for how many seconds the circuit stays open. */
  admit(): { ok: true } | { ok: false; retryAfter: number } {
    const s = this.state;
    if (s.kind === 'open') {
      if (this.now() < s.until) return { ok: false, retryAfter: Math.max(1, Math.ceil((s.until - this.now()) / 1000)) };
      this.state = { kind: 'half-open', probeSince: this.now() };
      return { ok: true };
    }
    if (s.kind === 'half-open') {
      if (this.now() - s.probeSince < PROBE_TIMEOUT_MS) return { ok: false, retryAfter: 1 };
      this.state = { kind: 'half-open', probeSince: this.now() };
    }
    return { ok: true };
  }

  /**
   * The call admitted said nothing about the provider's health (a 429, a refresh that failed, a
   * call cut off or never sent): if it was the half-open probe, the next call probes instead of
   * every call waiting out the probe's 30 s.
   */
  abandon(): void {
    if (this.state.kind === 'half-open') this.state = { kind: 'half-open', probeSince: this.now() - PROBE_TIMEOUT_MS };
  }

  success(): void {
    this.state = { kind: 'closed', failures: 0, from: new Set() };
  }

  /**
   * `source` names the connection that saw the failure: the circuit opens only when failures
   * came from at least two, so one user's large batch cannot take a provider away from everyone.
   */
  failure(source: string): void {
    const s = this.state;
    if (s.kind === 'half-open') {
      this.state = { kind: 'open', until: this.now() + this.options.coolDownMs };
      return;
    }
    if (s.kind !== 'closed') return;
    s.failures += 1;
    s.from.add(source);
    if (s.failures >= this.options.threshold && s.from.size >= 2) this.state = { kind: 'open', until: this.now() + this.options.coolDownMs };
  }

  get status(): CircuitState {
    return this.state.kind;
  }

  /** While open: until when (epoch ms); otherwise null. */
  get openUntil(): number | null {
    return this.state.kind === 'open' ? this.state.until : null;
  }
}

const circuits = new Map<string, Circuit>();

/** Tests only: forget every circuit's state. */
export function resetCircuits(): void {
  circuits.clear();
}

/** The isolate's circuit for one upstream (named by its base URL, so tests get their own). */
export function circuitFor(upstream: string): Circuit {
  let circuit = circuits.get(upstream);
  if (!circuit) {
    circuit = new Circuit({ threshold: 5, coolDownMs: 30_000 });
    circuits.set(upstream, circuit);
  }
  return circuit;
}
