// Writes bench/RESULTS.md (the tables, the machine, the date) and bench/follow-time-vs-n.svg.

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

function table(rows) {
  if (!rows.length) return '_no rows_\n';
  const keys = Object.keys(rows[0]);
  const cell = (v) => String(v).replaceAll('|', '\\|');
  return `${[`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(' | ')} |`)].join('\n')}\n`;
}

export function machine() {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
}

/** A line chart of time against N (categorical x: the sizes measured), one line a series. */
export function chart(series, sizes) {
  const W = 800,
    H = 420,
    L = 70,
    R = 260,
    T = 40,
    B = 60;
  const max = Math.max(...series.flatMap((s) => s.points)) * 1.1 || 1;
  const x = (i) => L + (i * (W - L - R)) / (sizes.length - 1);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  // One colour a client; the upstream tells solid lines from dashed.
  const colors = ['#1db954', '#e4572e', '#4062bb'];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  out.push(`<text x="${L}" y="22" font-size="14" font-weight="bold">Follow N artists: wall time (ms) against N</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  for (const [i, n] of sizes.entries()) out.push(`<text x="${x(i)}" y="${H - B + 20}" text-anchor="middle">N = ${n}</text>`);
  series.forEach((s, k) => {
    const color = colors[k % colors.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5"${dash} points="${s.points.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`);
    for (const [i, v] of s.points.entries()) out.push(`<circle cx="${x(i)}" cy="${y(v)}" r="3.5" fill="${color}"/>`);
    out.push(
      `<line x1="${W - R + 15}" x2="${W - R + 31}" y1="${T + k * 22 + 2}" y2="${T + k * 22 + 2}" stroke="${color}" stroke-width="3"${dash}/><text x="${W - R + 35}" y="${T + k * 22 + 6}">${s.name}</text>`,
    );
  });
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 15}" text-anchor="middle" fill="#555">sizes are categories, not to scale</text>`, '</svg>');
  return out.join('\n');
}

/**
 * `BENCH_ONLY` (one section run alone): that section's part of bench/RESULTS.md is replaced (or
 * added before the chart), with when it was measured; the rest of the file and the chart stay.
 */
function mergeResults(sections, only) {
  const old = readFileSync('bench/RESULTS.md', 'utf8');
  const chartLine = old.lastIndexOf('\n![');
  const [head, tail] = chartLine === -1 ? [old, ''] : [old.slice(0, chartLine + 1), old.slice(chartLine + 1)];
  const parts = head.split(/(?=^## )/m);
  const stamp = `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, by \`BENCH_ONLY=${only} npm run bench\`._`;
  for (const { title, notes, rows } of sections) {
    const text = [`## ${title}`, '', stamp, '', ...(notes ? [notes, ''] : []), table(rows), ''].join('\n');
    const number = `## ${title.split(' ')[0]} `;
    const at = parts.findIndex((p) => p.startsWith(number));
    if (at === -1) parts.push(text);
    else parts[at] = text;
  }
  writeFileSync('bench/RESULTS.md', parts.join('') + tail);
}

export function writeResults(sections, svg, { only } = {}) {
  // A smoke run (CI) checks the bench still works without replacing the recorded results.
  if (process.env.BENCH_NO_WRITE) return;
  if (only) return mergeResults(sections, only);
  const parts = [
    '# crossfollow benchmarks — latest results',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}, by \`npm run bench\`.`,
    'Everything runs on loopback: `wrangler dev` (workerd, local KV and Durable Objects) against the',
    "project's Prism mocks, or against a fake Spotify in the bench process that answers at once or after",
    'a fixed delay. Figures move with what else the machine is doing; the ratios, measured side by side',
    'in one run, are what to read. Every crossfollow worker runs with the rate Governor on and no pacing',
    '(`SPOTIFY_RATE=0`), as sections 1–4 are about the worker, not the pace; 5a sets one beside a worker',
    'with the Governor off, and 5b is the pace; 6 runs campaigns against a rate-limited fake, paced and not.',
    '',
  ];
  for (const { title, notes, rows } of sections) parts.push(`## ${title}`, '', ...(notes ? [notes, ''] : []), table(rows));
  parts.push('![Follow N artists: wall time against N](follow-time-vs-n.svg)', '');
  writeFileSync('bench/RESULTS.md', parts.join('\n'));
  writeFileSync('bench/follow-time-vs-n.svg', svg);
}
