import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type ConnectionId, connectionKey, tokensKv } from '../../src/storage/keys';
import { forgetInMemory, vaultFor } from '../../src/tokens/access';
import { decrypt, keyringFrom } from '../../src/tokens/crypto';
import type { TokenVault } from '../../src/tokens/vault';
import { byRefreshToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

interface Record {
  access: string;
  refresh: string | null;
  expiresAt: number;
  status: string;
}

const read = (id: ConnectionId) => runInDurableObject(vaultFor(env, id), (_i, state) => state.storage.get<Record>('connection'));

async function refreshTokenOf(id: ConnectionId, keys = env.TOKEN_KEYS) {
  const record = await read(id);
  return decrypt(await keyringFrom(keys), record!.refresh!, connectionKey(id));
}

/** Makes the access token expire now, as an hour passing would: in the vault and both caches. */
async function expireNow(id: ConnectionId) {
  await runInDurableObject(vaultFor(env, id), async (_i, state) => {
    const record = (await state.storage.get<Record>('connection'))!;
    await state.storage.put('connection', { ...record, expiresAt: Date.now() - 1 });
  });
  await env.TOKENS.delete(tokensKv.access(id));
  forgetInMemory(id);
}

/** Runs `fn` on the vault instance with different TOKEN_KEYS, as after an operator's change. */
function withKeys<R>(id: ConnectionId, keys: string | undefined, fn: (vault: TokenVault) => Promise<R>) {
  return runInDurableObject(vaultFor(env, id), async (instance: TokenVault) => {
    const own = (instance as unknown as { env: typeof env }).env;
    (instance as unknown as { env: unknown }).env = { ...own, TOKEN_KEYS: keys };
    try {
      return await fn(instance);
    } finally {
      (instance as unknown as { env: unknown }).env = own;
    }
  });
}

const follow = (key: string, user: string) => call(key, 'PUT', `/v1/users/${user}/spotify/follows`, { type: 'artist', ids: spotifyIds(1) });

describe('a refresh never overwrites what happened during it', () => {
  it('a disconnect during a refresh stays a disconnect', async () => {
    const { key, app } = await newApp();
    await connect(key, 'del', { refresh_token: unique('slow-rt'), expires_in: 0 });
    const pending = follow(key, 'del');
    await new Promise((r) => setTimeout(r, 100));
    expect((await call(key, 'DELETE', '/v1/users/del/connections/spotify')).status).toBe(204);
    await pending;
    expect((await call(key, 'GET', '/v1/users/del/connections/spotify')).status).toBe(404);
    expect(await env.TOKENS.get(tokensKv.access({ app, user: 'del', provider: 'spotify' }))).toBeNull();
    expect(await read({ app, user: 'del', provider: 'spotify' })).toBeUndefined();
  });

  it('tokens imported during a refresh are the ones kept', async () => {
    const { key, app } = await newApp();
    await connect(key, 'imp', { refresh_token: unique('slow-rotate-rt'), expires_in: 0 });
    const pending = follow(key, 'imp');
    await new Promise((r) => setTimeout(r, 100));
    const imported = unique('rt-imported');
    await connect(key, 'imp', { refresh_token: imported });
    await pending;
    expect(await refreshTokenOf({ app, user: 'imp', provider: 'spotify' })).toBe(imported);
  });
});

describe('rotating refresh tokens', () => {
  it('sends the rotated refresh token on the next refresh, never the old one again', async () => {
    const { key, app } = await newApp();
    const id: ConnectionId = { app, user: 'rot', provider: 'spotify' };
    const first = unique('rotate-rt');
    await connect(key, 'rot', { refresh_token: first, expires_in: 0 });
    expect((await follow(key, 'rot')).status).toBe(200);
    const second = await refreshTokenOf(id);
    expect(second).not.toBe(first);
    await expireNow(id);
    expect((await follow(key, 'rot')).status).toBe(200);
    expect(await mockCalls('spotify-accounts', byRefreshToken(first))).toHaveLength(1);
    expect(await mockCalls('spotify-accounts', byRefreshToken(second))).toHaveLength(1);
  });
});

describe('encryption keys', () => {
  const k = (byte: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(byte)));

  it('re-encrypts under a new key on next use, and a removed key makes the connection reauth_required', async () => {
    const { key, app } = await newApp();
    const id: ConnectionId = { app, user: 'keys', provider: 'spotify' };
    const rt = unique('rt');
    await connect(key, 'keys', { refresh_token: rt });
    const old = env.TOKEN_KEYS!;
    const rotated = `new1:${k(9)},${old}`;
    const result = await withKeys(id, rotated, (vault) => vault.accessToken());
    expect(result.ok).toBe(true);
    const record = (await read(id))!;
    expect(record.access).toMatch(/^v1\.new1\./);
    expect(record.refresh).toMatch(/^v1\.new1\./);
    expect(await refreshTokenOf(id, `new1:${k(9)}`)).toBe(rt);
    const status = await withKeys(id, `other:${k(7)}`, async (vault) => {
      await vault.accessToken();
      return vault.status();
    });
    expect(status).toMatchObject({ status: 'reauth_required', encryption_key_id: 'new1' });
    expect(status!.reason).toContain('no longer in TOKEN_KEYS');
  });

  it('answers a missing TOKEN_KEYS as data the worker can turn into a misconfigured problem', async () => {
    const { app } = await newApp();
    const id: ConnectionId = { app, user: 'nokeys', provider: 'spotify' };
    const put = await withKeys(id, undefined, (vault) => vault.put({ id, access_token: 'a', refresh_token: 'r', expires_at: Date.now() + 3600_000 }));
    expect(put).toEqual({ ok: false, detail: expect.stringContaining('TOKEN_KEYS is not set') });
  });
});

