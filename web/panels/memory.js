// @ts-check
// The sessions in memory, as the server holds them until the next refresh, filtered as the disk list is.

import { $ } from '../dom.js';
import { t, plural } from '../i18n.js';
import { VirtualList } from '../table.js';
import { queryOf } from '../facets.js';
import * as V from '../views.js';

/**
 * @import { Session, Row } from '../types.js'
 * @import { Store, Index, View } from '../state.js'
 * @import { Actions } from '../actions.js'
 */

const ROW_HEIGHT = 24;

/**
 * The sessions in memory that the view shows.
 * @param {Index} idx
 * @param {View} view
 * @returns {Session[]}
 */
export function memoryItems(idx, view) {
  const q = queryOf(view);
  if (!view.app && !view.status && !view.differs && !q) return idx.memoryList; // all of them, as kept in order
  return idx.memoryList.filter((m) => shows(idx, view, q, m));
}

/**
 * Whether the view shows a session in memory.
 * @param {Index} idx
 * @param {View} view
 * @param {string} q the search, lower-cased
 * @param {Session} m
 */
function shows(idx, view, q, m) {
  return (!view.app || m.app === view.app)
    && (!view.status || m.status === view.status)
    && (!view.differs || idx.pending.has(m.path))
    && (!q || (idx.memHay.get(m.path) ?? '').includes(q));
}

/**
 * The sessions in memory that the view shows after the rows of a Delta, made from those it showed before them
 * (memoryItems of the same view, in path order): each row's session taken out and put back if shown.
 * @param {Session[]} items
 * @param {Index} idx
 * @param {View} view
 * @param {Row[]} rows
 * @returns {Session[]}
 */
export function patchMemoryItems(items, idx, view, rows) {
  const q = queryOf(view);
  if (items === idx.memoryList || rows.length > 256) return memoryItems(idx, view);
  for (const row of rows) {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (/** @type {Session} */ (items[mid]).path < row.path) lo = mid + 1; else hi = mid;
    }
    if (items[lo]?.path === row.path) items.splice(lo, 1);
    const m = idx.memory.get(row.path);
    if (m && shows(idx, view, q, m)) items.splice(lo, 0, m);
  }
  return items;
}

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {(text: string) => void} deps.toast
 */
export function mountMemory({ store, actions, toast }) {
  const el = { count: $('#memory-count'), list: $('#memory-list') };
  /** @type {VirtualList<Session>} */
  const list = new VirtualList(el.list, {
    rowHeight: ROW_HEIGHT,
    render: (m) => V.memoryRow(m, { idx: store.idx, selected: store.selected }),
  });
  el.list.addEventListener('click', (e) => {
    const row = e.target instanceof Element ? e.target.closest('.row') : null;
    const path = row instanceof HTMLElement ? row.dataset.path : undefined;
    if (!path) return;
    if (store.onDisk(path)) actions.openFile(path);
    else { store.select(path, false); toast(t('toast.gone', { path })); }
  });

  /**
   * @param {Row[]} [rows] the rows a Delta changed: the list shown is patched with them rather than made again
   */
  function render(rows) {
    const shown = rows ? patchMemoryItems(list.items, store.idx, store.view, rows) : memoryItems(store.idx, store.view);
    list.setItems(shown);
    count();
  }

  function count() {
    const shown = list.items.length;
    const total = store.idx.memoryList.length;
    el.count.textContent = shown === total ? plural('n.sessions', total) : t('n.shown', { shown, total });
  }

  store.on(['state', 'view', 'lang', 'selection', 'reset', 'words'], (changed, detail) => {
    if (changed.has('view') || changed.has('reset')) render();
    else if (changed.has('state')) render(detail.rows);
    else {
      if (changed.has('lang')) count();
      list.draw(); // the same sessions: a language, a selection
    }
  });
  render();
}
