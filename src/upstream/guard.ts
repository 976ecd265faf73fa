/** The provider's circuit around one call: fail fast while it is open, and tell it what the call said. */
import { problemBody } from '../http/problem';
import { type CircuitState, circuitFor } from '../net/circuit';
import type { CallOutcome } from './outcome';

/**
 * Runs `call` if the circuit of `url`'s origin admits it. What the provider itself did counts:
 * a network failure or a 5xx is a failure; a 429 says nothing about its health, and neither does
 * a refresh that failed (the token endpoint's) nor a call this request cut off or never sent — a
 * slow but healthy provider must not be shut off for every user because one request ran out of time.
 * `source` names the connection, so one user's failures alone never open it.
 */
export async function throughCircuit(
  url: string,
  label: string,
  source: string,
  call: () => Promise<CallOutcome>,
  onChange?: (state: CircuitState, until: number | null) => Promise<void>,
): Promise<CallOutcome> {
  const circuit = circuitFor(new URL(url).origin);
  const before = `${circuit.status}|${circuit.openUntil}`;
  const admitted = circuit.admit();
  if (!admitted.ok) {
    return {
      ok: false,
      notSent: 'circuit-open',
      retryAfter: admitted.retryAfter,
      problem: problemBody(
        503,
        'upstream-unavailable',
        `${label} kept failing; crossfollow is holding calls back for ${admitted.retryAfter} s instead of adding load.`,
        {
          retry_after: admitted.retryAfter,
        },
      ),
    };
  }
  let outcome: CallOutcome;
  const told = async () => {
    // Only a change is told, so a healthy provider costs nothing here.
    // A probe that failed goes open → half-open → open again: a new end is a change too.
    if (`${circuit.status}|${circuit.openUntil}` !== before) await onChange?.(circuit.status, circuit.openUntil).catch(() => undefined);
  };
  try {
    outcome = await call();
  } catch (err) {
    circuit.failure(source);
    await told();
    throw err;
  }
  const upstream = outcome.ok ? null : outcome.problem.upstream_status;
  const network = !outcome.ok && upstream === undefined && outcome.problem.network === true;
  if (network || (typeof upstream === 'number' && upstream >= 500)) circuit.failure(source);
  else if (outcome.ok || (typeof upstream === 'number' && upstream !== 429)) circuit.success();
  else circuit.abandon();
  await told();
  return outcome;
}
