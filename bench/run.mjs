// npm run bench: starts the Prism mocks, a fake Spotify and three `wrangler dev` workers
// (crossfollow on each upstream, and a do-nothing baseline), runs every bench side by side, then
// the Governor's own (a worker with it off and one with it on; one paced), prints the tables,
// then campaigns (6: two more workers against the fault mock's rate-limited bucket), checks the
// counts every run must get right, and writes bench/RESULTS.md and the chart.
// `BENCH_ONLY=campaigns` runs section 6 alone and replaces only its part of bench/RESULTS.md.
import { startFaults } from '../mocks/faults.mjs';
import { startMocks } from '../mocks/harness.mjs';
import { BUCKET_RATE, BUCKET_RETRY_AFTER, CAMPAIGN_PACE, CAMPAIGN_SIZES, campaignThroughput, LOOP_SLEEP_MS } from './campaigns.mjs';
import { countsWrong } from './checks.mjs';
import { startFakeSpotify } from './fake-upstream.mjs';
import { governorCost, pacing } from './governor.mjs';
import { startWorker } from './lib.mjs';
import { overheadVsDirect, workerStages } from './overhead.mjs';
import { refreshUnderConcurrency } from './refresh.mjs';
import { chart, machine, writeResults } from './report.mjs';
import { followScaling, SIZES, savedTracks } from './scaling.mjs';

const mocks = await startMocks();
const fake = await startFakeSpotify();
const faults = await startFaults();
const workers = [];
const stopAll = async () => {
  for (const w of workers) w.stop();
  await fake.close();
  await faults.close();
  await mocks.stop();
};
process.on('SIGINT', () => stopAll().then(() => process.exit(130)));

// Every crossfollow worker runs with the Governor on, as deployed, but without pacing, except in
// the section about pacing (5b): at the default pace (10 Spotify calls a second, a burst of 10)
// the wait for the pace, not the worker, would make up most of a 1000-id follow (20 calls) and of
// every sequential run past the first burst; and 50 or 100 requests at once (4.) would each wait
// seconds for their turn, which wrangler dev's local proxy cuts off with a 503 ("Your worker
// restarted mid-request") although the worker answers them all.
const NO_PACING = { SPOTIFY_RATE: '0', X_RATE: '0', AUDIUS_RATE: '0' };
const PACED_RATE = 20;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const ONLY = process.env.BENCH_ONLY;
if (ONLY && ONLY !== 'campaigns') throw new Error(`BENCH_ONLY=${ONLY}: only "campaigns" runs alone`);

