// npm run bench: starts the Prism mocks, a fake Spotify and two `wrangler dev` workers (one on
// each), runs every bench side by side, prints the tables and writes bench/RESULTS.md and the chart.
import { startMocks } from '../mocks/harness.mjs';
import { startFakeSpotify } from './fake-upstream.mjs';
import { startWorker } from './lib.mjs';
import { overheadVsDirect, workerStages } from './overhead.mjs';
import { refreshUnderConcurrency } from './refresh.mjs';
import { chart, machine, writeResults } from './report.mjs';
import { SIZES, followScaling, savedTracks } from './scaling.mjs';

const mocks = await startMocks();
const fake = await startFakeSpotify();
const workers = [];
const stopAll = async () => {
  for (const w of workers) w.stop();
  await fake.close();
  await mocks.stop();
};
process.on('SIGINT', () => stopAll().then(() => process.exit(130)));

try {
  const viaPrism = await startWorker(mocks.vars);
  workers.push(viaPrism);
  const viaFake = await startWorker({ ...mocks.vars, SPOTIFY_API_URL: fake.url });
  workers.push(viaFake);
  const baseline = await startWorker({}, 'bench/hello-wrangler.toml');
  workers.push(baseline);
  const spotifyMock = mocks.urls['spotify-api'];
  const prism = { url: spotifyMock, calls: async () => (await fetch(`${spotifyMock}/__mock/calls`)).json() };
  console.log(`bench on ${machine()}`);

  const sections = [];
  const run = async (title, notes, rows) => {
    console.log(`\n${title}`);
    console.table(rows);
    sections.push({ title, notes, rows });
    return rows;
  };

  await run(
    '1a. Overhead: through crossfollow vs the same upstream call from Node (Prism)',
    'Sequential requests (concurrency 1). "direct" replays, from Node, exactly the upstream call crossfollow made for the operation (method, path, query, body) to the same Prism behind the same recording proxy.',
    await overheadVsDirect(viaPrism, spotifyMock),
  );
  await run(
    "1b. The worker's own time, stage by stage (instant fake upstream)",
    'Each row adds one kind of work to the row above; the first is a worker that does nothing, for what the local runtime costs by itself. "workerd CPU" is the user+system CPU time of the local workerd processes over the run, divided by the requests (10 ms tick resolution, so read it as an average); it includes the local KV / Durable Object simulation, which in production runs elsewhere. Wall time includes the loopback hop and wrangler\'s local proxy.',
    await workerStages(viaFake, fake, baseline),
  );

  const prismRows = await run(
    '2a. Follow N artists: upstream calls and wall time (Prism)',
    'crossfollow splits N into calls of 50 and runs 4 at once. The SDK (`@spotify/web-api-ts-sdk` 1.2.0) takes any N in `followArtistsOrUsers(ids)` but Spotify accepts at most 50 ids a call; "chunked" is the loop a user would write: chunks of 50, one after another. Against Prism the bench copies the SDK\'s body ids into the query, which the contract (Spotify\'s reference) requires.',
    await followScaling(viaPrism, prism, 'Prism', true),
  );
  await fake.setDelay(0);
  await run('2b. Follow N artists (fake upstream, instant)', null, await followScaling(viaFake, fake, 'instant'));
  await fake.setDelay(100);
  const slowRows = await run('2c. Follow N artists (fake upstream, 100 ms a call)', 'With a realistic upstream latency, time grows by rounds of 4 batches for crossfollow, by calls for the sequential loop.', await followScaling(viaFake, fake, '100 ms'));

  await fake.setDelay(0);
  const listInstant = await savedTracks(viaFake, fake, 'instant');
  await fake.setDelay(100);
  const listSlow = await savedTracks(viaFake, fake, '100 ms a call');
  await fake.setDelay(0);
  await run('3. Every saved track (1000, 50 a page): crossfollow all=1 vs the SDK page loop (fake upstream)', 'Both walk the pages one after another (each page names the next); crossfollow streams NDJSON to the caller as pages arrive.', [...listInstant, ...listSlow]);

  await run(
    '4. Token refresh under concurrency (Prism accounts)',
    'N requests at once for one user whose access token has expired, against N at once for another user whose token is fresh; both users are new to the worker, so both bursts start cold. Refresh calls are counted at the token endpoint by the refresh token sent: one, whatever N. Alone, a refresh adds one token-endpoint round trip; in a burst of 10 or more the requests wait for each other on 2 cores anyway, and the single refresh hides in that wait.',
    await refreshUnderConcurrency(viaPrism, mocks.urls['spotify-accounts']),
  );

  const series = [
    { name: 'crossfollow, 100 ms upstream', points: slowRows.map((r) => r['crossfollow ms']) },
    { name: 'SDK loop, 100 ms upstream', points: slowRows.map((r) => r['SDK chunked ms']) },
    { name: 'crossfollow, Prism', points: prismRows.map((r) => r['crossfollow ms']) },
    { name: 'SDK loop, Prism', points: prismRows.map((r) => r['SDK chunked ms']) },
  ];
  writeResults(sections, chart(series, SIZES));
  if (!process.env.BENCH_NO_WRITE) console.log('\nwrote bench/RESULTS.md and bench/follow-time-vs-n.svg');
} finally {
  await stopAll();
}
process.exit(0);
