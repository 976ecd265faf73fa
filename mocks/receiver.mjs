// A webhook receiver for the tests: records every delivery, and can be told to fail the first
// N deliveries of a hook (`POST /hooks/<name>?fail=N`), the way a receiver that is down does.
import { createServer } from 'node:http';

export function startReceiver({ port = 0, host = '127.0.0.1' } = {}) {
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
    list.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: ok ? 204 : 500 });
    res.writeHead(ok ? 204 : 500).end();
  });
  return new Promise((resolve) =>
    server.listen(port, host, () => resolve({ url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })),
  );
}
