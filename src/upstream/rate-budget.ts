/** A connection's own request budgets (X: 50 follows per 15 minutes per user), kept by its TokenVault. */
import type { Env } from '../env';
import type { ConnectionId } from '../storage/keys';
import { vaultFor } from '../tokens/access';
import type { BudgetGrant } from '../tokens/types';

export class RateBudget {
  constructor(
    private readonly env: Env,
    private readonly id: ConnectionId,
  ) {}

  /** Takes up to `want` calls from `bucket` (see tokens/budget.ts reserveBudget). */
  reserve(bucket: string, want: number, limit: number, windowMs: number): Promise<BudgetGrant> {
    return vaultFor(this.env, this.id).reserve(bucket, want, limit, windowMs);
  }

  /** Gives back slots of calls that were never sent; best effort. */
  async release(bucket: string, count: number, from: Omit<BudgetGrant, 'granted'>, limit: number): Promise<void> {
    try {
      await vaultFor(this.env, this.id).release(bucket, count, from, limit);
    } catch {
      // Losing a release only leaves the window a little shorter than it could be.
    }
  }

  /** Tells the budget what the provider's rate-limit headers said; best effort, never fails a call. */
  async observe(bucket: string, remaining: number, resetAt: number): Promise<void> {
    try {
      await vaultFor(this.env, this.id).observe(bucket, remaining, resetAt);
    } catch {
      // The next reserve() still holds the line; a lost observation only costs precision.
    }
  }
}
