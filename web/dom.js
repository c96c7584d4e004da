// Tiny DOM helpers shared by the page's modules.

/** h('div', {class: 'x', onclick: fn, 'data-testid': 'y'}, child, …) builds an element. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'html') el.innerHTML = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** Go encodes a nil slice as null: every list from the engine goes through arr(). */
export const arr = (x) => (Array.isArray(x) ? x : []);

/** The app folder of an engine path ("app/file" → "app"; a root entry → ""). */
export const appOf = (path) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');
export const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);

const ICONS = {
  upload: '<path d="M8 11V2.5M4.5 6 8 2.5 11.5 6M2.5 10.5v3h11v-3"/>',
  download: '<path d="M8 2.5V11M4.5 7.5 8 11l3.5-3.5M2.5 10.5v3h11v-3"/>',
  refresh: '<path d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v3h-3"/>',
  restart: '<path d="M3 8a5 5 0 1 0 1.5-3.6M3 2.5v3h3"/><path d="M8 5.5V8l1.8 1.2"/>',
  plus: '<path d="M8 3v10M3 8h10"/>',
  trash: '<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 9h5.8l.6-9"/>',
  check: '<path d="m3.5 8.5 3 3 6-7"/>',
  clock: '<circle cx="8" cy="8" r="5.5"/><path d="M8 5v3.2l2 1.3"/>',
  save: '<path d="M3 2.5h8l2 2v9H3zM5.5 2.5v3h4v-3M5 13.5v-4h6v4"/>',
  sun: '<circle cx="8" cy="8" r="2.8"/><path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1"/>',
  moon: '<path d="M13 9.8A5.5 5.5 0 0 1 6.2 3a5.5 5.5 0 1 0 6.8 6.8z"/>',
  chevron: '<path d="m6 4 4 4-4 4"/>',
  alert: '<path d="M8 2 14.5 13.5h-13zM8 6.5v3.2M8 11.4v.1"/>',
  close: '<path d="m4 4 8 8M12 4l-8 8"/>',
  search: '<circle cx="7" cy="7" r="4.2"/><path d="m10.2 10.2 3.3 3.3"/>',
  sample: '<path d="M4 2.5h5.5l2.5 2.5v8.5H4zM9.5 2.5V5H12M6 8h4M6 10.5h4"/>',
};

/** An inline SVG icon (decorative: hidden from assistive tech). */
export function icon(name) {
  const span = document.createElement('span');
  span.className = 'icon';
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = `<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] ?? ''}</svg>`;
  return span;
}

/** Replace <span data-icon="name"> placeholders in static markup. */
export function hydrateIcons(root = document) {
  for (const el of $$('[data-icon]', root)) el.replaceWith(icon(el.dataset.icon));
}
