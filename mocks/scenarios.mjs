// Scenario rules the proxy applies around Prism and the world (mocks/world/). A scenario token
// picks the Prism response to ask for (a `Prefer` header, so Prism still validates the request)
// or a delay; token calls get fresh tokens that carry their user on. docs/sandbox.md lists them.
import { mintToken, userOfToken } from './world/identity.mjs';

const TOKEN_PATHS = ['/api/token', '/2/oauth2/token', '/oauth/token'];

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

export const isTokenCall = (req) => TOKEN_PATHS.includes(req.url.split('?')[0]) && req.method === 'POST';

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
  if (auth.startsWith('Bearer ratelimited') || auth.startsWith('Bearer penalty') || auth.startsWith('Bearer quota')) return { prefer: 'code=429' };
  if (auth.startsWith('Bearer broken')) return { prefer: 'code=500' };
  if (auth.startsWith('Bearer failpage') && Number(new URL(req.url, 'http://mock').searchParams.get('offset')) > 0) return { prefer: 'code=500' };
  return {};
}

/**
 * A token endpoint's answer with fresh tokens for the same user: the user of the refresh token
 * or authorization code, so a refreshed connection keeps its world.
 */
export function tokenAnswer(req, body, json) {
  const grant = refreshTokenOf(req, body) || tokenField(req, body, 'code');
  const user = userOfToken(grant || 'anonymous');
  const out = { ...json, access_token: mintToken('at', user) };
  if ('refresh_token' in json) out.refresh_token = mintToken('rt', user);
  return out;
}

/**
 * Prism's error answer, reshaped for the scenario tokens that need more than a status: `penalty…`
 * is a long Spotify penalty (`Retry-After: 120`), `quota…` the development-mode quota's 429
 * (`reason: "QUOTA_EXCEEDED"`, Retry-After 120).
 */
export function errorAnswer(upstream, req, status) {
  const auth = req.headers.authorization ?? '';
  if (status !== 429 || upstream !== 'spotify-api') return {};
  if (auth.startsWith('Bearer penalty')) return { headers: { 'retry-after': '120' } };
  if (auth.startsWith('Bearer quota')) {
    return {
      headers: { 'retry-after': '120' },
      json: { error: { status: 429, message: 'This app has exceeded its quota for the development mode', reason: 'QUOTA_EXCEEDED' } },
    };
  }
  return {};
}

const xWindows = new Map();

/**
 * X's rate-limit headers, made live: 50 follow (or unfollow) calls per access token and method
 * in a 15-minute window that starts with the first call and refills when it ends (60 s on a
 * 429), as X's do. Prism can only send fixed examples.
 */
export function rewriteHeaders(upstream, req, status, headers) {
  if (upstream !== 'x-api' || !/\/following(\/|$)/.test(req.url) || req.method === 'GET') return headers;
  const now = Math.floor(Date.now() / 1000);
  if (status === 429) return { ...headers, 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(now + 60) };
  const key = `${req.method} ${req.headers.authorization ?? ''}`;
  let window = xWindows.get(key);
  if (!window || window.reset <= now) window = { remaining: 50, reset: now + 900 };
  window.remaining = Math.max(0, window.remaining - 1);
  xWindows.set(key, window);
  return { ...headers, 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': String(window.remaining), 'x-rate-limit-reset': String(window.reset) };
}
