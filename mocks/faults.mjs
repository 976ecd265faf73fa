// A fault-injecting upstream for the tests: the first path segment is a script, one step per
// call on that script and access token — a status (`503-503-204`), `drop` (close the socket
// without answering), `slow` (answer after 15 s), `wait<ms>` (answer 200 after that long),
// `stuck` (a list page whose paging does not move) or `cycle` (a token list whose cursors go
// round, A→B→A); see pageFor. Any other 200 answers `{}`. Calls are counted at `GET /__faults/<script>`.
// `bucket<N>` is an app-wide rate limit (see bucketAnswer).
// `onDrop` is called as a connection is dropped (the test log expects workerd's report of it then);
// `GET /__expect-drop` calls it too, for a test about to fail a connection elsewhere (a closed port).
import { createServer } from 'node:http';

/** X pagination tokens are 16-128 letters and digits; Spotify's `after` is an artist id (22). */
const X_TOKENS = { stuck: 'STUCKTOKEN0000000001', a: 'CYCLETOKENA000000001', b: 'CYCLETOKENB000000001' };
const AFTER = { stuck: 'StuckAfter000000000001', a: 'CycleAfterA00000000001', b: 'CycleAfterB00000000001' };

/** Two items whose ids say which page they are on, so the pages of a cycle differ. */
const spotifyItems = (page) => ['1', '2'].map((n) => ({ id: `${page}x${n}`.padEnd(22, '0'), name: `Item ${page} ${n}` }));
const pageNumber = (page) => [...page].reduce((sum, c) => sum + c.charCodeAt(0), 0);
const xUsers = (page) => ['1', '2'].map((n) => ({ id: `${pageNumber(page)}0${n}`, name: `User ${n}`, username: `user${pageNumber(page)}${n}` }));

/**
 * The list page a `stuck` or `cycle` step answers, by path: Spotify's followed artists (`after`
 * handed back as given, AFTER.stuck when none; cycle: none→A→B→A), an X following/followers page
 * (`next_token` the same way; X's `/2/users/me` answers id 1001), and any other Spotify path an
 * offset page whose `next` asks for the offset just requested. Stuck pages hold the same items
 * each call (a provider ignoring the position); cycle pages differ per cursor.
 */
function pageFor(step, url, self) {
  const q = url.searchParams;
  const cycle = step === 'cycle';
  if (url.pathname === '/2/users/me') return { data: { id: '1001', name: 'Me', username: 'me' } };
  if (/^\/2\/users\/\d+\/(following|followers)$/.test(url.pathname)) {
    const given = q.get('pagination_token');
    const next = cycle ? (given === X_TOKENS.a ? X_TOKENS.b : X_TOKENS.a) : (given ?? X_TOKENS.stuck);
    const users = xUsers(cycle ? (given ?? 'start') : 'stuck');
    return { data: users, meta: { result_count: users.length, next_token: next } };
  }
  if (url.pathname === '/me/following') {
    const given = q.get('after');
    const after = cycle ? (given === AFTER.a ? AFTER.b : AFTER.a) : (given ?? AFTER.stuck);
    const limit = Number(q.get('limit') ?? 20);
    const next = new URL(self);
    next.searchParams.set('after', after);
    const items = spotifyItems(cycle ? (given ?? 'start') : 'stuck').map((a) => ({ ...a, type: 'artist' }));
    return { artists: { items, next: next.toString(), cursors: { after }, limit, total: 1000, href: self } };
  }
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 20);
  const next = new URL(self);
  next.searchParams.set('offset', String(offset));
  return { items: spotifyItems('stuck'), next: next.toString(), offset, limit, total: 1000, href: self, previous: null };
}

const buckets = new Map();

/**
 * A provider's app-wide rate limit: script `bucket<N>` (or `bucket<N>r<S>w<ms>`) is one token
 * bucket of N calls a second (burst N) shared by every token, as Spotify counts per client id; a
 * call over it answers 429 with `Retry-After: S` (default 1); `w` makes every answer take that long. Every call is logged, whoever sent it,
 * at `GET /__faults/<script>|*` with the time it arrived and its status.
 */
async function bucketAnswer(script, req, res, seen) {
  const [, rate = '1', wait = '1', slow = '0'] = /^bucket(\d+)(?:r(\d+))?(?:w(\d+))?$/.exec(script) ?? [];
  const now = Date.now();
  const b = buckets.get(script) ?? { tokens: Number(rate), at: now };
  b.tokens = Math.min(Number(rate), b.tokens + ((now - b.at) / 1000) * Number(rate));
  b.at = now;
  const ok = b.tokens >= 1;
  if (ok) b.tokens -= 1;
  buckets.set(script, b);
  const log = seen.get(`${script}|*`) ?? [];
  seen.set(`${script}|*`, log);
  log.push({
    at: now,
    status: ok ? 200 : 429,
    method: req.method,
    path: new URL(req.url, 'http://x').pathname,
    authorization: req.headers.authorization ?? null,
  });
  if (Number(slow)) await new Promise((r) => setTimeout(r, Number(slow)));
  res.writeHead(ok ? 200 : 429, { 'content-type': 'application/json', ...(ok ? {} : { 'retry-after': wait }) });
  res.end(JSON.stringify(ok ? {} : { error: { status: 429, message: 'API rate limit exceeded' } }));
}

export function startFaults({ port = 0, host = '127.0.0.1', onDrop = () => {} } = {}) {
  const seen = new Map();
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const [path, query = ''] = req.url.split('?');
    const [, script = '', ...rest] = path.split('/');
    if (script === '__expect-drop') {
      onDrop();
      res.writeHead(204).end();
      return;
    }
    if (script === '__faults') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen.get(decodeURIComponent(rest.join('/'))) ?? []));
      return;
    }
    if (script.startsWith('bucket')) return bucketAnswer(script, req, res, seen);
    const key = `${script}|${req.headers.authorization ?? ''}`;
    const calls = seen.get(key) ?? [];
    seen.set(key, calls);
    const steps = script.split('-');
    const step = steps[Math.min(calls.length, steps.length - 1)];
    calls.push({ method: req.method, path: `/${rest.join('/')}`, query, step });
    if (step === 'drop') {
      onDrop();
      return req.socket.destroy();
    }
    if (step === 'slow') await new Promise((r) => setTimeout(r, 15_000));
    if (step.startsWith('wait')) await new Promise((r) => setTimeout(r, Number(step.slice(4)) || 0));
    if (step === 'stuck' || step === 'cycle') {
      const self = `http://${req.headers.host}${req.url}`;
      const url = new URL(`http://upstream/${rest.join('/')}${query ? `?${query}` : ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pageFor(step, url, self)));
      return;
    }
    const status = Number(step) || 200;
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
    res.end(status === 204 ? undefined : JSON.stringify(status < 300 ? {} : { error: { status, message: 'injected' } }));
  });
  return new Promise((resolve) =>
    server.listen(port, host, () => resolve({ url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })),
  );
}
