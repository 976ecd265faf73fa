// Bench 2 and 3: work per operation as N grows — upstream calls against the minimum and wall
// time — for crossfollow and for @spotify/web-api-ts-sdk doing the same follow and the same
// saved-tracks listing against the same upstream.
import { SpotifyApi } from '@spotify/web-api-ts-sdk';
import { artistIds, DEMO, importUser, median, round } from './lib.mjs';

export const SIZES = [1, 50, 120, 1000];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

/**
 * Runs each of `fns` `times` times, one of each in turn (a, b, c, a, b, c, ...), so a change in
 * the machine's load lands on all alike; returns each one's median and range in ms.
 */
async function interleaved(times, fns) {
  const samples = fns.map(() => []);
  for (let i = 0; i < times; i++) {
    for (const [k, fn] of fns.entries()) {
      const start = performance.now();
      await fn(i);
      samples[k].push(performance.now() - start);
    }
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return { median: median(s), min: s[0], max: s.at(-1) };
  });
}

const range = (t) => `${Math.round(t.min)}–${Math.round(t.max)}`;

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
  return SpotifyApi.withAccessToken(
    'bench-client',
    { access_token: token, token_type: 'Bearer', expires_in: 3600, refresh_token: 'unused', expires: Date.now() + 3600_000 },
    { fetch: fetchThere },
  );
}

/** An upstream whose calls can be counted per access token: the recording proxy or the fake. */
async function countCalls(upstream, token) {
  return (await upstream.calls()).filter((c) => c.authorization === `Bearer ${token}`).length;
}

/** "400 Bad Request" out of the SDK's error message. */
const refusal = (err) => {
  const m = /response code: (\d+) - ([^.]+)/.exec(String(err?.message));
  if (!m) return `failed: ${String(err?.message).slice(0, 40)}`;
  // The bench's copy of 1000 ids into the query overflows the mock server's header limit before
  // the contract's 50-id limit is checked; Spotify refuses more than 50 ids either way.
  if (m[1] === '431') return 'refused: 431 (1000 ids overflow the URL)';
  return `refused: ${m[1]} ${m[2]}`;
};

/**
 * Follows N artists through crossfollow and with the SDK: one call with all N ids, as its API
 * invites; then the loops a user would write by hand, chunks of 50 one after another, and chunks
 * of 50 four at a time (crossfollow's own concurrency). All against `upstream`, in alternation.
 */
export async function followScaling(worker, upstream, label, idsInQuery = false) {
  const rows = [];
  for (const n of SIZES) {
    const ids = artistIds(n, 100 + n);
    const chunks = Array.from({ length: Math.ceil(n / 50) }, (_, i) => ids.slice(i * 50, i * 50 + 50));
    const token = `bench-${label}-${n}-${Date.now()}`;
    await importUser(worker, `scale${n}`, token);
    const sequential = sdkAgainst(upstream.url, `${token}-sdk`, idsInQuery);
    const parallel = sdkAgainst(upstream.url, `${token}-sdk4`, idsInQuery);
    // Only the contract mock enforces Spotify's limits; the fake takes anything.
    let oneCall = 'n/a (no limits)';
    if (idsInQuery) {
      oneCall = 'ok';
      try {
        await sequential.currentUser.followArtistsOrUsers(ids, 'artist');
      } catch (err) {
        oneCall = refusal(err);
      }
    }
    const before = { seq: await countCalls(upstream, `${token}-sdk`), par: await countCalls(upstream, `${token}-sdk4`) };
    let sdkError = null;
    const follow = (sdk, part) => sdk.currentUser.followArtistsOrUsers(part, 'artist').catch((err) => (sdkError ??= refusal(err)));
    const [cf, seq, par] = await interleaved(REPEAT, [
      async () => {
        const res = await fetch(`${worker.url}/v1/users/scale${n}/spotify/follows`, {
          method: 'PUT',
          headers: DEMO,
          body: JSON.stringify({ type: 'artist', ids }),
        });
        if (res.status !== 200) throw new Error(`follow ${n}: ${res.status} ${await res.text()}`);
        // Every run, not just the last: each of the N must come back done.
        const { summary } = await res.json();
        if (summary.done !== n) throw new Error(`follow ${n}: ${JSON.stringify(summary)}`);
      },
      async () => {
        for (const part of chunks) await follow(sequential, part);
      },
      async () => {
        for (let i = 0; i < chunks.length; i += 4) await Promise.all(chunks.slice(i, i + 4).map((part) => follow(parallel, part)));
      },
    ]);
    rows.push({
      upstream: label,
      N: n,
      'minimum calls': chunks.length,
      'crossfollow calls': (await countCalls(upstream, token)) / REPEAT,
      'crossfollow ms': round(cf.median),
      'SDK, all N in one call': oneCall,
      'SDK loop calls': ((await countCalls(upstream, `${token}-sdk`)) - before.seq) / REPEAT,
      'SDK loop ms': round(seq.median),
      'SDK 4 at once calls': ((await countCalls(upstream, `${token}-sdk4`)) - before.par) / REPEAT,
      'SDK 4 at once ms': round(par.median),
      'SDK errors': sdkError ?? 'none',
      'SDK loop / crossfollow': round(seq.median / cf.median, 2),
      'SDK 4 at once / crossfollow': round(par.median / cf.median, 2),
      'range ms (crossfollow; loop; 4 at once)': `${range(cf)}; ${range(seq)}; ${range(par)}`,
    });
  }
  return rows;
}

/** Every saved track (1000, 50 a page): crossfollow's all=1 stream vs the SDK's page loop. */
export async function savedTracks(worker, fake, label) {
  const token = `bench-tracks-${label}-${Date.now()}`;
  await importUser(worker, 'tracks', token);
  const sdkToken = `${token}-sdk`;
  const sdk = sdkAgainst(fake.url, sdkToken);
  // Every run counts what it got (item lines; the last line is the stream's summary); the table
  // shows the fewest any run got, so one short run shows.
  let items = Infinity;
  let sdkItems = Infinity;
  const [cf, loop] = await interleaved(REPEAT, [
    async () => {
      const res = await fetch(`${worker.url}/v1/users/tracks/spotify/library?type=track&all=1`, { headers: DEMO });
      if (res.status !== 200) throw new Error(`all=1: ${res.status} ${await res.text()}`);
      items = Math.min(items, (await res.text()).trim().split('\n').length - 1);
    },
    async () => {
      let got = 0;
      for (let offset = 0; ; offset += 50) {
        const page = await sdk.currentUser.tracks.savedTracks(50, offset);
        got += page.items.length;
        if (!page.next) break;
      }
      sdkItems = Math.min(sdkItems, got);
    },
  ]);
  return [
    {
      upstream: label,
      client: 'crossfollow GET library?type=track&all=1 (NDJSON)',
      items,
      calls: (await countCalls(fake, token)) / REPEAT,
      ms: round(cf.median),
      'range ms': range(cf),
    },
    {
      upstream: label,
      client: 'SDK savedTracks(50, offset) loop',
      items: sdkItems,
      calls: (await countCalls(fake, sdkToken)) / REPEAT,
      ms: round(loop.median),
      'range ms': range(loop),
    },
  ];
}
