import { vaultStorage } from '../storage/keys';
import type { BudgetGrant } from './types';

/**
 * Fixed-window request budgets kept in a TokenVault's storage (X: 50 follows per 15 minutes per
 * user). Storage calls hold the object's other events back, so two requests of the same user
 * can never both take the last slot.
 */
interface Budget {
  remaining: number;
  resetAt: number;
  /** Bumped each time the provider's figure replaces ours: slots reserved before are not in it. */
  epoch?: number;
}

const budgetKey = vaultStorage.budget;

/** Takes up to `want` requests from the budget (`limit` per `windowMs`); a window that has ended starts afresh. */
export async function reserveBudget(storage: DurableObjectStorage, bucket: string, want: number, limit: number, windowMs: number): Promise<BudgetGrant> {
  const now = Date.now();
  let budget = await storage.get<Budget>(budgetKey(bucket));
  if (!budget || budget.resetAt <= now) budget = { remaining: limit, resetAt: now + windowMs };
  const granted = Math.max(0, Math.min(want, budget.remaining));
  await storage.put(budgetKey(bucket), { ...budget, remaining: budget.remaining - granted });
  return { granted, resetAt: budget.resetAt, epoch: budget.epoch ?? 0 };
}

/**
 * Aligns a budget with what the provider said (`x-rate-limit-remaining` / `-reset`): it only ever
 * lowers or extends. When it changes the figure, the provider's count has replaced ours, and the
 * epoch moves on so that no earlier reservation gives slots back into it.
 */
export async function observeBudget(storage: DurableObjectStorage, bucket: string, remaining: number, resetAt: number): Promise<void> {
  const stored = await storage.get<Budget>(budgetKey(bucket));
  // A window that has ended says nothing about the provider's current one.
  const budget = stored && stored.resetAt > Date.now() ? stored : undefined;
  if (budget && budget.remaining <= remaining && budget.resetAt >= resetAt) return;
  await storage.put(budgetKey(bucket), {
    remaining: Math.min(remaining, budget?.remaining ?? remaining),
    resetAt: Math.max(resetAt, budget?.resetAt ?? 0),
    epoch: (stored?.epoch ?? 0) + 1,
  });
}

/**
 * Gives back slots taken by `reserveBudget` for calls that were never sent (the circuit was open
 * or the request ran out of time), so a user's rate window is not spent on nothing. Only within
 * the same window, never above `limit`, and only into the count they were taken from: once the
 * provider's figure has replaced it (a new epoch, by any request of the user), that figure never
 * held them.
 */
export async function releaseBudget(
  storage: DurableObjectStorage,
  bucket: string,
  count: number,
  from: Omit<BudgetGrant, 'granted'>,
  limit: number,
): Promise<void> {
  const budget = await storage.get<Budget>(budgetKey(bucket));
  if (!budget || budget.resetAt !== from.resetAt || (budget.epoch ?? 0) !== from.epoch || budget.resetAt <= Date.now() || count < 1) return;
  await storage.put(budgetKey(bucket), { ...budget, remaining: Math.min(limit, budget.remaining + count) });
}
