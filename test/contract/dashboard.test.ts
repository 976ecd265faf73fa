// The dashboard's sign-in and the data behind it (GET /dashboard): a session cookie no script can
// read, the same routes as the API behind it, and only the app's own data.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, newApp } from '../support/helpers';

const ORIGIN = new URL(BASE).origin;

async function signIn(fields: Record<string, string>, origin: string | null = ORIGIN) {
  return SELF.fetch(`${BASE}/dashboard/session`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Signs in and returns the cookie the browser would send back. */
async function session(fields: Record<string, string>): Promise<string> {
  const res = await signIn(fields);
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const dash = (cookie: string, method: string, path: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}/dashboard/api${path}`, { method, headers: { cookie, ...headers } });

describe('the dashboard page', () => {
  it('is served under a same-origin Content-Security-Policy with no inline script or style allowed', async () => {
    const res = await SELF.fetch(`${BASE}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const policy = res.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('<form');
  });
});

describe('dashboard sign-in', () => {
  it('trades the key for an HttpOnly, SameSite=Strict cookie scoped to /dashboard, and the key appears in no URL', async () => {
    const { key } = await newApp();
    const res = await signIn({ api_key: key });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).not.toContain(key);
    const me = await dash(cookie.split(';')[0]!, 'GET', '/session');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ operator: false });
  });

  it('refuses an unknown key with a redirect that says so (and sets no cookie), and a post from another origin outright', async () => {
    const wrong = await signIn({ api_key: 'not-a-key' });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get('location')).toBe('/dashboard?signin=failed');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const { key } = await newApp();
    for (const origin of ['https://evil.example', null]) {
      const res = await signIn({ api_key: key }, origin);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:forbidden' });
    }
  });

  it('opens the providers view only with the ADMIN_TOKEN; a wrong one signs in without it, and says so', async () => {
    const { key } = await newApp();
    const plain = await session({ api_key: key });
    const refused = await dash(plain, 'GET', '/admin/governors');
    expect(refused.status).toBe(403);
    const wrong = await signIn({ api_key: key, admin_token: 'guess' });
    expect(wrong.headers.get('location')).toBe('/dashboard?signin=operator-failed');
    const operator = await session({ api_key: key, admin_token: 'test-admin-token' });
    expect(await (await dash(operator, 'GET', '/session')).json()).toMatchObject({ operator: true });
    const governors = await dash(operator, 'GET', '/admin/governors');
    expect(governors.status).toBe(200);
    const body = (await governors.json()) as { governors: { provider: string; minutes: unknown[]; circuit: { state: string } }[] };
    expect(body.governors.map((g) => g.provider)).toEqual(['spotify', 'x', 'audius']);
    expect(body.governors[0]!.circuit.state).toMatch(/closed|open|half-open/);
  });

  it('ends with sign-out and with the key’s revocation; without a session every dashboard call is a 401 problem', async () => {
    const { key } = await newApp();
    const first = await session({ api_key: key });
    const end = await SELF.fetch(`${BASE}/dashboard/session/end`, { method: 'POST', redirect: 'manual', headers: { cookie: first, origin: ORIGIN } });
    expect(end.status).toBe(303);
    expect(await (await dash(first, 'GET', '/session')).json()).toEqual({ signed_in: false });
    const second = await session({ api_key: key });
    expect((await dash(second, 'GET', '/v1/campaigns')).status).toBe(200);
    await SELF.fetch(`${BASE}/admin/keys/revoke`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: key }),
    });
    const after = await dash(second, 'GET', '/v1/campaigns');
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ type: 'urn:crossfollow:problem:unauthorized' });
    expect((await dash('crossfollow_session=forged', 'GET', '/v1/campaigns')).status).toBe(401);
  });

  it('reaches only the signed-in app’s data, only what the page reads, and changes nothing unless asked from its own origin', async () => {
    const a = await newApp();
    const b = await newApp();
    const created = await call(b.key, 'POST', '/v1/campaigns', {
      name: 'b only',
      actions: [{ provider: 'spotify', op: 'follow', type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] }],
      run: { mode: 'now' },
    });
    const { id } = (await created.json()) as { id: string };
    const cookie = await session({ api_key: a.key });
    expect((await dash(cookie, 'GET', `/v1/campaigns/${id}`)).status).toBe(404);
    expect(((await (await dash(cookie, 'GET', '/v1/campaigns')).json()) as { campaigns: unknown[] }).campaigns).toEqual([]);
    // Joining, creating, cancelling: the API's, with a key; the dashboard does not.
    expect((await dash(cookie, 'DELETE', `/v1/campaigns/${id}`, { origin: ORIGIN })).status).toBe(404);
    expect((await dash(cookie, 'PUT', '/v1/users/u/connections/spotify', { origin: ORIGIN })).status).toBe(404);
    const own = await call(a.key, 'POST', '/v1/campaigns', {
      name: 'a',
      actions: [{ provider: 'spotify', op: 'follow', type: 'artist', ids: ['0TnOYISbd1XYRBk9myaseg'] }],
      run: { mode: 'now' },
    });
    const mine = ((await own.json()) as { id: string }).id;
    expect((await dash(cookie, 'POST', `/v1/campaigns/${mine}/retry`)).status).toBe(403);
    const retried = await dash(cookie, 'POST', `/v1/campaigns/${mine}/retry`, { origin: ORIGIN });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ retried: 0 });
  });
});
