// The Providers section (operator sessions only): one card per Governor, the worker's pacer of
// calls to a provider: its rate, pause, circuit, today's 429s and quotas, and its last hour.
import { getJSON } from './api.js';
import { createChart, perMinute } from './chart.js';
import { h, setText, showMessage } from './dom.js';
import { num, providerName, timeAndRelative } from './format.js';

/** The Governor's daily counters, by what they count. */
const COUNTERS = { 'x:follows': 'App follows today (X allows 1,000)' };

const FACTS = [
  ['rate', 'Rate'],
  ['paused', 'Paused'],
  ['probing', 'Probing'],
  ['circuit', 'Circuit'],
  ['calls', 'Calls, last minute'],
  ['limited', '429s today'],
  ['quota', 'Quota exceeded today'],
  ['daily', 'Daily budgets'],
];

function pausedText(g, now) {
  if (!g.paused_until || new Date(g.paused_until).getTime() <= now) return 'not paused';
  return `until ${timeAndRelative(g.paused_until, now)}${g.reason ? `, ${g.reason}` : ''}`;
}

function circuitText(circuit, now) {
  if (!circuit) return '—';
  return circuit.until ? `${circuit.state} until ${timeAndRelative(circuit.until, now)}` : circuit.state;
}

function createGovernorCard(provider) {
  const title = h('h3', { class: 'card-title', text: providerName(provider) });
  const circuit = h('span', { class: 'badge' });
  const values = new Map();
  const facts = h(
    'dl',
    { class: 'facts' },
    FACTS.map(([key, label]) => {
      const dd = h('dd');
      values.set(key, dd);
      return h('div', {}, h('dt', { text: label }), dd);
    }),
  );
  const chartBox = h('div', { class: 'chart-box' });
  const chart = createChart(chartBox, {
    label: `Calls to ${providerName(provider)} and 429 answers per minute, last hour`,
    series: [
      { label: 'Calls', color: '--calls' },
      { label: '429s', color: '--failed' },
    ],
  });
  const el = h(
    'article',
    { class: 'card governor', dataset: { provider } },
    h('header', { class: 'card-head' }, title, circuit),
    facts,
    h('h4', { text: 'Calls per minute, last hour' }),
    chartBox,
  );
  let dailySignature = '';
  let chartSignature = '';

  function update(g, now) {
    const state = g.circuit?.state ?? 'closed';
    el.dataset.circuit = state;
    el.dataset.paused = String(Boolean(g.paused_until && new Date(g.paused_until).getTime() > now));
    setText(circuit, `circuit ${state}`);
    circuit.className = `badge badge-circuit-${state}`;
    setText(values.get('rate'), g.enabled && g.rate > 0 ? `${num(g.rate)} ${g.rate === 1 ? 'call' : 'calls'}/s` : 'unpaced');
    setText(values.get('paused'), pausedText(g, now));
    setText(values.get('probing'), g.probing ? 'yes' : 'no');
    setText(values.get('circuit'), circuitText(g.circuit, now));
    setText(values.get('calls'), num(g.calls_last_minute));
    setText(values.get('limited'), num(g.rate_limited_today));
    setText(values.get('quota'), num(g.quota_exceeded_today));

    const daily = Object.entries(g.daily ?? {}).map(([key, d]) => `${COUNTERS[key] ?? key}: ${num(d.used)} used, resets ${timeAndRelative(d.resets_at, now)}`);
    const signature = JSON.stringify(daily);
    if (signature !== dailySignature) {
      dailySignature = signature;
      const dd = values.get('daily');
      if (daily.length) dd.replaceChildren(h('ul', { class: 'plain' }, ...daily.map((text) => h('li', { text }))));
      else dd.replaceChildren('none');
    }

    // The last hour, ending at this minute (or the newest minute reported, if the clocks differ).
    const minutes = g.minutes ?? [];
    const newest = minutes.length ? new Date(minutes[minutes.length - 1].minute).getTime() : 0;
    const to = Math.max(now, newest);
    const data = perMinute(minutes, to - 59 * 60_000, to, (m) => [m.calls, m.rate_limited]);
    const dataSignature = JSON.stringify(data);
    if (dataSignature !== chartSignature) {
      chartSignature = dataSignature;
      chart.setData(data);
    }
  }

  return { el, update, destroy: () => chart.destroy() };
}

export function providersView({ list, error }) {
  const cards = new Map();
  return {
    async refresh() {
      const res = await getJSON('/dashboard/api/admin/governors');
      if (!res.ok) {
        if (!res.offline && res.status !== 401) showMessage(error, `Providers could not be loaded: ${res.detail}`);
        return false;
      }
      showMessage(error, '');
      const now = Date.now();
      const governors = res.data.governors ?? [];
      governors.forEach((g, index) => {
        let card = cards.get(g.provider);
        if (!card) {
          card = createGovernorCard(g.provider);
          cards.set(g.provider, card);
        }
        // placed before it is filled, so its chart is first drawn at the card's width
        if (list.children[index] !== card.el) list.insertBefore(card.el, list.children[index] ?? null);
        card.update(g, now);
      });
      for (const [provider, card] of cards) {
        if (governors.some((g) => g.provider === provider)) continue;
        card.destroy();
        card.el.remove();
        cards.delete(provider);
      }
      return true;
    },
    interval: () => 5000,
  };
}
