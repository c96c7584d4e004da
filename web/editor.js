// @ts-check
// A small code editor: a plain <textarea> over a syntax-coloured <pre>, a line-number gutter kept in sync on
// scroll, error markers at given lines and columns. Lines and columns are 1-based; columns count characters
// (code points), as in the engine's errors.

import { h } from './dom.js';

/**
 * A place the editor marks as wrong (a gutter mark, a band, a squiggle), with what is wrong there.
 * @typedef {{line: number, column?: number, message: string}} Marker
 */

/**
 * Where the caret is, and the marker of its line.
 * @typedef {{line: number, column: number, marker?: Marker}} Cursor
 */

const HIGHLIGHT_LIMIT = 400_000; // characters; beyond this the text is shown plain
const TOKEN = /("(?:[^"\\\n]|\\.)*"?)(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([{}[\],])/g;
/** @param {string} s */
const esc = (s) => s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/**
 * JSON colouring that tolerates broken JSON (mobi 2 files are shown too).
 * @param {string} text
 */
export function highlightJSON(text) {
  let html = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    html += esc(text.slice(last, m.index));
    const [, str, colon, num, lit, punct] = m;
    if (str !== undefined) html += colon !== undefined ? `<span class="j-key">${esc(str)}</span>${colon}` : `<span class="j-str">${esc(str)}</span>`;
    else if (num !== undefined) html += `<span class="j-num">${num}</span>`;
    else if (lit !== undefined) html += `<span class="j-lit">${lit}</span>`;
    else html += `<span class="j-punct">${punct}</span>`;
    last = (m.index ?? 0) + m[0].length;
  }
  return html + esc(text.slice(last)) + '\n';
}

export class Editor {
  /** @type {HTMLTextAreaElement} */ #ta;
  /** @type {HTMLElement} */ #hl;
  /** @type {HTMLElement} */ #layer;
  /** @type {HTMLElement} */ #nums;
  /** @type {HTMLElement} */ #gmarks;
  /** @type {HTMLElement} */ #gutterInner;
  /** @type {Marker[]} */ #marks = [];
  #goto = 0; #lines = 0; #charW = 0;
  /** @type {(pos: Cursor) => void} */ #onCursor;
  /** @type {() => void} */ #onInput;
  /** @type {(marker: Marker) => void} */ #onMarker;