try {
  const sections = [];
  const run = async (title, notes, rows) => {
    console.log(`\n${title}`);
    console.table(rows);
    sections.push({ title, notes, rows });
    return rows;
  };

  console.log(`bench on ${machine()}`);
  const series = [];
  if (!ONLY) {
    const viaPrism = await startWorker({ ...mocks.vars, ...NO_PACING });
    workers.push(viaPrism);
    const viaFake = await startWorker({ ...mocks.vars, ...NO_PACING, SPOTIFY_API_URL: fake.url });
    workers.push(viaFake);
    const baseline = await startWorker({}, 'bench/hello-wrangler.toml');
    workers.push(baseline);
    const spotifyMock = mocks.urls['spotify-api'];
    const prism = { url: spotifyMock, calls: async () => (await fetch(`${spotifyMock}/__mock/calls`)).json() };

    await run(
      '1a. Overhead: through crossfollow vs the same upstream call from Node (Prism)',
      'Sequential requests (concurrency 1). "direct" replays, from Node, exactly the upstream call crossfollow made for the operation (method, path, query, body) to the same Prism behind the same recording proxy.',
      await overheadVsDirect(viaPrism, spotifyMock),
    );
    await run(
      "1b. The worker's own time, stage by stage (instant fake upstream)",
      'Rows go from less work to more, each naming what it adds; the first is a worker that does nothing, for what the local runtime costs by itself, and the two follow rows are the same request without and with an Idempotency-Key. The worker runs with the Governor on and no pacing, so each upstream call includes its `admit` round trip (5a measures that alone). Before each row the bench waits (up to 15 s) until workerd is idle, so queued connection events are not charged to it. "workerd CPU" is the user+system CPU time of the local workerd processes over the run, divided by the requests (10 ms tick resolution, so read it as an average); it includes the local KV / Durable Object simulation, which in production runs elsewhere. Wall time includes the loopback hop and wrangler\'s local proxy.',
      await workerStages(viaFake, fake, baseline),
    );

    const prismRows = await run(
      '2a. Follow N artists: upstream calls and wall time (Prism)',
      'crossfollow splits N into calls of 50 and runs 4 at once. The SDK (`@spotify/web-api-ts-sdk` 1.2.0) takes any N in `followArtistsOrUsers(ids)` but Spotify accepts at most 50 ids a call; "SDK loop" is the loop a user would write first, chunks of 50 one after another, and "SDK 4 at once" the same chunks 4 at a time, as crossfollow runs them. The three are timed in turn, each run of one followed by one of the others, and the median is shown with the range. Against Prism the bench copies the SDK\'s body ids into the query, which the contract (Spotify\'s reference) requires. crossfollow costs one more hop (client → worker → upstream) and its own work per request; against Prism, which answers in a few ms on loopback, and against the instant fake (2b), that costs more than running the calls side by side saves, so calling the upstream directly is faster. Only with realistic upstream latency (2c) does the batching pay.',
      await followScaling(viaPrism, prism, 'Prism', true),
    );
    await fake.setDelay(0);
    await run('2b. Follow N artists (fake upstream, instant)', null, await followScaling(viaFake, fake, 'instant'));
    await fake.setDelay(100);
    const slowRows = await run(
      '2c. Follow N artists (fake upstream, 100 ms a call)',
      'With a realistic upstream latency, time grows by rounds of 4 batches for crossfollow and for the 4-at-once loop, by calls for the sequential loop: from N = 120 crossfollow is several times faster than the sequential loop, and about even with the 4-at-once loop (which is the loop crossfollow runs for you).',
      await followScaling(viaFake, fake, '100 ms'),
    );

    await fake.setDelay(0);
    const listInstant = await savedTracks(viaFake, fake, 'instant');
    await fake.setDelay(100);
    const listSlow = await savedTracks(viaFake, fake, '100 ms a call');
    await fake.setDelay(0);
    await run(
      '3. Every saved track (1000, 50 a page): crossfollow all=1 vs the SDK page loop (fake upstream)',
      'Both walk the pages one after another (each page names the next), so crossfollow cannot be faster here: it adds its hop and, with an instant upstream, its own time per page. What it adds is one request instead of a loop, NDJSON streamed as pages arrive, and the token handled for the caller.',
      [...listInstant, ...listSlow],
    );

    await run(
      '4. Token refresh under concurrency (Prism accounts)',
      "N requests at once for a user whose access token has expired, and, as controls, N at once for a user whose fresh token is in KV and for one whose token is fresh but too near its end for KV (90 s), so that every request asks the connection's Durable Object as the expired user's do. All users are new to the worker. Refresh calls are counted at the token endpoint by the refresh token sent, for every burst. The cost of the refresh is the expired column against the Durable Object column; p50s are medians over the bursts, which start with a different kind each time. Under 50 or 100 requests at once on 2 cores, the wait for the CPU dominates and the difference is within the noise.",
      await refreshUnderConcurrency(viaPrism, mocks.urls['spotify-accounts']),
    );

    // The Governor's sections get the machine to themselves: the workers above are done.
    for (const w of workers.splice(0)) w.stop();
    const governorOff = await startWorker({ ...mocks.vars, ...NO_PACING, SPOTIFY_API_URL: fake.url, RATE_GOVERNOR: 'off' });
    workers.push(governorOff);
    const governorOn = await startWorker({ ...mocks.vars, ...NO_PACING, SPOTIFY_API_URL: fake.url });
    workers.push(governorOn);
    await run(
      "5a. The Governor's cost on the hot path: off vs on, no pacing (instant fake upstream)",
      'Two fresh crossfollow workers on the same instant fake upstream: one with `RATE_GOVERNOR=off` (crossfollow before the Governor) and one with the Governor on and `SPOTIFY_RATE=0`, so the only difference is the `admit` call to the credential\'s Durable Object before every upstream call (a `report` follows only a 429 or a probe, and none happens here). Requests go one at a time, to each worker in turn (which one goes first swaps every pair), in rounds over all the shapes; "ratio p50, each round" is the range of the rounds\' ratios, for the noise. "added ms per upstream call" divides the added p50 by the calls; the follows run 4 calls at once, so their calls\' round trips overlap. Under local `wrangler dev` the Durable Object runs in the same local runtime as the worker, so an admit costs a local round trip and its CPU; deployed, the Governor runs in one place for every isolate, and a request served far from it pays a network round trip per admit on top.',
      await governorCost(governorOff, governorOn, fake),
    );
    for (const w of workers.splice(0)) w.stop();
    const paced = await startWorker({ ...mocks.vars, SPOTIFY_API_URL: fake.url, SPOTIFY_RATE: String(PACED_RATE) });
    workers.push(paced);
    await run(
      `5b. Pacing: follows of 1000 ids one after another at SPOTIFY_RATE=${PACED_RATE} (instant fake upstream)`,
      `The Governor paces a credential's calls with a token bucket of ${PACED_RATE} a second that holds one second of calls and starts full: the first ${PACED_RATE} calls go at once, the rest at the pace, so N calls take at least (N - ${PACED_RATE}) / ${PACED_RATE} s from the first to the last ("pace minimum"). "calls/s beyond the burst" is the calls past the first ${PACED_RATE} over that same time, at most the rate; the bench fails if the calls came faster than the pace allows. Calls are timed where the fake upstream receives them.`,
      await pacing(paced, fake, PACED_RATE, REPEAT + 1),
    );

    for (const [rows, upstream, dashed] of [
      [slowRows, '100 ms upstream', false],
      [prismRows, 'Prism', true],
    ]) {
      series.push({ name: `crossfollow, ${upstream}`, dashed, points: rows.map((r) => r['crossfollow ms']) });
      series.push({ name: `SDK loop, ${upstream}`, dashed, points: rows.map((r) => r['SDK loop ms']) });
      series.push({ name: `SDK 4 at once, ${upstream}`, dashed, points: rows.map((r) => r['SDK 4 at once ms']) });
    }
  }

  // Campaigns get the machine to themselves too: fresh workers for each campaign, the paced and
  // the unpaced each on its own bucket of the same limit (the bucket is keyed by its script; `w0`
  // adds no delay), so neither Governor nor bucket carries another run's state.
  for (const w of workers.splice(0)) w.stop();
  const pacedScript = `bucket${BUCKET_RATE}r${BUCKET_RETRY_AFTER}`;
  const startCampaignWorker = async (vars) => {
    const w = await startWorker({ ...mocks.vars, ...NO_PACING, ...vars });
    workers.push(w);
    return w;
  };
  const campaignRows = await campaignThroughput(startCampaignWorker, faults, pacedScript, `${pacedScript}w0`);
  await run(
    `6. Campaigns: one album save for each of N = ${CAMPAIGN_SIZES.join(', ')} fans against a provider limit of ${BUCKET_RATE} calls/s`,
    `The provider is the fault mock's app-wide token bucket: ${BUCKET_RATE} calls a second shared by every token (burst ${BUCKET_RATE}), a 429 with \`Retry-After: ${BUCKET_RETRY_AFTER}\` when empty. Each campaign (\`run: {mode: "at"}\`, set far enough ahead that every join lands first) saves one album for each fan, one upstream call a fan; fans/s is N over the campaign's own \`started_at\` → \`finished_at\`. "campaign, paced" runs on a worker with \`SPOTIFY_RATE=${CAMPAIGN_PACE}\`, "campaign, unpaced" on another with \`SPOTIFY_RATE=0\` and a bucket of its own; "÷ limit" is fans/s over the bucket's ${BUCKET_RATE}. The one-fan-at-a-time rows are a Node loop of \`PUT /v1/users/{user}/spotify/library\` calls on the paced worker, one fan after another (with a ${LOOP_SLEEP_MS} ms sleep, as pre-save services run, and without), timed on a sample and extrapolated to N. 429s and calls are counted where the bucket receives them, for the run's own tokens only; "saves per fan" is the fewest–most 200s a fan's token got. workerd RSS is that of the campaign's own worker, when it is up and after the campaign completes.`,
    campaignRows,
  );
  const wrong = countsWrong(sections);
  if (wrong.length) {
    console.error(`\nthe bench saw wrong counts:\n- ${wrong.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log(
      ONLY
        ? '\ncounts checked: every campaign fan done, exactly one save a fan, no 429 when paced'
        : '\ncounts checked: calls at the minimum (with the Governor off and on), one refresh a burst, no SDK errors, every listing complete, calls no faster than the pace, every campaign fan done, exactly one save a fan, no 429 when paced',
    );
    if (ONLY) writeResults(sections, null, { only: ONLY });
    else writeResults(sections, chart(series, SIZES));
    if (!process.env.BENCH_NO_WRITE) console.log(ONLY ? 'wrote section 6 into bench/RESULTS.md' : 'wrote bench/RESULTS.md and bench/follow-time-vs-n.svg');
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await stopAll();
}
process.exit(process.exitCode ?? 0);
