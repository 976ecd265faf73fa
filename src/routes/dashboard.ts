/**
 * GET /dashboard: the page an app's team watches a release day on (docs/dashboard.md). The page
 * and its scripts are this worker's own: the HTML here, the scripts and styles static assets
 * built from the repository and the pinned uPlot package (scripts/assets.mjs). Its data comes
 * from /dashboard/api/*: the same routes as /v1 and /admin, authenticated by the session cookie
 * instead of a key, and only those the page reads, plus a campaign's retry.
 */
import { Hono } from 'hono';
import { findApp } from '../auth/apps';
import { currentSession, endSession, operatorTokenOk, sameOrigin, sessionAuth, startSession } from '../auth/session';
import type { AppEnv } from '../env';
import { sameOriginPolicy } from '../http/csp';
import { Problem } from '../http/problem';
import { governorStates } from '../operations/governors';
import { appViews } from './app-views';
import { campaigns } from './campaigns';
import { DASHBOARD_PAGE } from './dashboard/page';

/** Same origin only, no inline script or style: the page loads nothing but this worker's files. */
const POLICY = sameOriginPolicy();

/** What the page may call, by method and path under /dashboard/api: reads, and a campaign's retry. */
const ALLOWED: readonly [string, RegExp][] = [
  ['GET', /^\/v1\/campaigns$/],
  ['GET', /^\/v1\/campaigns\/[^/]+$/],
  ['GET', /^\/v1\/campaigns\/[^/]+\/fans$/],
  ['POST', /^\/v1\/campaigns\/[^/]+\/retry$/],
  ['GET', /^\/v1\/connections$/],
  ['GET', /^\/v1\/events\/deliveries$/],
  ['GET', /^\/admin\/governors$/],
];

const api = new Hono<AppEnv>();
// Before the session check: the page asks this first, and signed out is an answer, not an error
// (a 401 would be a console error in every browser, on every visit before signing in).
api.get('/session', async (c) => {
  const session = await currentSession(c);
  if (!session) return c.json({ signed_in: false });
  return c.json({
    signed_in: true,
    app_id: session.appId,
    app_name: session.appName,
    operator: session.operator,
    expires_at: new Date(session.expiresAt).toISOString(),
  });
});
api.use('*', sessionAuth());
api.use('*', async (c, next) => {
  const path = new URL(c.req.url).pathname.slice('/dashboard/api'.length);
  if (!ALLOWED.some(([method, pattern]) => method === c.req.method && pattern.test(path)))
    throw new Problem(404, 'not-found', `The dashboard does not call ${c.req.method} ${path}; use the API with your key for that.`);
  if (path.startsWith('/admin/') && !c.get('session')?.operator)
    throw new Problem(403, 'forbidden', 'The providers view is the operator’s: sign in with the ADMIN_TOKEN as well.');
  await next();
});
api.get('/admin/governors', async (c) => c.json(await governorStates(c.env), 200));
api.route('/', campaigns);
api.route('/', appViews);

export const dashboard = new Hono<AppEnv>();

dashboard.get('/dashboard', (c) => {
  c.header('content-security-policy', POLICY);
  // Not secureHeaders' no-referrer: with it, a browser sends `Origin: null` on the page's own POSTs.
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
  return c.html(DASHBOARD_PAGE);
});

/**
 * The sign-in form's POST: the key checked, a session started, and back to the page (303, so a
 * reload does not post the key again). A wrong key says so in the query, never the key.
 */
dashboard.post('/dashboard/session', async (c) => {
  if (!sameOrigin(c)) throw new Problem(403, 'forbidden', 'Sign in from the dashboard page itself.');
  const form = await c.req.parseBody();
  const apiKey = typeof form.api_key === 'string' ? form.api_key.trim() : '';
  const adminToken = typeof form.admin_token === 'string' ? form.admin_token.trim() : '';
  const app = apiKey ? await findApp(c.env.APPS, apiKey) : null;
  if (!app) return c.redirect('/dashboard?signin=failed', 303);
  const operator = adminToken !== '' && (await operatorTokenOk(c.env, adminToken));
  await startSession(c, app, operator);
  return c.redirect(adminToken !== '' && !operator ? '/dashboard?signin=operator-failed' : '/dashboard', 303);
});

dashboard.post('/dashboard/session/end', async (c) => {
  if (!sameOrigin(c)) throw new Problem(403, 'forbidden', 'Sign out from the dashboard page itself.');
  await endSession(c);
  return c.redirect('/dashboard', 303);
});

dashboard.route('/dashboard/api', api);
