// A thin wrapper over uPlot for the dashboard's per-minute charts: time on x, a few count series
// drawn as bars side by side. Colours come from CSS custom properties, so a chart follows the
// light or dark theme; when the theme changes every chart is rebuilt with the new colours (uPlot
// fixes its legend's colours when it is made). Width follows the container (ResizeObserver).
// locale.js first: it mends navigator.language, which uPlot reads when it loads
import { LOCALE } from './locale.js';
import uPlot from './uPlot.esm.js';

const HEIGHT = 170;
// x ticks only on whole minutes (the data is per minute), in seconds
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60);
const charts = new Set();
const clock = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit' });
const count = new Intl.NumberFormat(LOCALE);

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  for (const chart of charts) chart.rebuild();
});

/**
 * createChart(box, { label, series: [{ label, color: '--css-var' }] }) → { setData, destroy }.
 * setData([xsInSeconds, ys1, ys2, …]) updates in place. When not hovered, the legend shows each
 * series' total over the shown minutes; hovered, the minute's values.
 */
export function createChart(box, { label, series }) {
  box.classList.add('chart');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', label);
  let data = [[], ...series.map(() => [])];
  let plot = null;

  function options(width) {
    const text = cssVar('--muted');
    const grid = cssVar('--grid');
    const axis = { stroke: text, font: '11px system-ui, sans-serif', grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
    const bars = uPlot.paths.bars;
    const n = series.length;
    return {
      width,
      height: HEIGHT,
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      legend: { live: true },
      scales: {
        // half a minute either side of the first and last minute, read from the data: for a single
        // minute uPlot hands the range a max 1,000 days on (it pads one point by 86400 / ms)
        x: { time: true, range: (u) => [(u.data[0][0] ?? 0) - 30, (u.data[0].at(-1) ?? 0) + 30] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 0) * 1.1] },
      },
      axes: [
        { ...axis, space: 72, incrs: MINUTE_STEPS, values: (_u, splits) => splits.map((s) => clock.format(new Date(s * 1000))) },
        { ...axis, size: 44, values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? count.format(s) : '')) },
      ],
      series: [
        { label: 'Minute', value: (_u, v) => (v == null ? 'all (point at one)' : clock.format(new Date(v * 1000))) },
        ...series.map((s, i) => {
          const color = cssVar(s.color);
          return {
            label: s.label,
            stroke: color,
            fill: color,
            width: 0,
            // n bars side by side in each minute's slot
            paths: bars({ size: [0.8 / n, 24], align: n === 1 ? 0 : i < n / 2 ? -1 : 1 }),
            points: { show: false },
            value: (_u, v) => (v == null ? count.format(data[i + 1].reduce((a, b) => a + (b ?? 0), 0)) : count.format(v)),
          };
        }),
      ],
    };
  }

  function build() {
    plot?.destroy();
    plot = new uPlot(options(Math.max(200, Math.floor(box.clientWidth))), data, box);
  }

  const resize = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(box.clientWidth));
    if (plot && width !== plot.width) plot.setSize({ width, height: HEIGHT });
  });
  resize.observe(box);

  const chart = {
    rebuild: build,
    setData(next) {
      data = next;
      if (plot) plot.setData(data);
      else build();
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = null;
      charts.delete(chart);
    },
  };
  charts.add(chart);
  return chart;
}

/**
 * Per-minute rows → uPlot columns, one slot per minute from `from` to `to` (ms, UTC minute starts),
 * minutes missing from the rows as 0. `pick` turns a row into the series' values.
 */
export function perMinute(rows, from, to, pick) {
  const byMinute = new Map(rows.map((r) => [Math.floor(new Date(r.minute).getTime() / 60_000), r]));
  const xs = [];
  const columns = pick({}).map(() => []);
  for (let m = Math.floor(from / 60_000); m <= Math.floor(to / 60_000); m++) {
    xs.push(m * 60);
    const values = pick(byMinute.get(m) ?? {});
    values.forEach((v, i) => {
      columns[i].push(v ?? 0);
    });
  }
  return [xs, ...columns];
}
