import { describe, expect, it } from 'vitest';
import { byToken, call, connect, mockCalls, newApp, spotifyIds, unique } from '../support/helpers';

async function setup(access_token?: string) {
  const { key } = await newApp();
  const token = await connect(key, 'idem', { access_token });
  return { key, calls: () => mockCalls('spotify-api', byToken(token)) };
}

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, without calling Spotify again', async () => {
    const { key, calls } = await setup();
    const body = { type: 'artist', ids: spotifyIds(3) };
    const headers = { 'idempotency-key': unique('k') };
    const first = await call(key, 'PUT', '/v1/users/idem/spotify/follows', body, headers);
    const second = await call(key, 'PUT', '/v1/users/idem/spotify/follows', body, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(await first.text());
    expect(await calls()).toHaveLength(1);
  });

  it('refuses the same key with a different body (422) and while the first still runs (409)', async () => {
    const { key } = await setup(unique('slow-at'));
    const k = { 'idempotency-key': unique('k') };
    const running = call(key, 'PUT', '/v1/users/idem/spotify/follows', { type: 'playlist', ids: spotifyIds(1), public: true }, k);
    await new Promise((r) => setTimeout(r, 40));
    const during = await call(key, 'PUT', '/v1/users/idem/spotify/follows', { type: 'playlist', ids: spotifyIds(1), public: true }, k);
    expect(during.status).toBe(422);
    expect((await during.json()) as { type: string }).toMatchObject({ type: 'urn:crossfollow:problem:idempotency-key-reused' });
    const same = { type: 'artist', ids: spotifyIds(1) };
    const k2 = { 'idempotency-key': unique('k') };
    const slow = call(key, 'PUT', '/v1/users/idem/spotify/follows', same, k2);
    await new Promise((r) => setTimeout(r, 40));
    const inFlight = await call(key, 'PUT', '/v1/users/idem/spotify/follows', same, k2);
    expect(inFlight.status).toBe(409);
    expect((await inFlight.json()) as { type: string }).toMatchObject({ type: 'urn:crossfollow:problem:idempotency-in-flight' });
    expect((await running).status).toBe(200);
    expect((await slow).status).toBe(200);
  });

  it('keeps keys per app: another app may use the same key', async () => {
    const a = await setup();
    const b = await setup();
    const headers = { 'idempotency-key': 'shared-key-value' };
    expect((await call(a.key, 'PUT', '/v1/users/idem/spotify/follows', { type: 'artist', ids: spotifyIds(1) }, headers)).status).toBe(200);
    const other = await call(b.key, 'PUT', '/v1/users/idem/spotify/follows', { type: 'artist', ids: spotifyIds(2) }, headers);
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(await b.calls()).toHaveLength(1);
  });

  it('does not keep a 5xx or retry-later answer: the retry with the same key runs again', async () => {
    const { key, calls } = await setup(unique('forbidden-at'));
    const headers = { 'idempotency-key': unique('k') };
    const body = { type: 'artist', ids: spotifyIds(1) };
    const first = await call(key, 'PUT', '/v1/users/idem/spotify/follows', body, headers);
    const again = await call(key, 'PUT', '/v1/users/idem/spotify/follows', body, headers);
    expect([first.status, again.status]).toEqual([502, 502]);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await calls()).toHaveLength(2);
  });

  it('replays a 4xx problem, so a retry sees what happened without acting', async () => {
    const { key } = await newApp();
    const headers = { 'idempotency-key': unique('k') };
    const body = { type: 'artist', ids: spotifyIds(1) };
    const first = await call(key, 'PUT', '/v1/users/nobody/spotify/follows', body, headers);
    const again = await call(key, 'PUT', '/v1/users/nobody/spotify/follows', body, headers);
    expect([first.status, again.status]).toEqual([404, 404]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });
});
