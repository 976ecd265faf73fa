// Scenario rules the proxy applies on top of Prism. Prism answers from a contract's examples and
// cannot vary by request, so the few stories that depend on what was sent live here. Each rule
// either picks the Prism response to ask for (a `Prefer` header, so Prism still validates the
// request) or reshapes Prism's valid answer. README "Mock scenarios" lists them for users.
import { readFileSync } from 'node:fs';

const spotify = JSON.parse(readFileSync(new URL('./scenarios/spotify.json', import.meta.url), 'utf8'));
const followed = new Set(spotify.following);
let minted = 0;

/** Token prefixes with a fixed meaning, for refresh tokens and access tokens alike. */
export const TOKEN_PREFIXES = {
  revoked: 'refresh answers 400 invalid_grant',
  rotate: 'refresh answers with a new refresh token too',
  slow: 'a refresh with this refresh token takes 300 ms; an API call with this access token takes 100 ms',
  expired: 'the API answers 401 to this access token',
  forbidden: 'the API answers 403 to this access token',
  ratelimited: 'the API answers 429 (Retry-After: 1) to this access token',
  broken: 'the API answers 500 to this access token',
  huge: 'offset-paged lists have 100000 items for this access token (instead of 120)',
};

function mint(kind) {
  minted += 1;
  return `mock-${kind}-${minted}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Before forwarding: headers to add for Prism and an optional delay. */
export function beforeForward(upstream, req, body) {
  if (upstream === 'spotify-accounts' && req.url.startsWith('/api/token')) {
    const form = new URLSearchParams(body.toString('utf8'));
    const rt = form.get('refresh_token') ?? '';
    if (rt.startsWith('revoked')) return { prefer: 'code=400' };
    if (rt.startsWith('rotate')) return { prefer: 'example=rotated' };
    if (rt.startsWith('slow')) return { delayMs: 300 };
    return {};
  }
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer expired')) return { prefer: 'code=401' };
  if (auth.startsWith('Bearer slow')) return { delayMs: 100 };
  if (auth.startsWith('Bearer forbidden')) return { prefer: 'code=403' };
  if (auth.startsWith('Bearer ratelimited')) return { prefer: 'code=429' };
  if (auth.startsWith('Bearer broken')) return { prefer: 'code=500' };
  return {};
}

/** After Prism answered: the body to send instead, or undefined to pass Prism's through. */
export function rewrite(upstream, req, status, json) {
  if (status !== 200 || json === undefined) return undefined;
  if (upstream === 'spotify-accounts' && req.url.startsWith('/api/token')) {
    const out = { ...json, access_token: mint('at') };
    if ('refresh_token' in json) out.refresh_token = mint('rt');
    return out;
  }
  const url = new URL(req.url, 'http://mock');
  if (isOffsetPage(json)) return pageAt(json, url, req.headers.authorization ?? '');
  if (url.pathname.endsWith('/contains')) {
    const list = url.searchParams.get('uris') ?? url.searchParams.get('ids');
    if (/^\/playlists\/[^/]+\/followers\/contains$/.test(url.pathname)) {
      return [followed.has(url.pathname.split('/')[2])];
    }
    if (list) return list.split(',').map((x) => followed.has(x.split(':').pop()));
  }
  return undefined;
}

function isOffsetPage(json) {
  return json && typeof json === 'object' && Array.isArray(json.items) && 'offset' in json && 'total' in json && 'next' in json;
}

/** Prism answers the same example page for every offset; this makes paging end like Spotify's. */
function pageAt(page, url, authorization) {
  const limit = Number(url.searchParams.get('limit') ?? page.limit);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const total = authorization.startsWith('Bearer huge') ? 100000 : page.total;
  const next = new URL(page.href);
  next.searchParams.set('offset', String(offset + limit));
  next.searchParams.set('limit', String(limit));
  return { ...page, limit, offset, total, next: offset + limit < total ? next.toString() : null, previous: offset > 0 ? page.href : null };
}
