import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app, PUBLIC_ROUTES } from '../../src/app';
import { BASE } from '../support/helpers';

/** Every route the app serves, as `METHOD /path` with Hono's `:param`s. */
const served = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();

const SAMPLE: Record<string, string> = { user: 'demo', provider: 'spotify', id: 'someone', kind: 'artists', app_id: 'app1' };
const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => SAMPLE[name] ?? 'x');

/**
 * Routes anyone may call: the service's front page and documents, the dashboard's page, its
 * sign-in and sign-out (which take the key in their body, or end a session) and its session check
 * (signed out is `{signed_in: false}`), and the two /v1 routes that authenticate their own way.
 * Everything else under /dashboard/api needs a session.
 */
const EXPECTED_PUBLIC = [
  'GET /',
  'GET /dashboard',
  'GET /dashboard/api/session',
  'GET /docs',
  'GET /openapi.json',
  'GET /v1/oauth/:provider/callback',
  'POST /dashboard/session',
  'POST /dashboard/session/end',
  'POST /v1/hooks/actions',
];

describe('authentication is on by default', () => {
  it('serves the routes this test knows of (a new route is checked here too)', () => {
    expect(served.length).toBeGreaterThan(20);
  });

  it('answers 401 without credentials on every route but the listed public ones', async () => {
    const open: string[] = [];
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string];
      const init: RequestInit = { method };
      if (method !== 'GET' && method !== 'HEAD') Object.assign(init, { headers: { 'content-type': 'application/json' }, body: '{}' });
      const res = await SELF.fetch(`${BASE}${concrete(path)}`, init);
      const type = res.headers.get('content-type')?.includes('problem+json') ? ((await res.json()) as { type: string }).type : await res.text();
      if (res.status === 401 && type.endsWith(':unauthorized')) continue;
      open.push(route);
    }
    expect(open).toEqual(EXPECTED_PUBLIC);
  });

  it('the OpenAPI document marks exactly the public /v1 routes as taking no key', async () => {
    const doc = (await (await SELF.fetch(`${BASE}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const keyless = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(keyless.sort()).toEqual(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
