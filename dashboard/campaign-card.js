// One campaign's card. Built once, then updated in place on every poll (text, bar widths, the
// chart's data), so focus, scroll and the chart survive the 1 s refresh.
import { postJSON } from './api.js';
import { createChart, perMinute } from './chart.js';
import { h, setAttr, setText, table } from './dom.js';
import { day, duration, num, percent, providerName, time, timeAndRelative } from './format.js';

// The bar's segments, in order. Failed counts partly done fans too; pending counts running ones.
const SEGMENTS = [
  { key: 'done', label: 'Done', of: (c) => c.done },
  { key: 'failed', label: 'Failed', of: (c) => c.failed + c.partly_done },
  { key: 'deferred', label: 'Deferred', of: (c) => c.deferred },
  { key: 'pending', label: 'Pending', of: (c) => c.pending + c.running },
  { key: 'cancelled', label: 'Cancelled', of: (c) => c.cancelled, optional: true },
];

function runText(run) {
  if (run?.mode === 'at') return `at ${timeAndRelative(run.at)}`;
  if (run?.mode === 'local-midnight') return `at 00:00 on ${day(run.date)}, in each fan's time zone`;
  return 'now';
}

function scheduleText(c, now) {
  const parts = [`Runs ${runText(c.run)}`];
  if (c.status === 'scheduled' && c.starts_at && c.run?.mode !== 'at') parts.push(`starts ${timeAndRelative(c.starts_at, now)}`);
  if (c.started_at) parts.push(`started ${timeAndRelative(c.started_at, now)}`);
  if (c.finished_at) parts.push(`finished ${timeAndRelative(c.finished_at, now)}`);
  return parts.join(' · ');
}

function estimateText(c, now) {
  if (!c.estimated_end_at || (c.status !== 'running' && c.status !== 'scheduled')) return '';
  const left = new Date(c.estimated_end_at).getTime() - now;
  if (left <= 0) return 'Ending any moment';
  return `About ${duration(left)} left, ends ${time(c.estimated_end_at)}`;
}

function actionText(a) {
  return [providerName(a.provider), a.op, a.type].filter(Boolean).join(' ');
}

/** "UPC 0602… → album “Name” (spotify:album:…)", or where the search stands. */
function releaseText(r, now) {
  const what = r.upc ? `UPC ${r.upc}` : r.isrc ? `ISRC ${r.isrc}` : 'Release';
  switch (r.state) {
    case 'resolved':
      return r.item ? `${what} → ${r.item.type} “${r.item.name}” (${r.item.uri})` : `${what} → found`;
    case 'searching':
      return `${what}: searching…`;
    case 'waiting':
      return `${what}: not found yet (${num(r.searches)} ${r.searches === 1 ? 'search' : 'searches'}); next search ${r.next_search_at ? timeAndRelative(r.next_search_at, now) : 'soon'}`;
    case 'not-found':
      return `${what}: not found${r.reason ? ` (${r.reason})` : ''}`;
    default:
      return `${what}: searched at the release time`;
  }
}

