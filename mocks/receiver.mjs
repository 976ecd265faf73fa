// A webhook receiver: records every delivery (`GET /__receiver/<name>` lists those to a path ending
// in <name>), and can be told to fail the first N deliveries of a hook (`POST /hooks/<name>?fail=N`),
// the way a receiver that is down does. The tests start it on a free port; `npm start` starts it
// beside the mocks (mocks/serve.mjs) with `print`, so each event shows in its output.
import { createServer } from 'node:http';

/** `event connection.created evt_… → /events/demo-app 204`: what arrived, never its body or signature. */
function describe(req, body, status) {
  let type = '?';
  try {
    type = JSON.parse(body).type ?? '?';
  } catch {}
  return `event ${type} ${req.headers['webhook-id'] ?? '(no webhook-id)'} → ${req.url.split('?')[0]} ${status}`;
}

/** @param {{ port?: number, host?: string, print?: (line: string) => void }} options */
export function startReceiver({ port = 0, host = '127.0.0.1', print } = {}) {
  const received = new Map();
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const url = new URL(req.url, 'http://receiver');
    const name = url.pathname.split('/').pop();
    if (url.pathname.startsWith('/__receiver/')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    const list = received.get(name) ?? [];
    received.set(name, list);
    const fail = Number(url.searchParams.get('fail') ?? 0);
    const ok = list.length >= fail;
    const body = Buffer.concat(chunks).toString('utf8');
    list.push({ headers: req.headers, body, answered: ok ? 204 : 500 });
    print?.(describe(req, body, ok ? 204 : 500));
    res.writeHead(ok ? 204 : 500).end();
  });
  const close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections(); // workerd keeps its connections alive; close must not wait for them
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject); // a port in use fails the start instead of crashing the process
    server.listen(port, host, () => resolve({ url: `http://${host}:${server.address().port}`, close }));
  });
}
