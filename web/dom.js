// @ts-check
// Tiny DOM helpers shared by the page's modules.

/**
 * What h() takes as a child: text, a node, a list of them, or nothing (null, undefined, false).
 * @typedef {Node | string | number | null | undefined | false | Child[]} Child
 */

/**
 * A listener h() adds for an on<event> attribute: the page listens so to clicks and keys.
 * @typedef {(ev: MouseEvent & KeyboardEvent) => void} Listener
 */

/**
 * An element's attributes: class, html (its markup), on<event> (a listener), or any attribute (true: present,
 * null, undefined or false: absent).
 * @typedef {{[name: string]: string | number | boolean | null | undefined | Listener}} Attrs
 */

/**
 * h('div', {class: 'x', onclick: fn, 'data-testid': 'y'}, child, …) builds an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else if (k === 'class') el.className = String(v);
    else if (k === 'html') el.innerHTML = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/**
 * The element sel finds, which must be there and be a type (HTMLElement when not given): markup that lost an
 * element fails here, naming it, rather than later on a null.
 * @template {Element} [T=HTMLElement]
 * @param {string} sel
 * @param {new () => T} [type]
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function $(sel, type, root = document) {
  const el = root.querySelector(sel);
  if (!(el instanceof (type ?? HTMLElement))) throw new Error(`the page has no ${type?.name ?? 'element'} ${sel}`);
  return /** @type {T} */ (el);
}

/**
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)].filter((e) => e instanceof HTMLElement);

/**
 * Go encodes a nil slice as null: every list from the engine goes through arr().
 * @template T
 * @param {T[] | null | undefined} x
 * @returns {T[]}
 */
export const arr = (x) => (Array.isArray(x) ? x : []);

/**
 * The app folder of an engine path ("app/file" → "app"; a root entry → "").
 * @param {string} path
 */
export const appOf = (path) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');
/** @param {string} path */
export const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Hands bytes to the browser as a download named name.
 * @param {string} name
 * @param {ArrayBuffer} bytes
 * @param {string} type
 */
export function downloadBytes(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** @type {Record<string, string>} */
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
  format: '<path d="M2.5 3.5h11M5.5 6.5h8M5.5 9.5h8M2.5 12.5h11"/>',
  more: '<circle cx="3.5" cy="8" r=".6"/><circle cx="8" cy="8" r=".6"/><circle cx="12.5" cy="8" r=".6"/>',
};

/**
 * An inline SVG icon (decorative: hidden from assistive tech).
 * @param {string} name
 */
export function icon(name) {
  const span = document.createElement('span');
  span.className = 'icon';
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = `<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] ?? ''}</svg>`;
  return span;
}

/**
 * Replace <span data-icon="name"> placeholders in static markup.
 * @param {ParentNode} [root]
 */
export function hydrateIcons(root = document) {
  for (const el of $$('[data-icon]', root)) el.replaceWith(icon(el.dataset.icon ?? ''));
}
