// Small DOM helpers. All text goes in through text nodes and textContent, never innerHTML: user
// names, campaign names and reasons come from the API. No style attributes either (the CSP forbids
// them); widths are set through the CSSOM (element.style.width) where needed.

/**
 * h('p', { class: 'x', text: 'hi', onclick }, child, …): an element. Props that are null or false
 * are left out; `dataset` is merged into data-* attributes.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

/** Sets text only when it changed: no needless layout, and no repeated screen-reader announcements. */
export function setText(el, text) {
  const value = text == null ? '' : String(text);
  if (el.textContent !== value) el.textContent = value;
}

/** Sets an attribute only when it changed. */
export function setAttr(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

/** Shows a section's or a control's problem line (an API problem's detail), or hides it when `message` is empty. */
export function showMessage(el, message) {
  setText(el, message || '');
  el.hidden = !message;
}

/**
 * A table in its own horizontal scroller (wide tables never widen the page). A cell is a string or
 * { text, class } (a badge); the first cell of a row is its row header. `set(rows)` rebuilds the
 * body only when the rows changed, so a tick with the same data touches nothing.
 */
export function table(caption, columns) {
  const tbody = h('tbody');
  const el = h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption },
    h(
      'table',
      {},
      h('caption', { class: 'sr-only', text: caption }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col', text: c })),
        ),
      ),
      tbody,
    ),
  );
  scrollers.observe(el);
  let last = '';
  function cell(value, index) {
    const tag = index === 0 ? 'th' : 'td';
    const props = index === 0 ? { scope: 'row' } : {};
    if (value && typeof value === 'object') return h(tag, props, h('span', { class: value.class, text: value.text }));
    return h(tag, { ...props, text: value ?? '—' });
  }
  return {
    el,
    /** Stops watching the table's width (a card that is removed). */
    destroy() {
      scrollers.unobserve(el);
    },
    set(rows) {
      const signature = JSON.stringify(rows);
      if (signature === last) return;
      last = signature;
      tbody.replaceChildren(...rows.map((row) => h('tr', {}, row.map(cell))));
      markScroller(el);
    },
  };
}

/** A table box that scrolls sideways can be focused, so a keyboard can scroll it; one that fits is no tab stop. */
function markScroller(wrap) {
  const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
  if (scrolls && wrap.tabIndex !== 0) wrap.tabIndex = 0;
  else if (!scrolls && wrap.hasAttribute('tabindex')) wrap.removeAttribute('tabindex');
}

const scrollers = new ResizeObserver((entries) => {
  for (const entry of entries) markScroller(entry.target);
});

/** A status word as a badge cell; its class picks the colour (see dashboard.css `.badge-*`). */
export const badge = (status) => ({ text: String(status).replaceAll('_', ' '), class: `badge badge-${status}` });

/** A row of big numbers: [{ key, label, value }]; returns `set(values)` to update them in place. */
export function stats(items, label) {
  const cells = new Map();
  const el = h(
    'dl',
    { class: 'stats', 'aria-label': label },
    items.map(({ key, label: itemLabel }) => {
      const value = h('dd', { text: '–' });
      cells.set(key, value);
      return h('div', { class: 'stat', dataset: { stat: key } }, h('dt', { text: itemLabel }), value);
    }),
  );
  return {
    el,
    set(values, formatNumber) {
      for (const [key, dd] of cells) setText(dd, formatNumber(values?.[key] ?? 0));
    },
  };
}