describe('no token in any response or log line', () => {
  it('holds across refresh, rotation, a 401 retry, invalid_grant and a failing provider', async () => {
    const logged: string[] = [];
    const levels = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = levels.map((l) => console[l]);
    for (const l of levels) {
      console[l] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    }
    const secrets: string[] = [];
    const bodies: string[] = [];
    try {
      const { key } = await newApp();
      const scenarios = [
        { user: 'l1', access_token: unique('at'), refresh_token: unique('rotate-rt'), expires_in: 0 },
        { user: 'l2', access_token: unique('expired-at'), refresh_token: unique('rt'), expires_in: 3600 },
        { user: 'l3', access_token: unique('at'), refresh_token: unique('revoked-rt'), expires_in: 0 },
        { user: 'l4', access_token: unique('forbidden-at'), refresh_token: unique('rt'), expires_in: 3600 },
        { user: 'l5', access_token: unique('broken-at'), refresh_token: unique('rt'), expires_in: 3600 },
      ];
      for (const { user, ...tokens } of scenarios) {
        secrets.push(tokens.access_token, tokens.refresh_token);
        const imported = await call(key, 'PUT', `/v1/users/${user}/connections/spotify`, tokens);
        bodies.push(await imported.text());
        for (const [method, path, body] of [
          ['PUT', `/v1/users/${user}/spotify/follows`, { type: 'artist', ids: spotifyIds(2) }],
          ['GET', `/v1/users/${user}/spotify/follows?type=artist`],
          ['GET', `/v1/users/${user}/connections/spotify`],
          ['PUT', `/v1/users/${user}/spotify/follows`, { type: 'artist', ids: ['bad'] }],
        ] as const) {
          const res = await call(key, method, path, body);
          bodies.push([...res.headers].join(' '), await res.text());
        }
      }
      // Tokens minted by the mock token endpoint during these refreshes count as secrets too.
      const minted = (await mockCalls('spotify-api')).map((c) => c.authorization?.replace('Bearer ', '') ?? '').filter((t) => t.startsWith('mock-at-'));
      secrets.push(...minted);
    } finally {
      for (const [i, l] of levels.entries()) console[l] = originals[i]!;
    }
    const everything = [...bodies, ...logged].join('\n');
    expect(bodies.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
