// @ts-check
// A windowed list: only the rows in view (plus a margin) are in the DOM, so 10k sessions stay fast.
// Rows have one fixed height; the viewport scrolls a spacer as tall as every row together.

/** @template T the list's items */
export class VirtualList {
  /** @type {HTMLElement} */ #viewport;
  /** @type {HTMLElement} */ #spacer;
  /** @type {HTMLElement} */ #rows;
  /** @type {(item: T, index: number) => HTMLElement} */ #render;
  /** @type {number} */ #rowHeight;
  /** @type {number} */ #overscan;
  /** @type {T[]} */
  #items = [];
  #frame = 0;
  #height = 0;     // the viewport's height, from the ResizeObserver (reading it would force a layout)
  #range = '';     // the rows drawn, as "first:last"; redrawn only when it changes

  /**
   * @param {HTMLElement} viewport a scrollable element (overflow: auto)
   * @param {{rowHeight: number, render: (item: T, index: number) => HTMLElement, overscan?: number}} opts
   */
  constructor(viewport, { rowHeight, render, overscan = 8 }) {
    this.#viewport = viewport;
    this.#rowHeight = rowHeight;
    this.#render = render;
    this.#overscan = overscan;
    this.#spacer = document.createElement('div');
    this.#spacer.className = 'vl-spacer';
    this.#rows = document.createElement('div');
    this.#rows.className = 'vl-rows';
    this.#rows.setAttribute('role', 'rowgroup');
    this.#spacer.append(this.#rows);
    viewport.append(this.#spacer);
    viewport.addEventListener('scroll', () => this.#schedule(), { passive: true });
    new ResizeObserver(([entry]) => { this.#height = entry?.contentRect.height ?? 0; this.#schedule(); }).observe(viewport);
  }

  get items() { return this.#items; }

  /** @param {T[]} items */
  setItems(items) {
    this.#items = items;
    this.#spacer.style.height = `${items.length * this.#rowHeight}px`;
    this.#viewport.setAttribute('aria-rowcount', String(items.length));
    this.draw(true);
  }

  /**
   * Scroll just enough to show row i.
   * @param {number} i
   */
  scrollToIndex(i) {
    const top = i * this.#rowHeight;
    const vp = this.#viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + this.#rowHeight > vp.scrollTop + vp.clientHeight) {
      vp.scrollTop = top + this.#rowHeight - vp.clientHeight;
    }
    this.draw(true);
  }

  #schedule() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => { this.#frame = 0; this.draw(false); });
  }

  /**
   * Draw the rows in view. Without force, nothing happens until the view leaves the rows already drawn.
   * @param {boolean} [force]
   */
  draw(force = true) {
    const vp = this.#viewport;
    const rh = this.#rowHeight;
    const height = this.#height || 800; // before the first layout, draw a screen's worth
    const block = this.#overscan;
    const top = Math.floor(vp.scrollTop / rh);
    const first = Math.max(0, Math.floor((top - block) / block) * block);
    const last = Math.min(this.#items.length, (Math.ceil((top + height / rh + block) / block) + 1) * block);
    const range = `${first}:${last}`;
    if (!force && range === this.#range) return;
    this.#range = range;
    const frag = document.createDocumentFragment();
    this.#items.slice(first, last).forEach((item, k) => {
      const el = this.#render(item, first + k);
      el.setAttribute('aria-rowindex', String(first + k + 1));
      frag.append(el);
    });
    this.#rows.style.transform = `translateY(${first * rh}px)`;
    this.#rows.replaceChildren(frag);
  }
}
