// A recording proxy in front of one Prism process: it forwards every request so Prism checks
// it against the contract, applies the scenario rules, and lets the world (mocks/world/) answer
// what Prism accepted. It keeps a log of calls that tests read over HTTP (`GET /__mock/calls`)
// and shows a user's world (`GET /__mock/state`), because the tests run inside workerd and
// cannot share memory with this process.
import { createServer } from 'node:http';
import { answerChecker } from './answer-check.mjs';
import { beforeForward, errorAnswer, isTokenCall, rewriteHeaders, tokenAnswer } from './scenarios.mjs';
import { mintCode } from './world/identity.mjs';
import { stateControl, worldAnswer } from './world/index.mjs';

const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export function startProxy({ name, target, contract, port = 0, host = '127.0.0.1' }) {
  const calls = [];
  const checkAnswer = contract ? answerChecker(contract) : () => [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.url.startsWith('/__mock/calls')) return control(req, res, calls);
    if (req.url.startsWith('/__mock/state')) return send(res, stateControl(name, req));
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
    const found = violations ? JSON.parse(violations) : [];
    const answer = answerFor(name, req, body, upstream.status, text, found, Boolean(plan.prefer));
    const status = answer.status ?? upstream.status;
    if (answer.json !== undefined) found.push(...checkAnswer(req.method, req.url.split('?')[0], status, answer.json));
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
      status,
      violations: found,
    });
    let outHeaders = {};
    upstream.headers.forEach((v, k) => {
      if (!HOP.has(k) && k !== 'content-encoding') outHeaders[k] = v;
    });
    if (answer.json !== undefined) outHeaders['content-type'] = 'application/json';
    outHeaders = { ...rewriteHeaders(name, req, status, outHeaders), ...answer.headers };
    res.writeHead(status, outHeaders).end(answer.json === undefined ? text : JSON.stringify(answer.json));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      // Closing also drops the connections workerd keeps open: waiting on them could hang the
      // harness's stop and leave the Prisms after it running.
      const close = () =>
        new Promise((r) => {
          server.close(r);
          server.closeAllConnections();
        });
      resolve({ url: `http://${host}:${bound}`, calls, close });
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
  else back.searchParams.set('code', mintCode());
  res.writeHead(302, { location: back.toString() }).end();
}

/**
 * What the proxy sends for Prism's answer: fresh tokens from a token endpoint, the world's answer
 * to a call Prism accepted (2xx, no violation, no scenario or test `Prefer`), or Prism's own.
 */
function answerFor(name, req, body, status, text, violations, scenario) {
  if (status < 200 || status >= 300) return errorAnswer(name, req, status);
  if (isTokenCall(req)) {
    try {
      return { json: tokenAnswer(req, body, JSON.parse(text)) };
    } catch {
      return {};
    }
  }
  if (scenario || req.headers.prefer || violations.length) return {};
  try {
    const answer = worldAnswer(name, req, body);
    return !answer || answer.keep ? {} : answer;
  } catch (err) {
    // A bug in the world answers this call 500 (and the call log says why), not every later one.
    console.error(`mock ${name}: the world failed on ${req.method} ${req.url}:`, err);
    return { status: 500, json: { error: { status: 500, message: `sandbox world failed: ${err.message}` } } };
  }
}

function send(res, { status, json }) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}

function control(req, res, calls) {
  if (req.method === 'DELETE') calls.length = 0;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
}
