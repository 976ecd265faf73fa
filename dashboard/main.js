// The dashboard's entry: asks whether there is a session, then shows the sign-in form or the
// dashboard and polls its sections. The sign-in itself is a plain form POST; this script never
// sees the API key or the operator token (the session is an HttpOnly cookie).
import { getJSON, on } from './api.js';
import { campaignsView } from './campaigns.js';
import { connectionsView } from './connections.js';
import { deliveriesView } from './deliveries.js';
import { h, setText, showMessage } from './dom.js';
import { time } from './format.js';
import { poller } from './poll.js';
import { providersView } from './providers.js';

const $ = (id) => document.getElementById(id);

const SIGNIN_RESULTS = {
  failed: 'That API key is unknown or revoked.',
  'operator-failed': 'That operator token is wrong; signed in without the operator view.',
};
const SESSION_ENDED = 'Your session ended; sign in again.';

const pollers = [];
let signedIn = false;

/** Reads ?signin=… (the server's answer to the form) once, and takes it out of the address bar. */
function takeSigninResult() {
  const params = new URLSearchParams(location.search);
  const result = params.get('signin');
  if (result == null) return null;
  params.delete('signin');
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  return SIGNIN_RESULTS[result] ?? 'Signing in did not work; try again.';
}

function setStatus(text) {
  setText($('status'), text);
  $('status').classList.toggle('status-offline', Boolean(text));
}

function showSignin(message) {
  signedIn = false;
  for (const p of pollers) p.stop();
  for (const id of ['loading', 'dashboard', 'nav', 'signout', 'app-info']) $(id).hidden = true;
  setText($('updated'), '');
  setStatus('');
  $('signin-view').hidden = false;
  showMessage($('signin-message'), message);
}

/** A section's poll: its refresh, and a visible line (never the console) if showing it fails. */
function track(view, error) {
  const p = poller(async () => {
    try {
      if ((await view.refresh()) && signedIn) setText($('updated'), `Updated ${time(new Date().toISOString(), { seconds: true })}`);
    } catch (err) {
      showMessage(error, `This section could not be shown: ${err?.message ?? err}`);
    }
  }, view.interval);
  pollers.push(p);
  return p;
}

function showDashboard(session, message) {
  signedIn = true;
  for (const id of ['loading', 'signin-view']) $(id).hidden = true;
  for (const id of ['dashboard', 'nav', 'signout', 'app-info']) $(id).hidden = false;
  setText($('app-name'), session.app_name);
  setText($('app-id'), session.app_id);
  $('operator-badge').hidden = !session.operator;
  showMessage($('notice'), message);

  // a retry asks for the campaigns again at once (the poll is made below, called later)
  const campaigns = track(
    campaignsView({ list: $('campaigns-list'), error: $('campaigns-error') }, { refreshSoon: () => campaigns.now() }),
    $('campaigns-error'),
  );
  track(connectionsView({ body: $('connections-body'), error: $('connections-error') }), $('connections-error'));
  track(deliveriesView({ body: $('deliveries-body'), error: $('deliveries-error') }), $('deliveries-error'));
  if (session.operator) track(providersView({ list: $('providers-list'), error: $('providers-error') }), $('providers-error'));
  else $('providers-list').replaceWith(h('p', { class: 'muted', text: 'Sign in with the operator token to see providers.' }));
  for (const p of pollers) p.start();
}

async function checkSession(message) {
  const res = await getJSON('/dashboard/api/session', { allowUnauthorized: true });
  // Signed out is 200 { signed_in: false } (not a 401, which every browser logs as an error);
  // a 401 is still taken as signed out.
  if (res.ok && res.data?.app_id) return showDashboard(res.data, message);
  if (res.ok || res.status === 401) return showSignin(message);
  // No answer, or a server error: say so on the page and ask again shortly.
  setText($('loading'), res.offline ? 'Offline, retrying…' : `The session could not be checked (${res.detail}); retrying…`);
  setTimeout(() => checkSession(message), 3000);
}

on('unauthorized', () => {
  if (signedIn) showSignin(SESSION_ENDED);
});
on('offline', () => setStatus('Offline, retrying…'));
on('online', () => setStatus(''));

checkSession(takeSigninResult());
