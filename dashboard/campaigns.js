// The Campaigns section: the 20 newest campaigns as cards, kept by id across polls (a card is made
// once and updated; cards only move when the order really changed, so a focused button keeps focus).
import { getJSON } from './api.js';
import { createCampaignCard } from './campaign-card.js';
import { h, showMessage } from './dom.js';

const SOON_MS = 10 * 60_000;
/** While some campaigns run, only they are read every second; the list itself every 10 s. */
const LIST_EVERY_MS = 10_000;
/**
 * With none running, the newest campaign alone is looked at every 2 s, so one made with
 * `run: now` (20 demo fans finish in a few seconds) is seen running, not only completed.
 */
const PEEK_EVERY_MS = 2000;

export function campaignsView({ list, error }, { refreshSoon }) {
  const cards = new Map();
  let latest = [];
  let listedAt = 0;
  let moreNote = null;
  const busyOnes = (now) =>
    latest.filter((c) => c.status === 'running' || (c.status === 'scheduled' && c.starts_at != null && new Date(c.starts_at).getTime() - now < SOON_MS));
  const empty = h(
    'div',
    { class: 'empty' },
    h('p', { text: 'No campaigns yet.' }),
    h(
      'p',
      { class: 'muted' },
      'Make one with ',
      h('code', { text: 'POST /v1/campaigns' }),
      ' (see docs/campaigns.md, or the API reference at ',
      h('a', { href: '/docs', text: '/docs' }),
      ').',
    ),
  );

  function render(data, now) {
    latest = data.campaigns ?? [];
    const seen = new Set();
    latest.forEach((c, index) => {
      seen.add(c.id);
      let card = cards.get(c.id);
      if (!card) {
        card = createCampaignCard(c.id, refreshSoon);
        cards.set(c.id, card);
      }
      // placed before it is filled, so its chart is first drawn at the card's width
      if (list.children[index] !== card.el) list.insertBefore(card.el, list.children[index] ?? null);
      card.update(c, now);
    });
    for (const [id, card] of cards) {
      if (seen.has(id)) continue;
      card.destroy();
      card.el.remove();
      cards.delete(id);
    }
    if (!latest.length && empty.parentNode !== list) list.replaceChildren(empty);
    else if (latest.length) empty.remove();
    if (data.next_cursor && !moreNote) {
      moreNote = h('p', { class: 'muted', text: `Showing the ${latest.length} newest campaigns.` });
      list.after(moreNote);
    } else if (!data.next_cursor && moreNote) {
      moreNote.remove();
      moreNote = null;
    }
  }

  return {
    /**
     * Fetches and shows the campaigns; true when it got an answer to show. Between two reads of
     * the list, only the campaigns running (or about to) are read, one by one, so a viewer costs
     * the server a few reads a second, not twenty campaigns'.
     */
    async refresh() {
      const busy = busyOnes(Date.now());
      if (busy.length && Date.now() - listedAt < LIST_EVERY_MS) {
        const answers = await Promise.all(busy.map((c) => getJSON(`/dashboard/api/v1/campaigns/${encodeURIComponent(c.id)}`)));
        const failed = answers.find((a) => !a.ok);
        if (failed) {
          if (!failed.offline && failed.status !== 401) showMessage(error, `Campaigns could not be loaded: ${failed.detail}`);
          return false;
        }
        showMessage(error, '');
        const now = Date.now();
        for (const { data } of answers) {
          latest = latest.map((c) => (c.id === data.id ? data : c));
          cards.get(data.id)?.update(data, now);
        }
        return true;
      }
      if (!busy.length && Date.now() - listedAt < LIST_EVERY_MS) {
        const peek = await getJSON('/dashboard/api/v1/campaigns?limit=1');
        if (!peek.ok) return false;
        const [newest] = peek.data.campaigns ?? [];
        const known = latest[0];
        // Nothing new, and the newest unchanged: the list stands.
        if (!newest || (known && newest.id === known.id && newest.status === known.status && newest.counts?.done === known.counts?.done)) return true;
      }
      const res = await getJSON('/dashboard/api/v1/campaigns?limit=20');
      listedAt = Date.now();
      if (!res.ok) {
        if (!res.offline && res.status !== 401) showMessage(error, `Campaigns could not be loaded: ${res.detail}`);
        return false;
      }
      showMessage(error, '');
      render(res.data, Date.now());
      return true;
    },
    /** Every second while a campaign runs or starts within 10 minutes; a look at the newest every 2 s otherwise. */
    interval() {
      return busyOnes(Date.now()).length ? 1000 : PEEK_EVERY_MS;
    },
  };
}
