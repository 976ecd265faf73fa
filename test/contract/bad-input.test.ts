import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, byToken, call, connect, mockCalls, newApp, spotifyIds, storedState } from '../support/helpers';

/**
 * The rows of docs/reliability.md "Bad input" not covered elsewhere: each answers its 4xx
 * problem, calls no provider, and changes no stored state.
 */
async function setup() {
  const { key, app } = await newApp();
  const token = await connect(key, 'bad');
  return { key, calls: () => mockCalls('spotify-api', byToken(token)), stored: () => storedState(app, 'bad', 'spotify') };
}

const follow = '/v1/users/bad/spotify/follows';
const id = spotifyIds(1)[0]!;

describe('bad input', () => {
  for (const [name, bad] of [
    ['a zero-width space', `${id.slice(0, 10)}\u200b${id.slice(10, 21)}`],
    ['a right-to-left override', `\u202e${id.slice(1)}`],
    ['a lone surrogate', `${id.slice(0, 21)}\ud800`],
    ['a Cyrillic look-alike', id.replace(/[a-z]/, 'о')],
    ['an encoded slash', `${id.slice(0, 11)}%2F${id.slice(14)}`],
    ['path traversal', '../../me/following'],
  ] as const) {
    it(`refuses an id with ${name} (422 pointing at it), no call, nothing stored changed`, async () => {
      const { key, calls, stored } = await setup();
      const before = await stored();
      for (const [method, path, body] of [
        ['PUT', follow, { type: 'artist' }],
        ['POST', `${follow}/contains`, { type: 'artist' }],
        ['DELETE', '/v1/users/bad/spotify/library', { type: 'track' }],
      ] as const) {
        const res = await call(key, method, path, { ...body, ids: [id, bad] });
        expect(res.status, `${method} ${path}`).toBe(422);
        expect(((await res.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual(['/ids/1']);
      }
      expect(await calls()).toHaveLength(0);
      expect(await stored()).toBe(before);
    });
  }

  it('refuses a body over 128 KiB with 413, with and without Content-Length', async () => {
    const { key, calls, stored } = await setup();
    const before = await stored();
    const big = JSON.stringify({ type: 'artist', ids: Array(7000).fill(id) });
    expect(big.length).toBeGreaterThan(128 * 1024);
    const withLength = await call(key, 'PUT', follow, big);
    expect(withLength.status).toBe(413);
    expect(await withLength.json()).toMatchObject({ type: 'urn:crossfollow:problem:payload-too-large' });
    const encoder = new TextEncoder();
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 8192) controller.enqueue(encoder.encode(big.slice(i, i + 8192)));
        controller.close();
      },
    });
    const chunked = await SELF.fetch(`${BASE}${follow}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: stream,
    });
    expect(chunked.status).toBe(413);
    expect(await calls()).toHaveLength(0);
    expect(await stored()).toBe(before);
  });

  it('sends security headers on every answer, problems included', async () => {
    const { key } = await setup();
    for (const res of [
      await SELF.fetch(`${BASE}/`),
      await call(key, 'GET', '/v1/users/bad/connections'),
      await call('wrong', 'GET', '/v1/users/bad/connections'),
      await call(key, 'GET', '/nowhere'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });

  it('leaves the connection untouched by any refused request', async () => {
    const { key, stored } = await setup();
    const before = await (await call(key, 'GET', '/v1/users/bad/connections/spotify')).text();
    const storedBefore = await stored();
    await call(key, 'PUT', '/v1/users/bad/connections/spotify', { access_token: '', refresh_token: 'x' });
    await call(key, 'PUT', '/v1/users/bad/connections/spotify', 'not json');
    await call(key, 'DELETE', '/v1/users/bad/connections/spotify', undefined, { 'idempotency-key': ' bad key ' });
    expect(await (await call(key, 'GET', '/v1/users/bad/connections/spotify')).text()).toBe(before);
    expect(await stored()).toBe(storedBefore);
  });
});
