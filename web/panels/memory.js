// @ts-check
// The sessions in memory, as the server holds them until the next refresh, filtered as the disk list is.

import { $ } from '../dom.js';
import { t, plural } from '../i18n.js';
import { VirtualList } from '../table.js';
import * as V from '../views.js';

/**
 * @import { Session } from '../types.js'
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
  const q = view.q.trim().toLowerCase();
  return idx.memoryList.filter((m) => (!view.app || m.app === view.app)
    && (!view.status || m.status === view.status)
    && (!view.differs || idx.pending.has(m.path))
    && (!q || (idx.memHay.get(m.path) ?? '').includes(q)));
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

  function render() {
    const shown = memoryItems(store.idx, store.view);
    list.setItems(shown);
    const total = store.idx.memoryList.length;
    el.count.textContent = shown.length === total ? plural('n.sessions', total) : t('n.shown', { shown: shown.length, total });
  }

  store.on(['state', 'view', 'lang', 'selection'], (changed) => {
    if (changed.has('state') || changed.has('view') || changed.has('lang')) render();
    else list.draw();
  });
  render();
}
