// A windowed list: only the rows in view (plus a margin) are in the DOM, so 10k sessions stay fast.
// Rows have one fixed height; the viewport scrolls a spacer as tall as every row together.

export class VirtualList {
  #viewport; #spacer; #rows; #render; #rowHeight; #overscan;
  #items = [];
  #frame = 0;

  /**
   * @param {HTMLElement} viewport a scrollable element (overflow: auto)
   * @param {{rowHeight: number, render: (item, index) => HTMLElement, overscan?: number}} opts
   */
  constructor(viewport, { rowHeight, render, overscan = 12 }) {
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
    new ResizeObserver(() => this.#schedule()).observe(viewport);
  }

  get items() { return this.#items; }

  setItems(items) {
    this.#items = items;
    this.#spacer.style.height = `${items.length * this.#rowHeight}px`;
    this.#viewport.setAttribute('aria-rowcount', String(items.length));
    this.draw();
  }

  /** Scroll just enough to show row i. */
  scrollToIndex(i) {
    const top = i * this.#rowHeight;
    const vp = this.#viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + this.#rowHeight > vp.scrollTop + vp.clientHeight) {
      vp.scrollTop = top + this.#rowHeight - vp.clientHeight;
    }
    this.draw();
  }

  #schedule() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => { this.#frame = 0; this.draw(); });
  }

  draw() {
    const vp = this.#viewport;
    const rh = this.#rowHeight;
    const height = vp.clientHeight || 600; // before layout, draw one screen's worth
    const first = Math.max(0, Math.floor(vp.scrollTop / rh) - this.#overscan);
    const last = Math.min(this.#items.length, Math.ceil((vp.scrollTop + height) / rh) + this.#overscan);
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const el = this.#render(this.#items[i], i);
      el.setAttribute('aria-rowindex', String(i + 1));
      frag.append(el);
    }
    this.#rows.style.transform = `translateY(${first * rh}px)`;
    this.#rows.replaceChildren(frag);
  }
}
