import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call } from '../support/helpers';

function admin(path: string, body: unknown, token = 'test-admin-token') {
  return SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('operator routes', () => {
  it('create an app whose key works at once, and revoke it', async () => {
    const res = await admin('/admin/apps', { name: 'Merch shop' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { app_id: string; api_key: string };
    expect(created.api_key).toMatch(/^cfk_[\w-]{43}$/);
    expect((await call(created.api_key, 'GET', '/v1/users/someone/connections')).status).toBe(200);
    expect((await admin('/admin/keys/revoke', { api_key: created.api_key })).status).toBe(204);
    expect((await call(created.api_key, 'GET', '/v1/users/someone/connections')).status).toBe(401);
    expect((await admin('/admin/keys/revoke', { api_key: created.api_key })).status).toBe(404);
  });

  it('give a second key to the same app, reaching the same users', async () => {
    const first = (await (await admin('/admin/apps', { name: 'A', app_id: 'rotating-app' })).json()) as { api_key: string };
    await call(first.api_key, 'PUT', '/v1/users/u1/connections/spotify', { access_token: 'x', refresh_token: 'y' });
    const second = (await (await admin('/admin/apps', { name: 'A', app_id: 'rotating-app' })).json()) as { api_key: string };
    expect(second.api_key).not.toBe(first.api_key);
    expect((await call(second.api_key, 'GET', '/v1/users/u1/connections/spotify')).status).toBe(200);
  });

  it('refuse a wrong admin token with 401 and never accept an app key there', async () => {
    expect((await admin('/admin/apps', { name: 'x' }, 'wrong')).status).toBe(401);
    const created = (await (await admin('/admin/apps', { name: 'y' })).json()) as { api_key: string };
    expect((await admin('/admin/apps', { name: 'x' }, created.api_key)).status).toBe(401);
  });
});
