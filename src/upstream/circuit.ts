/**
 * A circuit breaker per provider, per isolate: after `threshold` consecutive failures (network
 * errors and 5xx — not 429, which is one user's rate limit) calls fail fast for `coolDownMs`
 * instead of adding load to a provider that is down; then one probe call is let through
 * (half-open), and its outcome closes or re-opens the circuit.
 */
export interface CircuitOptions {
  threshold: number;
  coolDownMs: number;
  now?: () => number;
}

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open'; probing: boolean };

export class Circuit {
  private state: State = { kind: 'closed', failures: 0 };
  private readonly now: () => number;

  constructor(private readonly options: CircuitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a call may go out now; when not, for how many seconds the circuit stays open. */
  admit(): { ok: true } | { ok: false; retryAfter: number } {
    const s = this.state;
    if (s.kind === 'open') {
      if (this.now() < s.until) return { ok: false, retryAfter: Math.max(1, Math.ceil((s.until - this.now()) / 1000)) };
      this.state = { kind: 'half-open', probing: true };
      return { ok: true };
    }
    if (s.kind === 'half-open') {
      if (s.probing) return { ok: false, retryAfter: 1 };
      s.probing = true;
    }
    return { ok: true };
  }

  success(): void {
    this.state = { kind: 'closed', failures: 0 };
  }

  failure(): void {
    const s = this.state;
    if (s.kind === 'half-open' || (s.kind === 'closed' && s.failures + 1 >= this.options.threshold)) {
      this.state = { kind: 'open', until: this.now() + this.options.coolDownMs };
    } else if (s.kind === 'closed') {
      s.failures += 1;
    }
  }

  get status(): State['kind'] {
    return this.state.kind;
  }
}

const circuits = new Map<string, Circuit>();

/** The isolate's circuit for one upstream (named by its base URL, so tests get their own). */
export function circuitFor(upstream: string): Circuit {
  let circuit = circuits.get(upstream);
  if (!circuit) {
    circuit = new Circuit({ threshold: 5, coolDownMs: 30_000 });
    circuits.set(upstream, circuit);
  }
  return circuit;
}
