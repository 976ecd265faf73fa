// The sandbox world behind the mocks: Prism checks every request against the contract, then the
// world answers it from what this provider user has done (see docs/sandbox.md, "The world").
import { audiusAnswer } from './audius.mjs';
import { idOfUser, unbind, userOfToken } from './identity.mjs';
import { spotifyAnswer } from './spotify.mjs';
import { reset, snapshot } from './state.mjs';
import { xAnswer } from './x.mjs';

const ANSWER = { 'spotify-api': spotifyAnswer, 'x-api': xAnswer, 'audius-api': audiusAnswer };
export const PROVIDER_OF = { 'spotify-api': 'spotify', 'spotify-accounts': 'spotify', 'x-api': 'x', 'audius-api': 'audius' };

/**
 * The world's answer to an API call Prism accepted: `{status?, json?}`, `{keep: true}` (Prism's
 * own empty success stands) or undefined (not a call the world models; Prism's answer stands).
 */
export function worldAnswer(upstream, req, body) {
  const answer = ANSWER[upstream];
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!answer || !bearer) return undefined;
  let json;
  try {
    json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    json = undefined;
  }
  const url = new URL(req.url, 'http://mock');
  return answer({ method: req.method, url, json, token: { value: bearer, user: userOfToken(bearer) } });
}

/** Whose world a control request names: `?token=` (an access token) or `?user=` (a sandbox user). */
function whoOf(upstream, url) {
  const token = url.searchParams.get('token');
  const user = token ? userOfToken(token) : url.searchParams.get('user');
  if (!user) return null;
  const provider = PROVIDER_OF[upstream];
  return { provider, user, id: idOfUser(provider, user) };
}

/**
 * `GET /__mock/state?token=…|user=…` (one user's world), `DELETE` the same (forget it), or a bare
 * `DELETE /__mock/state` (forget every world). A query that names nobody is refused, so an empty
 * `?token=` never forgets everything by accident.
 */
export function stateControl(upstream, req) {
  const url = new URL(req.url, 'http://mock');
  const who = whoOf(upstream, url);
  if (req.method === 'DELETE' && !url.search) {
    reset();
    unbind();
    return { status: 200, json: { reset: 'all' } };
  }
  if (!who) return { status: 400, json: { error: 'name the user: ?token=<access token> or ?user=<sandbox user> (a bare DELETE forgets everyone)' } };
  if (req.method === 'DELETE') {
    reset(who.provider, who.id);
    unbind(who.provider, who.user);
    return { status: 200, json: { reset: { provider: who.provider, user: who.user } } };
  }
  return { status: 200, json: { user: who.user, ...snapshot(who.provider, who.id) } };
}
