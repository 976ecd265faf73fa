import { createExecutionContext, env, runInDurableObject, SELF } from 'cloudflare:test';
import { inject } from 'vitest';
// @ts-expect-error plain JavaScript shared with the mocks
import { userOfToken } from '../../mocks/world/identity.mjs';
import { registerAppKey } from '../../src/auth/apps';
import { vaultFor } from '../../src/tokens/access';

export const BASE = 'http://crossfollow.test';

export interface MockCall {
  startedAt: number;
  at: number;
  method: string;
  url: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  apiKey: string | null;
  contentType: string | null;
  body: string;
  status: number;
  violations: unknown[];
}

export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}

/** A new app with its own key: every test gets its own namespace of users. */
export async function newApp(): Promise<{ key: string; app: string }> {
  const key = unique('key');
  const app = unique('app');
  await registerAppKey(env.APPS, key, app);
  return { key, app };
}

export function call(key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  return SELF.fetch(BASE + path, init);
}

/**
 * Calls the worker with `vars` changed, through the scanned dev entry. Tests that make a provider
 * rate limit pass a credential of their own (`ownCredential()`), so the pause they cause stays
 * with their own Governor instead of holding back every other test's calls.
 */
export async function callWith(vars: Record<string, string>, key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const { default: worker } = await import('./scanned-worker');
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  return worker.fetch(new Request(BASE + path, init), { ...env, ...vars }, createExecutionContext());
}

/** A Spotify client id (and Audius API key) of the test's own: its own Governor. */
export const ownCredential = () => ({ SPOTIFY_CLIENT_ID: unique('cid'), AUDIUS_API_KEY: unique('akey') });

/** Imports tokens for `user` and returns the access token the API will be called with. */
export async function connect(
  key: string,
  user: string,
  tokens: { access_token?: string; refresh_token?: string; expires_in?: number; provider_user_id?: string; authorized_at?: string } = {},
  provider: 'spotify' | 'x' | 'audius' = 'spotify',
) {
  const access_token = tokens.access_token ?? unique('at');
  const res = await call(key, 'PUT', `/v1/users/${user}/connections/${provider}`, {
    access_token,
    // The sandbox names a token's user after its last `.`: the refresh token names the access
    // token's user, so a refresh keeps that user's world (mocks/world/identity.mjs).
    refresh_token: tokens.refresh_token ?? `${unique('rt')}.${userOfToken(access_token)}`,
    expires_in: tokens.expires_in ?? 3600,
    scope: 'user-follow-read user-follow-modify',
    ...(tokens.provider_user_id ? { provider_user_id: tokens.provider_user_id } : {}),
    ...(tokens.authorized_at ? { authorized_at: tokens.authorized_at } : {}),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`);
  return access_token;
}

/** Calls the recording proxy in front of one upstream's Prism saw, optionally only those matching. */
export async function mockCalls(
  upstream: 'spotify-api' | 'spotify-accounts' | 'x-api' | 'audius-api',
  match: (c: MockCall) => boolean = () => true,
): Promise<MockCall[]> {
  const res = await fetch(`${inject('mockUrls')[upstream]}/__mock/calls`);
  const calls = (await res.json()) as MockCall[];
  return calls.filter(match);
}

/** One sandbox user's world at a provider (mocks/world/), named by an access token. */
export interface MockWorld {
  user: string;
  user_id: string;
  follows: { type: string; id: string; at: string }[];
  saved: { type: string; id: string; at: string }[];
  pending: { type: string; id: string; at: string }[];
}

export async function mockWorld(upstream: 'spotify-api' | 'x-api' | 'audius-api', token: string): Promise<MockWorld> {
  const res = await fetch(`${inject('mockUrls')[upstream]}/__mock/state?token=${encodeURIComponent(token)}`);
  if (!res.ok) throw new Error(`mock state: ${res.status} ${await res.text()}`);
  return (await res.json()) as MockWorld;
}

export const byToken = (token: string) => (c: MockCall) => c.authorization === `Bearer ${token}`;
/** Token-endpoint calls that sent refresh token `rt` (form-encoded, or JSON for Audius). */
export const byRefreshToken = (rt: string) => (c: MockCall) => refreshTokenSent(c) === rt;

export function refreshTokenSent(c: MockCall): string | null {
  if (c.contentType?.includes('json')) {
    try {
      return (JSON.parse(c.body) as { refresh_token?: string }).refresh_token ?? null;
    } catch {
      return null;
    }
  }
  return new URLSearchParams(c.body).get('refresh_token');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` distinct valid Spotify ids. */
export function spotifyIds(n: number): string[] {
  const seed = crypto.getRandomValues(new Uint8Array(12));
  return Array.from({ length: n }, (_, i) => {
    let id = '';
    for (let k = 0; k < 12; k++) id += BASE62[seed[k]! % 62];
    return id + String(i).padStart(10, '0');
  });
}

/** The most calls that were open at one instant. */
export function peakOverlap(calls: MockCall[]): number {
  const edges = calls.flatMap((c) => [
    { t: c.startedAt, d: 1 },
    { t: c.at, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) {
    open += e.d;
    peak = Math.max(peak, open);
  }
  return peak;
}

/**
 * Everything crossfollow keeps for one connection: the TokenVault's storage (tokens, budgets,
 * pending connects) and the KV access-token cache, to show a refused request changed nothing.
 */
export async function storedState(app: string, user: string, provider: 'spotify' | 'x' | 'audius'): Promise<string> {
  const id = { app, user, provider } as const;
  const vault = await runInDurableObject(vaultFor(env, id), async (_instance, state) => [...(await state.storage.list())]);
  const cached = await env.TOKENS.getWithMetadata(`token:${app}|${user}|${provider}`);
  return JSON.stringify({ vault, cached });
}