export function createCampaignCard(id, onRetried) {
  const title = h('h3', { class: 'card-title' });
  const status = h('span', { class: 'badge' });
  const meta = h('p', { class: 'meta' });
  const schedule = h('p', { class: 'schedule' });
  const estimate = h('p', { class: 'estimate', hidden: true });
  const segments = new Map(SEGMENTS.map((s) => [s.key, h('span', { class: `seg seg-${s.key}` })]));
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0' }, [...segments.values()]);
  const legendItems = new Map(SEGMENTS.map((s) => [s.key, h('span', { class: `key key-${s.key}` })]));
  const share = h('strong', { class: 'share' });
  const legend = h('p', { class: 'legend' }, [...legendItems.values()], share);
  const verified = h('p', { class: 'verified', hidden: true });

  const chartBox = h('div', { class: 'chart-box' });
  const chartEmpty = h('p', { class: 'muted' });
  let chart = null;
  let chartSignature = '';

  const failuresTable = table('Failures by reason', ['Reason', 'Fans']);
  const retryButton = h('button', { type: 'button', class: 'button-small', text: 'Retry failed fans' });
  const retryResult = h('span', { class: 'retry-result', role: 'status' });
  const failures = h(
    'div',
    { class: 'failures', hidden: true },
    h('h4', { text: 'Failures' }),
    failuresTable.el,
    h('p', { class: 'actions' }, retryButton, retryResult),
  );

  const releaseList = h('ul', { class: 'releases' });
  const releases = h('div', { hidden: true }, h('h4', { text: 'Release' }), releaseList);
  let releasesSignature = '';

  const actionsTable = table('Fans by action', ['Action', 'Done', 'Failed', 'Deferred', 'Pending']);
  const perAction = h('details', { class: 'per-action' }, h('summary', { text: 'By action' }), actionsTable.el);

  const el = h(
    'article',
    { class: 'card campaign', dataset: { campaignId: id } },
    h('header', { class: 'card-head' }, title, status),
    meta,
    schedule,
    estimate,
    bar,
    legend,
    verified,
    h('div', { class: 'chart-section' }, h('h4', { text: 'Fans per minute' }), chartBox, chartEmpty),
    failures,
    releases,
    perAction,
  );

  let retryShown = 0;
  retryButton.addEventListener('click', async () => {
    retryButton.disabled = true;
    setText(retryResult, 'Retrying…');
    const res = await postJSON(`/dashboard/api/v1/campaigns/${encodeURIComponent(id)}/retry`, {});
    retryButton.disabled = false;
    if (res.ok) {
      const n = res.data?.retried ?? 0;
      setText(retryResult, n === 1 ? '1 fan runs again' : `${num(n)} fans run again`);
      clearTimeout(retryShown);
      retryShown = setTimeout(() => setText(retryResult, ''), 15_000);
      onRetried();
    } else setText(retryResult, res.offline ? 'Offline; try again in a moment.' : res.detail);
  });

  function updateChart(c, now) {
    const rows = c.per_minute ?? [];
    if (!rows.length) {
      setText(chartEmpty, c.started_at ? 'No fans ran in the last hour.' : 'No fans have run yet.');
      chartBox.hidden = true;
      chartEmpty.hidden = false;
      return;
    }
    chartBox.hidden = false;
    chartEmpty.hidden = true;
    const from = new Date(rows[0].minute).getTime();
    const last = new Date(rows[rows.length - 1].minute).getTime();
    // A running campaign's chart runs up to this minute, so a stall shows as empty minutes.
    const to = c.status === 'running' ? Math.max(last, Math.min(now, from + 59 * 60_000)) : last;
    const data = perMinute(rows, from, to, (r) => [r.done, (r.failed ?? 0) + (r.partly_done ?? 0)]);
    const signature = JSON.stringify(data);
    if (signature === chartSignature) return;
    chartSignature = signature;
    chart ??= createChart(chartBox, {
      label: 'Fans done and failed per minute',
      series: [
        { label: 'Done', color: '--done' },
        { label: 'Failed', color: '--failed' },
      ],
    });
    chart.setData(data);
  }

  function update(c, now) {
    // A retry's note belongs to the run it started: once that run is over, what it did shows in the counts.
    if (el.dataset.status === 'running' && c.status !== 'running') {
      clearTimeout(retryShown);
      setText(retryResult, '');
    }
    el.dataset.status = c.status;
    setText(title, c.name);
    setText(status, c.status);
    status.className = `badge badge-${c.status}`;
    setText(meta, [c.id, ...c.actions.map(actionText), c.verify ? 'verified' : null].filter(Boolean).join(' · '));
    setText(schedule, scheduleText(c, now));
    const estimation = estimateText(c, now);
    setText(estimate, estimation);
    estimate.hidden = !estimation;

    const counts = c.counts;
    const fans = counts.fans;
    const finished = counts.done + counts.failed + counts.partly_done;
    setAttr(bar, 'aria-valuemax', fans);
    setAttr(bar, 'aria-valuenow', finished);
    setAttr(bar, 'aria-label', `${c.name}: ${num(finished)} of ${num(fans)} fans finished`);
    setAttr(bar, 'data-fans', fans);
    for (const s of SEGMENTS) {
      const n = s.of(counts);
      setAttr(bar, `data-${s.key}`, n);
      const width = fans > 0 ? `${(n / fans) * 100}%` : '0%';
      const seg = segments.get(s.key);
      if (seg.style.width !== width) seg.style.width = width;
      const item = legendItems.get(s.key);
      setText(item, `${s.label} ${num(n)}`);
      item.hidden = Boolean(s.optional) && n === 0;
    }
    setText(share, `${percent(finished, fans)} of ${num(fans)} ${fans === 1 ? 'fan' : 'fans'}`);

    verified.hidden = !c.verified;
    if (c.verified)
      setText(verified, `Verification: ${num(c.verified.verified)} verified · ${num(c.verified.unverified)} unverified · ${num(c.verified.waiting)} waiting`);

    updateChart(c, now);

    failuresTable.set((c.failures ?? []).map((f) => [f.reason, num(f.fans)]));
    failuresTable.el.hidden = !c.failures?.length;
    const retryable = counts.failed + counts.partly_done + counts.deferred;
    // kept while a retry's answer shows, though the retried fans left the failures
    failures.hidden = !(c.failures?.length || retryable || retryResult.textContent);
    retryButton.hidden = c.status === 'cancelled' || retryable === 0;

    const lines = (c.releases ?? []).map((r) => [r.state, releaseText(r, now)]);
    const signature = JSON.stringify(lines);
    if (signature !== releasesSignature) {
      releasesSignature = signature;
      releaseList.replaceChildren(...lines.map(([state, text]) => h('li', { dataset: { state }, text })));
    }
    releases.hidden = !c.releases?.length;

    actionsTable.set((c.by_action ?? []).map((a) => [actionText(a), num(a.done), num(a.failed), num(a.deferred), num(a.pending)]));
  }

  return {
    el,
    update,
    destroy() {
      chart?.destroy();
      failuresTable.destroy();
      actionsTable.destroy();
    },
  };
}
