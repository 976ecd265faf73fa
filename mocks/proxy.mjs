// A recording proxy in front of one Prism process: it forwards every request, applies the
// scenario rules, and keeps a log of calls that tests read over HTTP (`GET /__mock/calls`),
// because the tests run inside workerd and cannot share memory with this process.
import { createServer } from 'node:http';
import { beforeForward, rewrite, rewriteHeaders } from './scenarios.mjs';

const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export function startProxy({ name, target, port = 0, host = '127.0.0.1' }) {
  const calls = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/__mock/calls')) return control(req, res, calls);
    if (req.method === 'GET' && AUTHORIZE_PATHS.includes(req.url.split('?')[0])) return authorize(req, res);
    const startedAt = Date.now();
    const plan = beforeForward(name, req, body);
    if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
    if (plan.prefer) headers.prefer = plan.prefer;
    let upstream;
    try {
      upstream = await fetch(target + req.url, {
        method: req.method,
        headers,
        body: body.length ? body : undefined,
      });
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`mock proxy: Prism unreachable: ${err.message}`);
      return;
    }
    const text = await upstream.text();
    const violations = upstream.headers.get('sl-violations');
    calls.push({
      startedAt,
      at: Date.now(),
      method: req.method,
      url: req.url,
      path: req.url.split('?')[0],
      query: Object.fromEntries(new URL(req.url, 'http://mock').searchParams),
      authorization: req.headers.authorization ?? null,
      apiKey: req.headers['x-api-key'] ?? null,
      contentType: req.headers['content-type'] ?? null,
      body: body.toString('utf8'),
      status: upstream.status,
      violations: violations ? JSON.parse(violations) : [],
    });
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const replaced = rewrite(name, req, upstream.status, json);
    const out = replaced === undefined ? text : JSON.stringify(replaced);
    let outHeaders = {};
    upstream.headers.forEach((v, k) => {
      if (!HOP.has(k) && k !== 'content-encoding') outHeaders[k] = v;
    });
    outHeaders = rewriteHeaders(name, req, upstream.status, outHeaders);
    res.writeHead(upstream.status, outHeaders).end(out);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      resolve({ url: `http://${host}:${bound}`, calls, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** The providers' consent pages, which Prism cannot be: each says yes at once (or no, for a scope `deny`). */
const AUTHORIZE_PATHS = ['/authorize', '/i/oauth2/authorize', '/oauth/authorize'];

function authorize(req, res) {
  const q = new URL(req.url, 'http://mock').searchParams;
  const back = new URL(q.get('redirect_uri'));
  back.searchParams.set('state', q.get('state') ?? '');
  if ((q.get('scope') ?? '').split(' ').includes('deny')) back.searchParams.set('error', 'access_denied');
  else back.searchParams.set('code', `mock-code-${Math.random().toString(36).slice(2, 12)}`);
  res.writeHead(302, { location: back.toString() }).end();
}

function control(req, res, calls) {
  if (req.method === 'DELETE') calls.length = 0;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
}
