import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { configOf } from '../../src/config';
import type { Env } from '../../src/env';
import { addMonths, due, type ExpiryRule, expiringEvent, expiryOf, importedAuthorization } from '../../src/tokens/expiry';

const at = (iso: string) => Date.parse(iso);
const spotify: ExpiryRule = { provider: 'spotify', lifetime: { months: 6 }, warningDays: 14 };
const DAY = 86_400_000;

describe('six calendar months', () => {
  it('keeps the day and time, and a day the month lacks becomes its last', () => {
    expect(new Date(addMonths(at('2026-06-10T08:30:05.123Z'), 6)).toISOString()).toBe('2026-12-10T08:30:05.123Z');
    expect(new Date(addMonths(at('2026-08-31T12:00:00Z'), 6)).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    expect(new Date(addMonths(at('2027-08-31T12:00:00Z'), 6)).toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(new Date(addMonths(at('2026-01-31T00:00:00Z'), 6)).toISOString()).toBe('2026-07-31T00:00:00.000Z');
  });
});

describe('the state of a refresh token', () => {
  const authorizedAt = at('2026-06-01T00:00:00Z');
  const end = at('2026-12-01T00:00:00Z');

  it('ok, then expiring within the warning days, then expired at the end; the caches look again at each line', () => {
    const record = { connectedAt: 0, authorizedAt };
    expect(expiryOf(record, spotify, end - 15 * DAY)).toMatchObject({ state: 'ok', refreshExpiresAt: end, recheckAt: end - 14 * DAY, reason: null });
    expect(expiryOf(record, spotify, end - 14 * DAY).state).toBe('expiring');
    expect(expiryOf({ ...record, expiryWarnedAt: end - 10 * DAY }, spotify, end - DAY)).toMatchObject({ state: 'expiring', recheckAt: end });
    const expired = expiryOf(record, spotify, end);
    expect(expired.state).toBe('expired');
    expect(expired.reason).toContain('6-month limit on Spotify refresh tokens passed at 2026-12-01T00:00:00.000Z');
  });

  it('is due only when crossing: into the window unwarned, or past the end', () => {
    const record = { connectedAt: 0, authorizedAt };
    expect(due(expiryOf(record, spotify, end - 15 * DAY), end - 15 * DAY)).toBe(false);
    expect(due(expiryOf(record, spotify, end - DAY), end - DAY)).toBe(true);
    const warned = { ...record, expiryWarnedAt: end - 5 * DAY };
    expect(due(expiryOf(warned, spotify, end - DAY), end - DAY)).toBe(false);
    expect(due(expiryOf(warned, spotify, end), end)).toBe(true);
  });

  it('EXPIRY_WARNING_DAYS 0 means no window: active until the end, then expired', () => {
    const none = { ...spotify, warningDays: 0 };
    expect(expiryOf({ connectedAt: 0, authorizedAt }, none, end - 1).state).toBe('ok');
    expect(expiryOf({ connectedAt: 0, authorizedAt }, none, end).state).toBe('expired');
  });

  it('a provider without a limit never expires; an old record counts from connectedAt', () => {
    expect(expiryOf({ connectedAt: authorizedAt }, { provider: 'x', lifetime: null, warningDays: 14 }, end * 2)).toEqual({
      authorizedAt,
      refreshExpiresAt: null,
      state: 'ok',
      warnAt: null,
      reason: null,
      recheckAt: null,
    });
    expect(expiryOf({ connectedAt: authorizedAt }, spotify, end).refreshExpiresAt).toBe(end);
  });
});

describe('a re-import', () => {
  it('of the same authorization keeps its warning; another authorization may warn again', () => {
    const previous = { connectedAt: 1, authorizedAt: 100, expiryWarnedAt: 200 };
    expect(importedAuthorization(previous, 100)).toEqual({ authorizedAt: 100, expiryWarnedAt: 200 });
    expect(importedAuthorization(previous, 300)).toEqual({ authorizedAt: 300, expiryWarnedAt: null });
    expect(importedAuthorization(undefined, 300)).toEqual({ authorizedAt: 300, expiryWarnedAt: null });
    expect(importedAuthorization({ connectedAt: 100 }, 100)).toEqual({ authorizedAt: 100, expiryWarnedAt: null });
  });
});

describe('the connection.expiring event', () => {
  const expiry = expiryOf({ connectedAt: 0, authorizedAt: at('2026-06-01T00:00:00Z') }, spotify, at('2026-11-25T00:00:00Z'));
  const id = { app: 'a', user: 'u-1', provider: 'spotify' as const };

  it("names the authorize route with the connection's scopes", () => {
    expect(expiringEvent(id, 'user-follow-read  user-library-read', expiry)).toEqual({
      user: 'u-1',
      provider: 'spotify',
      authorized_at: '2026-06-01T00:00:00.000Z',
      refresh_expires_at: '2026-12-01T00:00:00.000Z',
      reconnect: { method: 'POST', path: '/v1/connections/spotify/authorize', body: { user: 'u-1', scopes: ['user-follow-read', 'user-library-read'] } },
    });
  });

  it('leaves scopes to the defaults when there are none, or the route would refuse them', () => {
    expect(expiringEvent(id, null, expiry).reconnect.body).toEqual({ user: 'u-1' });
    expect(expiringEvent(id, 'fine bad/scope', expiry).reconnect.body).toEqual({ user: 'u-1' });
  });
});

describe('EXPIRY_WARNING_DAYS', () => {
  it('defaults to 14, takes 0-90, and falls back to 14 out of range', () => {
    const days = (value: string | undefined) => configOf({ ...env, EXPIRY_WARNING_DAYS: value } as Env).expiryWarningDays;
    expect(days(undefined)).toBe(14);
    expect(days('30')).toBe(30);
    expect(days('0')).toBe(0);
    expect(days('91')).toBe(14);
    expect(days('two weeks')).toBe(14);
  });
});
