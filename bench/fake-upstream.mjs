// A fake Spotify for the bench: answers every call the bench makes at once, or after a fixed
// delay (POST /__delay/<ms>), so the worker's own time and its batching show without Prism's cost.
// Counts calls, each with when it arrived (GET /__calls, DELETE /__calls).
import { createServer } from 'node:http';

export function startFakeSpotify() {
  let delay = 0;
  let calls = [];
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/__delay/')) {
      delay = Number(url.pathname.split('/')[2]) || 0;
      return res.writeHead(204).end();
    }
    if (url.pathname === '/__calls') {
      if (req.method === 'DELETE') calls = [];
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
    }
    calls.push({ method: req.method, path: url.pathname, query: url.search, authorization: req.headers.authorization, at: Date.now() });
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const json = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname.endsWith('/contains')) {
      const ids = (url.searchParams.get('ids') ?? url.searchParams.get('uris') ?? '').split(',');
      return json(ids.map((_, i) => i % 2 === 0));
    }
    if (req.method === 'GET' && url.pathname === '/me/tracks') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const total = 1000;
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({
        added_at: '2026-01-01T00:00:00Z',
        track: {
          id: `0TnOYISbd1XYRB${String(offset + i).padStart(8, '0')}`,
          type: 'track',
          uri: `spotify:track:0TnOYISbd1XYRB${String(offset + i).padStart(8, '0')}`,
          name: `Track ${offset + i}`,
          external_urls: { spotify: null },
          album: { images: [] },
        },
      }));
      const next = offset + limit < total ? `http://fake/me/tracks?offset=${offset + limit}&limit=${limit}` : null;
      return json({ href: '', items, limit, offset, total, next, previous: null });
    }
    if (req.method === 'GET') return json({ artists: { items: [], next: null, cursors: { after: null }, total: 0, limit: 20 } });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        setDelay: (ms) => fetch(`${url}/__delay/${ms}`, { method: 'POST' }),
        calls: async () => (await fetch(`${url}/__calls`)).json(),
        clearCalls: () => fetch(`${url}/__calls`, { method: 'DELETE' }),
        close: () => new Promise((r) => server.close(r)),
      });
    }),
  );
}
