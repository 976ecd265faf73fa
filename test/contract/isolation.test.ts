import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { registerAppKey } from '../../src/auth/apps';
import { BASE, byToken, call, connect, mockCalls, newApp, spotifyIds, storedState } from '../support/helpers';

describe('API keys', () => {
  it('answers 401 with WWW-Authenticate when the key is missing', async () => {
    const res = await SELF.fetch(`${BASE}/v1/users/demo/connections`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="crossfollow"');
    expect(await res.json()).toMatchObject({ type: 'urn:crossfollow:problem:unauthorized', status: 401 });
  });

  it('answers 401 for an unknown key and for a revoked one', async () => {
    expect((await call('no-such-key', 'GET', '/v1/users/demo/connections')).status).toBe(401);
    const record = await registerAppKey(env.APPS, 'soon-revoked', 'app-revoked');
    await env.APPS.put(`apikey:${record.key_sha256.slice(0, 16)}`, JSON.stringify({ ...record, revoked_at: new Date().toISOString() }));
    const res = await call('soon-revoked', 'GET', '/v1/users/demo/connections');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('stores only a hash of the key', async () => {
    await registerAppKey(env.APPS, 'plain-key-value', 'app-hash');
    const { keys } = await env.APPS.list();
    const values = await Promise.all(keys.map((k) => env.APPS.get(k.name)));
    expect([...keys.map((k) => k.name), ...values].join('\n')).not.toContain('plain-key-value');
  });
});

describe("one app can never reach another app's users", () => {
  it('answers 404 to another app for the same user id, with no upstream call', async () => {
    const owner = await newApp();
    const other = await newApp();
    const token = await connect(owner.key, 'shared-name');
    const before = await storedState(owner.app, 'shared-name', 'spotify');
    for (const [method, path, body] of [
      ['PUT', '/v1/users/shared-name/spotify/follows', { type: 'artist', ids: spotifyIds(1) }],
      ['DELETE', '/v1/users/shared-name/spotify/follows', { type: 'artist', ids: spotifyIds(1) }],
      ['POST', '/v1/users/shared-name/spotify/follows/contains', { type: 'artist', ids: spotifyIds(1) }],
      ['GET', '/v1/users/shared-name/spotify/follows?type=artist'],
      ['GET', '/v1/users/shared-name/connections/spotify'],
      ['DELETE', '/v1/users/shared-name/connections/spotify'],
    ] as const) {
      const res = await call(other.key, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const list = (await (await call(other.key, 'GET', '/v1/users/shared-name/connections')).json()) as { connections: unknown[] };
    expect(list.connections).toEqual([]);
    expect(await mockCalls('spotify-api', byToken(token))).toHaveLength(0);
    // The owner's connection survived the other app's DELETE, byte for byte.
    expect(await storedState(owner.app, 'shared-name', 'spotify')).toBe(before);
    expect((await call(owner.key, 'GET', '/v1/users/shared-name/connections/spotify')).status).toBe(200);
  });
});
