// Dates and numbers in the reader's locale (Intl), built once: formatters are costly to make and the
// views format on every tick.
import { LOCALE } from './locale.js';

const numberFormat = new Intl.NumberFormat(LOCALE);
const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });
const timeFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit' });
const secondsFormat = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(LOCALE, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { year: 'numeric', month: 'short', day: 'numeric' });
const relativeFormat = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto', style: 'short' });
const minutesFormat = new Intl.NumberFormat(LOCALE, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 0 });
const hoursFormat = new Intl.NumberFormat(LOCALE, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 });
const secondsUnitFormat = new Intl.NumberFormat(LOCALE, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 0 });

const PROVIDERS = { spotify: 'Spotify', x: 'X', audius: 'Audius' };

/** A provider's display name ("x" → "X"). */
export const providerName = (p) => PROVIDERS[p] ?? p;

export const num = (n) => numberFormat.format(n ?? 0);

/** A share of a whole; 0 when the whole is empty (a campaign with no fans yet). */
export const percent = (part, whole) => percentFormat.format(whole > 0 ? part / whole : 0);

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A clock time, with the day when it is not today (a campaign scheduled next week). */
export function time(iso, { seconds = false } = {}) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  if (!sameDay(d, new Date())) return dayTimeFormat.format(d);
  return (seconds ? secondsFormat : timeFormat).format(d);
}

/** A calendar date given as YYYY-MM-DD (a local-midnight campaign's date): read as that day, not as UTC midnight. */
export function day(yyyyMmDd) {
  const [y, m, d] = String(yyyyMmDd).split('-').map(Number);
  if (!y || !m || !d) return String(yyyyMmDd);
  return dateFormat.format(new Date(y, m - 1, d));
}

/** "in 3 min", "2 hr ago", "now": the unit grows with the distance. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return relativeFormat.format(0, 'second');
  if (abs < 60) return relativeFormat.format(seconds, 'second');
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86_400), 'day');
}

/** A clock time and how far it is: "12:04 (in 3 min)". */
export function timeAndRelative(iso, now = Date.now()) {
  if (!iso) return '—';
  return `${time(iso)} (${relative(iso, now)})`;
}

/** A length of time, rounded to what a reader needs: "40 s", "3 min", "1.5 hr". */
export function duration(ms) {
  const s = Math.max(0, ms / 1000);
  if (s < 60) return secondsUnitFormat.format(Math.ceil(s));
  if (s < 5400) return minutesFormat.format(Math.round(s / 60));
  return hoursFormat.format(s / 3600);
}
