/** One request's time budget (REQUEST_BUDGET_MS): no call starts after it, none runs past it. */
import { problemBody } from '../http/problem';
import type { CallFailure } from './outcome';

/** The longest one call (its retries included) may take, however much request time is left. */
const CALL_BUDGET_MS = 20_000;

export class TimeBudget {
  /** When this request's time is up (epoch ms). */
  readonly deadline: number;

  constructor(
    readonly budgetMs: number,
    now = Date.now(),
  ) {
    this.deadline = now + budgetMs;
  }

  /** Milliseconds left. */
  timeLeft(): number {
    return this.deadline - Date.now();
  }

  /**
   * Less time than this left, and a call (or a retry) is not started: it would most likely be cut
   * off mid-way and leave its items "may or may not have taken effect" instead of deferred.
   */
  get minCallMs(): number {
    return Math.min(1000, Math.floor(this.budgetMs / 10));
  }

  /** Whether too little time is left to start a call. */
  outOfTime(): boolean {
    return this.timeLeft() < this.minCallMs;
  }

  /** What one call may spend: its retries and its timeout end with the request's budget. */
  callBudgetMs(): number {
    return Math.max(1, Math.min(CALL_BUDGET_MS, this.timeLeft()));
  }

  /** The outcome of a call never sent because the time was up: its items can simply be sent again. */
  notSent(label: string): CallFailure {
    const budget = Math.round(this.budgetMs / 1000);
    return {
      ok: false,
      notSent: 'time-budget',
      retryAfter: 1,
      problem: problemBody(
        503,
        'time-budget-exceeded',
        `The request's time budget (${budget} s) ran out before this call to ${label} was sent; nothing was sent for it.`,
        {
          retry_after: 1,
        },
      ),
    };
  }

  /** The outcome of a call this request cut off in flight (not counted against the provider). */
  cutOff(label: string): CallFailure {
    return {
      ok: false,
      retryAfter: 1,
      problem: problemBody(
        503,
        'time-budget-exceeded',
        `${label} had not answered when the request's time budget ran out, so the call was cut off; a write may or may not have taken effect.`,
        {
          cut_off: true,
          retry_after: 1,
        },
      ),
    };
  }
}
