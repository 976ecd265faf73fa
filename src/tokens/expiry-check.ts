/**
 * What the vault does when a use of a connection crosses a line of its refresh token's life
 * (expiry.ts): into the warning window, one connection.expiring event; past the end,
 * reauth_required at once, without spending a refresh the provider would refuse.
 */
import type { Env } from '../env';
import { emit } from '../events/emit';
import { vaultStorage } from '../storage/keys';
import { expiringEvent, expiryOf, ruleFor } from './expiry';
import type { Stored } from './status';
import type { TokenResult } from './types';

/** The vault's own steps this needs (kept private there, so not callable over RPC). */
export interface VaultSteps {
  markReauth(record: Stored, reason: string): Promise<TokenResult>;
  cacheAccess(record: Stored): Promise<void>;
}

/**
 * Run inside `blockConcurrencyWhile`: it reads the record afresh and marks the warning in the
 * same write that decides it, so concurrent requests, and retried ones, queue one event. The
 * answer is the request's (reauth_required), or null to go on with the token.
 */
export async function settleExpiry(storage: DurableObjectStorage, env: Env, steps: VaultSteps): Promise<TokenResult | null> {
  const record = await storage.get<Stored>(vaultStorage.connection);
  if (record?.status !== 'active') return null;
  const expiry = expiryOf(record, ruleFor(env, record.id.provider));
  if (expiry.state === 'expired') return steps.markReauth(record, expiry.reason ?? 'The refresh token has reached its end.');
  if (expiry.state !== 'expiring' || record.expiryWarnedAt) return null;
  const warned: Stored = { ...record, expiryWarnedAt: Date.now() };
  await storage.put(vaultStorage.connection, warned);
  if (await emit(env, record.id.app, 'connection.expiring', expiringEvent(record.id, record.scope, expiry))) await steps.cacheAccess(warned);
  // The queue refused it: unmarked, the next use tries again, rather than the user never hearing.
  else await storage.put(vaultStorage.connection, record);
  return null;
}
