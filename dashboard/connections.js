// The Connections section: how many connections are active, expiring or need the fan's consent
// again, and the ones that need it (reauth required and expiring, newest first) with the call
// that starts the fan's reconnect. The first page of each is re-read on every poll; pages added
// with "Load more" are kept while that status's count stays the same, and dropped when it
// changes (they may list users who have since reconnected).
import { getJSON, withQuery } from './api.js';
import { badge, h, setText, showMessage, stats, table } from './dom.js';
import { num, providerName, timeAndRelative } from './format.js';

const STATUSES = ['reauth_required', 'expiring'];
const PATH = '/dashboard/api/v1/connections';

const reconnectText = (r) => (r ? `${r.method} ${r.path} ${JSON.stringify(r.body ?? {})}` : '—');

export function connectionsView({ body, error }) {
  const lists = new Map(STATUSES.map((s) => [s, { first: [], more: [], cursor: null, paged: false }]));
  const counts = stats(
    [
      { key: 'active', label: 'Active' },
      { key: 'expiring', label: 'Expiring' },
      { key: 'reauth_required', label: 'Reauth required' },
    ],
    'Connections by status',
  );
  const total = h('p', { class: 'muted' });
  const rows = table('Connections that need the fan again', ['User', 'Provider', 'Status', 'Since', 'Reason', 'Reconnect call']);
  const empty = h('p', { class: 'empty', text: 'Every connection is active.' });
  const moreButton = h('button', { type: 'button', class: 'button-small', text: 'Load more', hidden: true });
  const moreError = h('span', { class: 'retry-result', role: 'status' });
  body.append(counts.el, total, h('h3', { text: 'Needing consent' }), empty, rows.el, h('p', { class: 'actions' }, moreButton, moreError));

  function render() {
    const byKey = new Map();
    for (const list of lists.values()) for (const c of [...list.first, ...list.more]) byKey.set(`${c.user}\u0000${c.provider}`, c);
    const all = [...byKey.values()].sort((a, b) => String(b.since).localeCompare(String(a.since)));
    const now = Date.now();
    rows.set(
      all.map((c) => [
        c.user,
        providerName(c.provider),
        badge(c.status),
        timeAndRelative(c.since, now),
        c.reason ?? '—',
        { text: reconnectText(c.reconnect), class: 'code' },
      ]),
    );
    rows.el.hidden = all.length === 0;
    empty.hidden = all.length > 0;
    moreButton.hidden = ![...lists.values()].some((l) => l.cursor);
  }

  moreButton.addEventListener('click', async () => {
    moreButton.disabled = true;
    showMessage(moreError, '');
    for (const [status, list] of lists) {
      if (!list.cursor) continue;
      const res = await getJSON(withQuery(PATH, { limit: 50, status, cursor: list.cursor }));
      if (!res.ok) {
        if (res.status !== 401) showMessage(moreError, res.offline ? 'Offline; try again in a moment.' : res.detail);
        break;
      }
      list.more.push(...(res.data.connections ?? []));
      list.cursor = res.data.next_cursor;
      list.paged = true;
    }
    moreButton.disabled = false;
    render();
  });

  return {
    async refresh() {
      const answers = await Promise.all(STATUSES.map((status) => getJSON(withQuery(PATH, { limit: 50, status }))));
      const failed = answers.find((a) => !a.ok);
      if (failed) {
        if (!failed.offline && failed.status !== 401) showMessage(error, `Connections could not be loaded: ${failed.detail}`);
        return false;
      }
      showMessage(error, '');
      const c = answers[answers.length - 1].data.counts;
      answers.forEach((res, i) => {
        const list = lists.get(STATUSES[i]);
        list.first = res.data.connections ?? [];
        if (list.paged && list.count !== c?.[STATUSES[i]]) Object.assign(list, { more: [], paged: false });
        list.count = c?.[STATUSES[i]];
        if (!list.paged) list.cursor = res.data.next_cursor;
      });
      counts.set(c, num);
      setText(total, `${num(c?.total)} connections in all.`);
      render();
      return true;
    },
    interval: () => 5000,
  };
}
