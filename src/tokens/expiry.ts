/**
 * Refresh tokens with an end date. Spotify's end six calendar months after the user's original
 * consent, and a refresh does not move that (new apps since 2026-06-18, existing ones since
 * 2026-07-20); past it the token endpoint answers invalid_grant. From the record the vault has
 * already read, this says whether a connection is fine, within the warning window, or past its
 * end, and until when the caches in front of the vault may answer for it, so a cached access
 * token never hides a crossing. Pure: expiry-check.ts is what the vault does about it.
 */
import type { z } from '@hono/zod-openapi';
import { configOf } from '../config';
import type { Env } from '../env';
import type { RefreshLifetime } from '../oauth/client';
import { PROVIDER_LABELS, type ProviderName } from '../providers/names';
import { providerFor } from '../providers/registry';
import { AUTHORIZE_PATH, AuthorizeBody } from '../schemas/oauth';
import type { ConnectionId } from './types';

/** The fields of the vault's record (status.ts `Stored` extends this) that date the user's grant. */
export interface Authorization {
  connectedAt: number;
  /** The consent (OAuth callback) or the import's authorized_at; a refresh never moves it. Older records lack it: connectedAt stands in. */
  authorizedAt?: number;
  /** When this authorization's one connection.expiring event was queued; null (or absent) until then. */
  expiryWarnedAt?: number | null;
}

/** A provider's refresh-token lifetime and the operator's warning window (EXPIRY_WARNING_DAYS). */
export interface ExpiryRule {
  provider: ProviderName;
  lifetime: RefreshLifetime;
  warningDays: number;
}

export interface Expiry {
  authorizedAt: number;
  /** null: the provider's refresh tokens have no documented end. */
  refreshExpiresAt: number | null;
  state: 'ok' | 'expiring' | 'expired';
  /** When the warning window begins (EXPIRY_WARNING_DAYS before the end); null: no end. */
  warnAt: number | null;
  /** Set when expired: what reauth_required says. */
  reason: string | null;
  /**
   * Until when a cached access token may be served without the vault looking: the start of the
   * warning window until the warning went out, then the end. null: no end to watch for.
   */
  recheckAt: number | null;
}

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function ruleFor(env: Env, provider: ProviderName): ExpiryRule {
  return { provider, lifetime: providerFor(provider).oauth.refreshLifetime, warningDays: configOf(env).expiryWarningDays };
}

/**
 * `months` calendar months after `ms`, in UTC. A day the target month lacks becomes its last day
 * (Aug 31 + 6 months is Feb 28), never a day of the month after: an early end is a warning a
 * few days early, a late one a refresh the provider refuses.
 */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear(), month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

export function authorizedAtOf(a: Authorization): number {
  return a.authorizedAt ?? a.connectedAt;
}

export function expiryOf(a: Authorization, rule: ExpiryRule, now = Date.now()): Expiry {
  const authorizedAt = authorizedAtOf(a);
  if (!rule.lifetime) return { authorizedAt, refreshExpiresAt: null, state: 'ok', warnAt: null, reason: null, recheckAt: null };
  const { months } = rule.lifetime;
  const end = addMonths(authorizedAt, months);
  const warnFrom = end - rule.warningDays * DAY_MS;
  const state = now >= end ? 'expired' : now >= warnFrom ? 'expiring' : 'ok';
  const reason =
    state === 'expired'
      ? `The ${months}-month limit on ${PROVIDER_LABELS[rule.provider]} refresh tokens passed at ${iso(end)}: they end ${months} months after the user's consent (${iso(authorizedAt)}), however often they are refreshed.`
      : null;
  return { authorizedAt, refreshExpiresAt: end, state, warnAt: warnFrom, reason, recheckAt: a.expiryWarnedAt ? end : warnFrom };
}

/** Whether this use crosses a line the vault must act on: into the window unwarned, or past the end. */
export function due(e: Expiry, now = Date.now()): boolean {
  return e.recheckAt !== null && now >= e.recheckAt;
}

/**
 * The dates of a (re-)import: a re-import is a new authorization unless it says otherwise with
 * authorized_at, and the same authorization keeps its one warning.
 */
export function importedAuthorization(previous: Authorization | undefined, authorizedAt: number): Omit<Authorization, 'connectedAt'> {
  const same = previous !== undefined && authorizedAtOf(previous) === authorizedAt;
  return { authorizedAt, expiryWarnedAt: same ? (previous.expiryWarnedAt ?? null) : null };
}

type ReconnectBody = Pick<z.infer<typeof AuthorizeBody>, 'user' | 'scopes'>;

/** connection.expiring's data: what the app needs to send the user through consent again. */
export function expiringEvent(id: ConnectionId, scope: string | null, e: Expiry) {
  // The connection's own scopes, when the authorize route takes them as they are; else its defaults.
  const scopes = AuthorizeBody.shape.scopes.safeParse(scope ? scope.split(/\s+/).filter(Boolean) : undefined);
  const body: ReconnectBody = { user: id.user, ...(scopes.success && scopes.data ? { scopes: scopes.data } : {}) };
  return {
    user: id.user,
    provider: id.provider,
    authorized_at: iso(e.authorizedAt),
    refresh_expires_at: e.refreshExpiresAt === null ? null : iso(e.refreshExpiresAt),
    // return_to is the app's to add: one of its allowed return_to URLs, for the page the user is on.
    reconnect: { method: 'POST' as const, path: AUTHORIZE_PATH.replace('{provider}', id.provider), body },
  };
}
