// Scenario rules the proxy applies on top of Prism. Prism answers from a contract's examples and
// cannot vary by request, so the few stories that depend on what was sent live here. Each rule
// either picks the Prism response to ask for (a `Prefer` header, so Prism still validates the
// request) or reshapes Prism's valid answer. README "Mock scenarios" lists them for users.
import { readFileSync } from 'node:fs';

const load = (name) => JSON.parse(readFileSync(new URL(`./scenarios/${name}.json`, import.meta.url), 'utf8'));
const spotify = load('spotify');
const xData = load('x');
const audius = load('audius');
const followed = new Set([...spotify.following, ...xData.following, ...audius.following]);
const saved = new Set(audius.saved);
let minted = 0;

const TOKEN_PATHS = ['/api/token', '/2/oauth2/token', '/oauth/token'];

function mint(kind) {
  minted += 1;
  return `mock-${kind}-${minted}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A field of a token request, form-encoded (Spotify, X) or JSON (Audius). */
function tokenField(req, body, field) {
  const text = body.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text)[field] ?? '';
    } catch {
      return '';
    }
  }
  return new URLSearchParams(text).get(field) ?? '';
}

export const refreshTokenOf = (req, body) => tokenField(req, body, 'refresh_token');

const isTokenCall = (req) => TOKEN_PATHS.includes(req.url.split('?')[0]) && req.method === 'POST';

/** Before forwarding: headers to add for Prism and an optional delay. */
export function beforeForward(upstream, req, body) {
  if (isTokenCall(req)) {
    const rt = refreshTokenOf(req, body);
    if (rt.startsWith('revoked') || tokenField(req, body, 'code').startsWith('revoked')) return { prefer: 'code=400' };
    if (rt.startsWith('slow')) return { delayMs: 300, prefer: rt.startsWith('slow-rotate') && upstream === 'spotify-accounts' ? 'example=rotated' : undefined };
    if (rt.startsWith('rotate') && upstream === 'spotify-accounts') return { prefer: 'example=rotated' };
    return {};
  }
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer expired')) return { prefer: 'code=401' };
  if (auth.startsWith('Bearer slow')) return { delayMs: 100 };
  if (auth.startsWith('Bearer forbidden')) return { prefer: 'code=403' };
  if (auth.startsWith('Bearer ratelimited')) return { prefer: 'code=429' };
  if (auth.startsWith('Bearer broken')) return { prefer: 'code=500' };
  if (auth.startsWith('Bearer failpage') && Number(new URL(req.url, 'http://mock').searchParams.get('offset')) > 0) return { prefer: 'code=500' };
  if (upstream === 'x-api' && req.method === 'POST' && /\/following$/.test(req.url)) {
    try {
      if (xData.protected.includes(JSON.parse(body.toString('utf8')).target_user_id)) return { prefer: 'example=pending' };
    } catch {
      // Prism reports the malformed body.
    }
  }
  return {};
}

/** After Prism answered: the body to send instead, or undefined to pass Prism's through. */
export function rewrite(upstream, req, status, json) {
  if (status !== 200 || json === undefined) return undefined;
  if (isTokenCall(req)) {
    const out = { ...json, access_token: mint('at') };
    if ('refresh_token' in json) out.refresh_token = mint('rt');
    return out;
  }
  const url = new URL(req.url, 'http://mock');
  if (isOffsetPage(json)) return pageAt(json, url, req.headers.authorization ?? '');
  if (upstream === 'x-api') return rewriteX(url, json);
  if (upstream === 'audius-api') return rewriteAudius(url, json);
  if (url.pathname.endsWith('/contains')) {
    const list = url.searchParams.get('uris') ?? url.searchParams.get('ids');
    if (/^\/playlists\/[^/]+\/followers\/contains$/.test(url.pathname)) {
      return [followed.has(url.pathname.split('/')[2])];
    }
    if (list) return list.split(',').map((x) => followed.has(x.split(':').pop()));
  }
  return undefined;
}

function rewriteX(url, json) {
  if (url.pathname === '/2/users' && url.searchParams.get('ids')) {
    const ids = url.searchParams.get('ids').split(',');
    return {
      data: ids
        .filter((id) => !xData.missing.includes(id))
        .map((id) => ({ id, name: `User ${id}`, username: `user${id}`, connection_status: followed.has(id) ? ['following'] : [] })),
      ...(ids.some((id) => xData.missing.includes(id))
        ? {
            errors: ids
              .filter((id) => xData.missing.includes(id))
              .map((id) => ({
                value: id,
                detail: `Could not find user with ids: [${id}].`,
                title: 'Not Found Error',
                resource_type: 'user',
                type: 'https://api.x.com/2/problems/resource-not-found',
              })),
          }
        : {}),
    };
  }
  // A second page is the last: a token that was followed leads nowhere further.
  if (/\/(following|followers)$/.test(url.pathname) && url.searchParams.get('pagination_token')) {
    const { next_token: _done, ...meta } = json.meta ?? {};
    return { ...json, meta };
  }
  return undefined;
}

function rewriteAudius(url, json) {
  const ids = url.searchParams.getAll('id');
  if (url.pathname === '/users' && ids.length) {
    return { data: ids.map((id) => ({ id, handle: `user_${id}`, name: `User ${id}`, does_current_user_follow: followed.has(id) })) };
  }
  if ((url.pathname === '/tracks' || url.pathname === '/playlists') && ids.length) {
    return { data: ids.map((id) => ({ id, title: `Item ${id}`, has_current_user_saved: saved.has(id) })) };
  }
  // Lists end after the example's page: an offset past it is empty.
  if (Array.isArray(json.data) && url.searchParams.has('offset') && Number(url.searchParams.get('offset')) >= json.data.length) {
    return { ...json, data: [] };
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

const xRemaining = new Map();

/**
 * X's rate-limit headers, made live: the reset is 15 minutes from now (60 s on a 429) and
 * remaining counts down per access token, as X's do. Prism can only send fixed examples.
 */
export function rewriteHeaders(upstream, req, status, headers) {
  if (upstream !== 'x-api' || !/\/following(\/|$)/.test(req.url) || req.method === 'GET') return headers;
  const now = Math.floor(Date.now() / 1000);
  if (status === 429) return { ...headers, 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(now + 60) };
  const key = `${req.method} ${req.headers.authorization ?? ''}`;
  const remaining = Math.max(0, (xRemaining.get(key) ?? 50) - 1);
  xRemaining.set(key, remaining);
  return { ...headers, 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(now + 900) };
}
