// Bench 2 and 3: work per operation as N grows — upstream calls against the minimum and wall
// time — for crossfollow and for @spotify/web-api-ts-sdk doing the same follow and the same
// saved-tracks listing against the same upstream.
import { SpotifyApi } from '@spotify/web-api-ts-sdk';
import { DEMO, artistIds, expectStatus, round } from './lib.mjs';

export const SIZES = [1, 50, 120, 1000];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

async function median(times, fn) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

/**
 * The SDK with a token, sending what it would send to api.spotify.com to `base` instead. The SDK
 * puts follow ids in the JSON body only; Spotify's reference (and so the contract Prism enforces)
 * requires them in the query, so against Prism the bench's fetch copies them there.
 */
function sdkAgainst(base, token, idsInQuery = false) {
  const fetchThere = (url, init) => {
    const target = new URL(String(url).replace('https://api.spotify.com/v1', base));
    if (idsInQuery && target.pathname === '/me/following' && init?.body && !target.searchParams.has('ids')) {
      target.searchParams.set('ids', JSON.parse(init.body).ids.join(','));
    }
    return fetch(target, init);
  };
  return SpotifyApi.withAccessToken('bench-client', { access_token: token, token_type: 'Bearer', expires_in: 3600, refresh_token: 'unused', expires: Date.now() + 3600_000 }, { fetch: fetchThere });
}

/** An upstream whose calls can be counted per access token: the recording proxy or the fake. */
async function countCalls(upstream, token) {
  return (await upstream.calls()).filter((c) => c.authorization === `Bearer ${token}`).length;
}

async function importUser(worker, user, token) {
  const res = await fetch(`${worker.url}/v1/users/${user}/connections/spotify`, { method: 'PUT', headers: DEMO, body: JSON.stringify({ access_token: token, refresh_token: `${token}-rt`, expires_in: 3600 }) });
  await expectStatus(res, res.status === 200 ? 200 : 201, 'import');
}

/** "400 Bad Request" out of the SDK's error message. */
const refusal = (err) => {
  const m = /response code: (\d+) - ([^.]+)/.exec(String(err?.message));
  return m ? `refused: ${m[1]} ${m[2]}` : `failed: ${String(err?.message).slice(0, 40)}`;
};

/**
 * Follows N artists through crossfollow and with the SDK (one call with all N ids, as its API
 * invites, then by hand in chunks of 50, one after another), against `upstream`.
 */
export async function followScaling(worker, upstream, label, idsInQuery = false) {
  const rows = [];
  for (const n of SIZES) {
    const ids = artistIds(n, 100 + n);
    const token = `bench-${label}-${n}-${Date.now()}`;
    await importUser(worker, `scale${n}`, token);
    const cf = await median(REPEAT, async () => expectStatus(await fetch(`${worker.url}/v1/users/scale${n}/spotify/follows`, { method: 'PUT', headers: DEMO, body: JSON.stringify({ type: 'artist', ids }) }), 200, `follow ${n}`));
    const cfCalls = (await countCalls(upstream, token)) / REPEAT;

    const sdkToken = `${token}-sdk`;
    const sdk = sdkAgainst(upstream.url, sdkToken, idsInQuery);
    // Only the contract mock enforces Spotify's limits; the fake takes anything.
    let oneCall = 'n/a (no limits)';
    if (idsInQuery) {
      oneCall = 'ok';
      try {
        await sdk.currentUser.followArtistsOrUsers(ids, 'artist');
      } catch (err) {
        oneCall = refusal(err);
      }
    }
    const before = await countCalls(upstream, sdkToken);
    let chunkedError = null;
    const chunked = await median(REPEAT, async () => {
      for (let i = 0; i < ids.length; i += 50) {
        try {
          await sdk.currentUser.followArtistsOrUsers(ids.slice(i, i + 50), 'artist');
        } catch (err) {
          chunkedError ??= refusal(err);
        }
      }
    });
    const sdkCalls = ((await countCalls(upstream, sdkToken)) - before) / REPEAT;
    rows.push({
      upstream: label,
      N: n,
      'minimum calls': Math.ceil(n / 50),
      'crossfollow calls': cfCalls,
      'crossfollow ms': round(cf),
      'SDK, all N in one call': oneCall,
      'SDK chunked calls': sdkCalls,
      'SDK chunked ms': round(chunked),
      'SDK chunked errors': chunkedError ?? 'none',
      'time ratio SDK/crossfollow': round(chunked / cf, 2),
    });
  }
  return rows;
}

/** Every saved track (1000, 50 a page): crossfollow's all=1 stream vs the SDK's page loop. */
export async function savedTracks(worker, fake, label) {
  const token = `bench-tracks-${label}-${Date.now()}`;
  await importUser(worker, 'tracks', token);
  const cf = await median(REPEAT, async () => expectStatus(await fetch(`${worker.url}/v1/users/tracks/spotify/library?type=track&all=1`, { headers: DEMO }), 200, 'all=1'));
  // One more, read: the item lines and the summary line at the end.
  const lines = (await (await fetch(`${worker.url}/v1/users/tracks/spotify/library?type=track&all=1`, { headers: DEMO })).text()).trim().split('\n');
  const items = lines.length - 1;
  const cfCalls = (await countCalls(fake, token)) / (REPEAT + 1);
  const sdkToken = `${token}-sdk`;
  const sdk = sdkAgainst(fake.url, sdkToken);
  let sdkItems = 0;
  const loop = await median(REPEAT, async () => {
    sdkItems = 0;
    for (let offset = 0; ; offset += 50) {
      const page = await sdk.currentUser.tracks.savedTracks(50, offset);
      sdkItems += page.items.length;
      if (!page.next) break;
    }
  });
  const sdkCalls = (await countCalls(fake, sdkToken)) / REPEAT;
  return [
    { upstream: label, client: 'crossfollow GET library?type=track&all=1 (NDJSON)', items, calls: cfCalls, ms: round(cf) },
    { upstream: label, client: 'SDK savedTracks(50, offset) loop', items: sdkItems, calls: sdkCalls, ms: round(loop) },
  ];
}
