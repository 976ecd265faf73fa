// A fault-injecting upstream for the tests: the first path segment is a script, one step per
// call on that script and access token — a status (`503-503-204`), `drop` (close the socket
// without answering), `slow` (answer after 15 s) or `wait<ms>` (answer 200 after that long). Calls are counted at `GET /__faults/<script>`.
// `onDrop` is called as a connection is dropped (the test log expects workerd's report of it then).
import { createServer } from 'node:http';

export function startFaults({ port = 0, host = '127.0.0.1', onDrop = () => {} } = {}) {
  const seen = new Map();
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const [, script = '', ...rest] = req.url.split('?')[0].split('/');
    if (script === '__faults') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen.get(decodeURIComponent(rest.join('/'))) ?? []));
      return;
    }
    const key = `${script}|${req.headers.authorization ?? ''}`;
    const calls = seen.get(key) ?? [];
    seen.set(key, calls);
    const steps = script.split('-');
    const step = steps[Math.min(calls.length, steps.length - 1)];
    calls.push({ method: req.method, path: `/${rest.join('/')}`, step });
    if (step === 'drop') {
      onDrop();
      return req.socket.destroy();
    }
    if (step === 'slow') await new Promise((r) => setTimeout(r, 15_000));
    if (step.startsWith('wait')) await new Promise((r) => setTimeout(r, Number(step.slice(4)) || 0));
    const status = Number(step) || 200;
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
    res.end(status === 204 ? undefined : JSON.stringify(status < 300 ? {} : { error: { status, message: 'injected' } }));
  });
  return new Promise((resolve) =>
    server.listen(port, host, () => resolve({ url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })),
  );
}
