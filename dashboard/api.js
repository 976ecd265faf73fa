// The one place the dashboard talks to the worker. Every call resolves, never rejects: the tests
// fail on any console error, and an unhandled rejection is one. A result is
//   { ok: true, status, data }                       the JSON answer
//   { ok: false, status, detail, problem }           an RFC 9457 problem (detail is what to show)
//   { ok: false, offline: true }                     the request never got an answer
// The session cookie is HttpOnly and sent by the browser; no key or token is ever handled here.

const listeners = { unauthorized: () => {}, offline: () => {}, online: () => {} };

/** Lets main.js react to a session that ended (401) and to the network coming and going. */
export function on(event, fn) {
  listeners[event] = fn;
}

async function request(path, { method = 'GET', body, allowUnauthorized = false } = {}) {
  const headers = { accept: 'application/json' };
  const init = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    listeners.offline();
    return { ok: false, offline: true };
  }
  listeners.online();
  let data = null;
  try {
    data = await res.json();
  } catch {
    // not JSON (a proxy's error page): the status alone says what happened
  }
  if (res.ok) return { ok: true, status: res.status, data };
  if (res.status === 401 && !allowUnauthorized) listeners.unauthorized();
  const detail = data?.detail || data?.title || `The server answered ${res.status}.`;
  return { ok: false, status: res.status, detail, problem: data };
}

export const getJSON = (path, options) => request(path, options);

/** A POST with an empty JSON body unless one is given (the retry takes `{}`). */
export const postJSON = (path, body = {}) => request(path, { method: 'POST', body });

/** Builds a query string from the defined values only. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value != null && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