  /**
   * @param {HTMLElement} root
   * @param {{label: string, onInput?: () => void, onCursor?: (pos: Cursor) => void, onMarker?: (marker: Marker) => void}} opts
   */
  constructor(root, { label, onInput, onCursor, onMarker }) {
    this.#onInput = onInput ?? (() => {});
    this.#onCursor = onCursor ?? (() => {});
    this.#onMarker = onMarker ?? (() => {});
    this.#nums = h('div', { class: 'ed-nums' });
    this.#gmarks = h('div', { class: 'ed-gmarks' });
    this.#gutterInner = h('div', { class: 'ed-gutter-inner' }, this.#nums, this.#gmarks);
    this.#hl = h('pre', { class: 'ed-hl', 'aria-hidden': 'true' });
    this.#layer = h('div', { class: 'ed-layer', 'aria-hidden': 'true' }, this.#hl);
    this.#ta = h('textarea', {
      class: 'ed-text', 'data-testid': 'editor', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
      wrap: 'off', 'aria-label': label, readonly: true,
    });
    root.append(h('div', { class: 'ed' },
      h('div', { class: 'ed-gutter' }, this.#gutterInner), h('div', { class: 'ed-body' }, this.#layer, this.#ta)));

    this.#ta.addEventListener('scroll', () => this.#syncScroll());
    this.#ta.addEventListener('input', () => { this.#goto = 0; this.#paint(); this.#onInput(); this.#cursor(); });
    for (const ev of ['keyup', 'mouseup', 'focus']) this.#ta.addEventListener(ev, () => this.#cursor());
    this.#gmarks.addEventListener('click', (e) => {
      const mark = e.target instanceof Element ? e.target.closest('[data-mark]') : null;
      const m = mark instanceof HTMLElement ? this.#marks[Number(mark.dataset.mark)] : undefined;
      if (m) { this.goTo(m.line, m.column); this.#onMarker(m); }
    });
  }

  get textarea() { return this.#ta; }
  get value() { return this.#ta.value; }

  /** @param {string} label */
  setLabel(label) { this.#ta.setAttribute('aria-label', label); }
  /** @param {boolean} ro */
  setReadOnly(ro) { this.#ta.readOnly = ro; }

  /**
   * Show a new document (resets scroll, markers and undo history).
   * @param {string} text
   */
  setDoc(text) {
    this.#ta.value = text;
    this.#marks = [];
    this.#goto = 0;
    this.#ta.scrollTop = 0;
    this.#ta.scrollLeft = 0;
    this.#ta.setSelectionRange(0, 0);
    this.#paint();
    this.#syncScroll();
    this.#cursor();
  }

  /**
   * Replace the text and keep the caret where it was (after a save that rewrote the file).
   * @param {string} text
   */
  replaceText(text) {
    if (text === this.#ta.value) return;
    const { selectionStart: a, selectionEnd: b, scrollTop, scrollLeft } = this.#ta;
    this.#ta.value = text;
    this.#ta.setSelectionRange(Math.min(a, text.length), Math.min(b, text.length));
    this.#ta.scrollTop = scrollTop;
    this.#ta.scrollLeft = scrollLeft;
    this.#paint();
  }

  /**
   * Replace the whole text as the user's own edit: it can be undone (Ctrl+Z), and it is an input like a
   * keystroke (the file becomes modified, and is checked again). The caret goes to where it was, as near as the
   * new text allows.
   * @param {string} text
   */
  edit(text) {
    if (text === this.#ta.value) return;
    const at = this.#ta.selectionStart;
    this.#ta.focus({ preventScroll: true });
    this.#ta.select();
    // insertText is the one way to change a textarea that keeps its undo history; where it is refused, the
    // text is set, and the input told as the browser would
    if (!document.execCommand('insertText', false, text)) {
      this.#ta.value = text;
      this.#ta.dispatchEvent(new Event('input'));
    }
    const caret = Math.min(at, text.length);
    this.#ta.setSelectionRange(caret, caret);
    this.#cursor();
  }

  /** @param {Marker[]} markers */
  setMarkers(markers) {
    this.#marks = markers.filter((m) => m.line > 0);
    this.#paint();
    this.#cursor(); // the marker under the caret may have changed (fixed, or its message re-rendered in another language)
  }

  /**
   * Put the caret at line:column, scroll it to the middle and mark the line.
   * @param {number} line
   * @param {number} [column]
   */
  goTo(line, column = 1) {
    const text = this.#ta.value;
    const off = offsetOf(text, line, column);
    this.#goto = line;
    this.#ta.focus({ preventScroll: true });
    this.#ta.setSelectionRange(off, off);
    const lh = this.#lineHeight();
    this.#ta.scrollTop = Math.max(0, (line - 1) * lh - this.#ta.clientHeight / 2 + lh);
    const x = this.#pad().left + this.#visualColumn(lineText(text, line), column) * this.#charWidth();
    if (x > this.#ta.scrollLeft + this.#ta.clientWidth - 40 || x < this.#ta.scrollLeft) this.#ta.scrollLeft = Math.max(0, x - 80);
    this.#paintMarks();
    this.#syncScroll();
    this.#cursor();
  }

  #cursor() {
    const text = this.#ta.value;
    const at = this.#ta.selectionStart;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const col = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
    this.#onCursor({ line, column: col, marker: this.#marks.find((m) => m.line === line) });
  }

  #paint() {
    const text = this.#ta.value;
    const plain = text.length > HIGHLIGHT_LIMIT;
    this.#ta.classList.toggle('plain', plain);
    this.#hl.innerHTML = plain ? '' : highlightJSON(text);
    const lines = text.split('\n').length;
    if (lines !== this.#lines) {
      this.#lines = lines;
      let s = '';
      for (let i = 1; i <= lines; i++) s += i + '\n';
      this.#nums.textContent = s;
      this.#gutterInner.parentElement?.style.setProperty('--digits', String(String(lines).length));
    }
    this.#paintMarks();
  }

  #paintMarks() {
    const lh = this.#lineHeight();
    const pad = this.#pad();
    const cw = this.#charWidth();
    const text = this.#ta.value;
    const gm = [];
    const layer = [this.#hl];
    if (this.#goto) {
      layer.push(h('div', { class: 'ed-band goto', style: `top:${pad.top + (this.#goto - 1) * lh}px;height:${lh}px` }));
      gm.push(h('div', { class: 'ed-gmark goto', style: `top:${pad.top + (this.#goto - 1) * lh}px;height:${lh}px` }));
    }
    this.#marks.forEach((m, i) => {
      const top = pad.top + (m.line - 1) * lh;
      layer.push(h('div', { class: 'ed-band err', style: `top:${top}px;height:${lh}px` }));
      const lt = lineText(text, m.line);
      const col = this.#visualColumn(lt, m.column || 1);
      const len = tokenLength(lt, m.column || 1);
      layer.push(h('div', { class: 'ed-squiggle', style: `top:${top + lh - 3}px;left:${pad.left + col * cw}px;width:${Math.max(1, len) * cw}px` }));
      gm.push(h('div', {
        class: 'ed-gmark err', style: `top:${top}px;height:${lh}px`, 'data-mark': i, title: m.message,
        role: 'button', 'aria-label': `${m.line}:${m.column || 1} ${m.message}`,
      }));
    });
    this.#layer.replaceChildren(...layer);
    this.#gmarks.replaceChildren(...gm);
  }

  #syncScroll() {
    const { scrollTop: st, scrollLeft: sl } = this.#ta;
    this.#layer.style.transform = `translate(${-sl}px, ${-st}px)`;
    this.#gutterInner.style.transform = `translateY(${-st}px)`;
  }

  #lineHeight() { return parseFloat(getComputedStyle(this.#ta).lineHeight) || 18; }

  #pad() {
    const cs = getComputedStyle(this.#ta);
    return { top: parseFloat(cs.paddingTop) || 0, left: parseFloat(cs.paddingLeft) || 0 };
  }

  #charWidth() {
    if (!this.#charW) {
      const probe = h('span', { class: 'ed-probe' }, '0'.repeat(100));
      this.#hl.parentElement?.append(probe);
      this.#charW = probe.getBoundingClientRect().width / 100 || 7.2;
      probe.remove();
    }
    return this.#charW;
  }

  /**
   * Columns on screen before a 1-based character column, with tabs expanded (tab-size: 4 in the CSS).
   * @param {string} line
   * @param {number} column
   */
  #visualColumn(line, column) {
    let v = 0;
    let i = 1;
    for (const ch of line) {
      if (i >= column) break;
      v = ch === '\t' ? v + 4 - (v % 4) : v + 1;
      i++;
    }
    return v;
  }
}

/**
 * @param {string} text
 * @param {number} line
 */
function lineText(text, line) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/**
 * UTF-16 offset of a 1-based line and character column.
 * @param {string} text
 * @param {number} line
 * @param {number} column
 */
export function offsetOf(text, line, column) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  let off = start;
  let c = 1;
  for (const ch of text.slice(start, end)) {
    if (c >= column) break;
    off += ch.length;
    c++;
  }
  return off;
}

/**
 * How many characters to underline at a column: a whole string or word when there is one.
 * @param {string} line
 * @param {number} column
 */
function tokenLength(line, column) {
  const rest = [...line].slice(column - 1).join('');
  const m = /^"(?:[^"\\]|\\.)*"?|^[\w.+-]+/.exec(rest);
  return m ? [...m[0]].length : 1;
}
