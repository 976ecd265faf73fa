/**
 * Dashboard sessions. The browser sends the app's API key once, in the sign-in form's POST body,
 * and gets back a random session token in an HttpOnly, SameSite=Strict cookie scoped to
 * /dashboard: no script on the page can read it, no other site's request carries it, and the
 * key itself is never stored in the browser. KV keeps only the token's SHA-256, with the key's
 * hash (so revoking the key ends its sessions) and an 8-hour TTL. docs/dashboard.md says why.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { configOf } from '../config';
import type { AppEnv, Env } from '../env';
import { Problem } from '../http/problem';
import { appsKv } from '../storage/keys';
import { isAdminToken } from './admin';
import { type AppRecord, sha256Hex } from './apps';

/** How long a session lasts from sign-in. */
export const SESSION_TTL_S = 8 * 3600;
const COOKIE = 'crossfollow_session';
const COOKIE_PATH = '/dashboard';

interface StoredSession {
  app_id: string;
  app_name: string;
  key_sha256: string;
  /**
   * SHA-256 of the session token and the ADMIN_TOKEN signed in with (null: no operator view): a
   * rotated ADMIN_TOKEN ends the operator view, and without the cookie's token the hash says
   * nothing about the ADMIN_TOKEN, however weak.
   */
  operator_sha256: string | null;
  expires_at: number;
}

export interface Session {
  appId: string;
  appName: string;
  operator: boolean;
  expiresAt: number;
}

declare module '../env' {
  interface AppVariables {
    session?: Session;
  }
}

const operatorProof = (token: string, adminToken: string) => sha256Hex(`${token}|${adminToken}`);

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Starts a session for a signed-in app, and with `operator` the operator view, and sets its cookie. */
export async function startSession(c: Context<AppEnv>, app: AppRecord, operator: boolean): Promise<void> {
  const token = randomToken();
  const adminToken = configOf(c.env).adminToken;
  const stored: StoredSession = {
    app_id: app.app_id,
    app_name: app.name,
    key_sha256: app.key_sha256,
    operator_sha256: operator && adminToken ? await operatorProof(token, adminToken) : null,
    expires_at: Date.now() + SESSION_TTL_S * 1000,
  };
  await c.env.APPS.put(appsKv.session(await sha256Hex(token)), JSON.stringify(stored), { expirationTtl: SESSION_TTL_S });
  setCookie(c, COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: SESSION_TTL_S,
  });
}

/** Ends the request's session, if any, and clears its cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = getCookie(c, COOKIE);
  if (token) await c.env.APPS.delete(appsKv.session(await sha256Hex(token)));
  deleteCookie(c, COOKIE, { path: COOKIE_PATH });
}

/** The request's session, or null when it has none (or it ended). */
export function currentSession(c: Context<AppEnv>): Promise<Session | null> {
  return sessionOf(c.env, getCookie(c, COOKIE));
}

/** The session the cookie names, while it lasts, its key is not revoked, and (for the operator view) ADMIN_TOKEN is unchanged. */
async function sessionOf(env: Env, token: string | undefined): Promise<Session | null> {
  if (!token) return null;
  const stored = await env.APPS.get<StoredSession>(appsKv.session(await sha256Hex(token)), 'json');
  if (!stored || stored.expires_at <= Date.now()) return null;
  const key = await env.APPS.get<AppRecord>(appsKv.apiKey(stored.key_sha256), 'json');
  if (!key || key.revoked_at || key.key_sha256 !== stored.key_sha256) return null;
  const adminToken = configOf(env).adminToken;
  const operator = stored.operator_sha256 !== null && adminToken !== undefined && (await operatorProof(token, adminToken)) === stored.operator_sha256;
  return { appId: stored.app_id, appName: stored.app_name, operator, expiresAt: stored.expires_at };
}

/**
 * Whether a request comes from a page of this origin: its `Origin` header, which browsers send on
 * every POST, or, where a referrer policy made it `null`, the browser's own `Sec-Fetch-Site`.
 */
export function sameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') return origin === new URL(c.req.url).origin;
  return c.req.header('sec-fetch-site') === 'same-origin';
}

/** Checks a sign-in's operator token against ADMIN_TOKEN (constant time). */
export async function operatorTokenOk(env: Env, given: string): Promise<boolean> {
  const secret = configOf(env).adminToken;
  return secret !== undefined && (await isAdminToken(secret, given));
}

/**
 * Requires a dashboard session on every request it sees and sets `appId` (and `session`) as the
 * API key would. A request that changes something must also come from this origin: SameSite
 * already keeps other sites' requests from carrying the cookie, and the Origin check holds where
 * a browser's SameSite does not.
 *
 * @example
 * dashboardApi.use('*', sessionAuth())
 */
export function sessionAuth(): MiddlewareHandler<AppEnv> {
  return async function sessionAuthMiddleware(c, next) {
    const session = await currentSession(c);
    if (!session) throw new Problem(401, 'unauthorized', 'Sign in at /dashboard with your app API key; a session lasts 8 hours.');
    if (c.req.method !== 'GET' && !sameOrigin(c)) throw new Problem(403, 'forbidden', 'Dashboard changes come only from the dashboard page itself.');
    c.set('appId', session.appId);
    c.set('session', session);
    await next();
  };
}
