// The Event deliveries section: how the app's webhook deliveries went over the last 24 h, the
// failures grouped by reason, and the latest deliveries one by one.
import { getJSON } from './api.js';
import { badge, h, showMessage, stats, table } from './dom.js';
import { num, time, timeAndRelative } from './format.js';

export function deliveriesView({ body, error }) {
  const counts = stats(
    [
      { key: 'delivered', label: 'Delivered' },
      { key: 'failed', label: 'Failed' },
      { key: 'dead_lettered', label: 'Dead-lettered' },
      { key: 'no_webhook', label: 'No webhook' },
    ],
    'Deliveries in the last 24 hours',
  );
  const failures = table('Failures by reason', ['Reason', 'Attempts', 'Last at']);
  const noFailures = h('p', { class: 'muted', text: 'No failed deliveries.' });
  const recent = table('Latest deliveries', ['Time', 'Type', 'Status', 'Attempt', 'Reason or host', 'Next attempt']);
  const noDeliveries = h('p', { class: 'muted', text: 'No events delivered yet.' });
  body.append(
    h('p', { class: 'muted', text: 'Last 24 hours.' }),
    counts.el,
    h('h3', { text: 'Failures' }),
    noFailures,
    failures.el,
    h('h3', { text: 'Latest deliveries' }),
    noDeliveries,
    recent.el,
  );

  function render(data) {
    const now = Date.now();
    counts.set(data.counts, num);
    const byReason = data.failures ?? [];
    failures.set(byReason.map((f) => [f.reason, num(f.attempts), timeAndRelative(f.last_at, now)]));
    failures.el.hidden = !byReason.length;
    noFailures.hidden = byReason.length > 0;
    const rows = data.deliveries ?? [];
    recent.set(
      rows.map((d) => [
        time(d.at, { seconds: true }),
        { text: d.type, class: 'code' },
        badge(d.status),
        num(d.attempt),
        [d.reason, d.host].filter(Boolean).join(' · ') || '—',
        d.next_attempt_at ? timeAndRelative(d.next_attempt_at, now) : '—',
      ]),
    );
    recent.el.hidden = !rows.length;
    noDeliveries.hidden = rows.length > 0;
  }

  return {
    async refresh() {
      const res = await getJSON('/dashboard/api/v1/events/deliveries?limit=50');
      if (!res.ok) {
        if (!res.offline && res.status !== 401) showMessage(error, `Deliveries could not be loaded: ${res.detail}`);
        return false;
      }
      showMessage(error, '');
      render(res.data);
      return true;
    },
    interval: () => 5000,
  };
}
