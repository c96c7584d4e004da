// @ts-check
// The disk list: every app folder with its files (sessions, errors, skipped entries), filtered and sorted by
// the view, in a windowed list; the app folders' counts are the engine's (State.apps). Its head sorts it, and
// says what the folder holds in all; before anything is open it is the place to drop a zip.

import { $, $$, arr, appOf } from '../dom.js';
import { t, plural } from '../i18n.js';
import { VirtualList } from '../table.js';
import { filterRows, queryOf } from '../facets.js';
import * as V from '../views.js';

/**
 * @import { State, Session, CheckError, Skipped, Row } from '../types.js'
 * @import { Store, Index, View } from '../state.js'
 * @import { Row as FacetRow } from '../facets.js'
 * @import { Actions } from '../actions.js'
 */

/**
 * One row of the disk list: an app folder (its counts, and its files when unfolded), or one of its files.
 * @typedef {{type: 'app', name: string, sessions: number, errors: number, skipped: number, differs: number, files: FileItem[]}} AppItem
 * @typedef {{type: 'session', s: Session, path: string} | {type: 'error', e: CheckError, path: string} | {type: 'skipped', k: Skipped, path: string}} FileItem
 * @typedef {AppItem | FileItem} Item
 */

const ROW_HEIGHT = 26;

/** @param {Item} item the store's key of a row: its path, or "app:" + its app folder */
const keyOf = (item) => (item.type === 'app' ? `app:${item.name}` : item.path);

/** @type {Record<string, number>} */
const PENDING_RANK = { updated: 0, notLoaded: 1, removed: 2 };

/** @type {Record<string, (s: Session, idx: Index) => string | undefined>} */
const SORT_KEYS = {
  status: (s) => s.status, email: (s) => s.email, device: (s) => s.device, os: (s) => `${s.os ?? ''} ${s.osVersion ?? ''}`,
  language: (s) => s.language, ip: (s) => s.ip,
  memory: (s, idx) => {
    const kind = idx.pending.get(s.path)?.kind;
    return String(kind ? PENDING_RANK[kind] : idx.memory.has(s.path) ? 3 : 4);
  },
};
const TYPE_ORDER = { session: 0, error: 1, skipped: 2 };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
/** @param {{path: string}} a @param {{path: string}} b */
const byPath = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * @param {View} view
 * @param {Index} idx
 * @returns {(a: FileItem, b: FileItem) => number}
 */
function compareFiles(view, idx) {
  const dir = view.dir === 'desc' ? -1 : 1;
  const key = SORT_KEYS[view.sort];
  return (a, b) => {
    if (!key) return dir * byPath(a, b);
    if (a.type !== 'session' || b.type !== 'session') return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || byPath(a, b);
    return dir * collator.compare(key(a.s, idx) ?? '', key(b.s, idx) ?? '') || byPath(a, b);
  };
}

/**
 * The disk tree, flattened for the windowed list: app headers followed by their (filtered, sorted) files. The
 * root's own entries (skipped: a file or a hidden folder beside the app folders) come last, under no app.
 * @param {State | null} st
 * @param {Index} idx
 * @param {View} view
 * @param {ReadonlySet<string>} collapsed
 * @returns {Item[]}
 */
export function diskItems(st, idx, view, collapsed) {
  if (!st) return [];
  /** @type {Map<string, AppItem>} */
  const groups = new Map();
  let skippedInApps = 0;
  for (const a of arr(st.apps)) {
    groups.set(a.name, { type: 'app', ...a, differs: idx.differs.get(a.name) ?? 0, files: [] });
    skippedInApps += a.skipped;
  }
  // what the engine counts in no app folder: the root's own entries
  /** @type {AppItem} */
  const root = { type: 'app', name: '', sessions: 0, errors: 0, skipped: (st.disk?.summary?.skipped ?? 0) - skippedInApps, differs: 0, files: [] };
  /** @param {string} path */
  const group = (path) => groups.get(appOf(path)) ?? root;
  for (const r of filterRows(idx.rows, view)) group(r.path).files.push(itemOf(r));
  const filtering = view.q.trim() || view.status || view.code || view.differs;
  const compare = compareFiles(view, idx);
  /** @type {Item[]} */
  const items = [];
  const ordered = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const g of [...ordered, root]) {
    if (view.app && g.name !== view.app) continue;
    if (!g.files.length && (filtering || g.name === '')) continue;
    items.push(g);
    if (collapsed.has(g.name)) continue;
    g.files.sort(compare);
    for (const f of g.files) items.push(f);
  }
  return items;
}

/**
 * The disk list's item of a file.
 * @param {FacetRow} r
 * @returns {FileItem}
 */
function itemOf(r) {
  if (r.type === 'session') return { type: 'session', s: r.s, path: r.path };
  if (r.type === 'error') return { type: 'error', e: r.e, path: r.path };
  return { type: 'skipped', k: r.k, path: r.path };
}

/**
 * The disk list's item of one row of a Delta, when the view shows it.
 * @param {View} view
 * @param {Index} idx
 * @param {Row} row
 * @returns {FileItem | null}
 */
function fileItem(view, idx, { path, session, error, skipped }) {
  const common = { path, app: appOf(path), hay: idx.hay.get(path) ?? '', differs: idx.pending.has(path) };
  /** @type {FacetRow | null} */
  const r = session ? { ...common, type: 'session', s: session } : error ? { ...common, type: 'error', e: error }
    : skipped ? { ...common, type: 'skipped', k: skipped, differs: false } : null;
  return r && filterRows([r], view).length ? itemOf(r) : null;
}

/** How many rows patchItems takes one by one: more, and making the items again costs less. */
const MAX_PATCHED = 256;

/**
 * The disk list's items after the rows of a Delta, made from the items before them (diskItems of the same view):
 * each row's file taken out of its app folder and put back where the sort puts it, the folders' counts the
 * engine's. The work follows the rows, not the folder. Null when the folders shown change (one comes or goes,
 * or a filter empties one): diskItems then makes them again.
 * @param {Item[]} items
 * @param {State} st
 * @param {Index} idx
 * @param {View} view
 * @param {ReadonlySet<string>} collapsed
 * @param {Row[]} rows
 * @returns {Item[] | null}
 */
export function patchItems(items, st, idx, view, collapsed, rows) {
  if (rows.length > MAX_PATCHED) return null;
  const q = queryOf(view);
  const filtering = q || view.status || view.code || view.differs;
  const apps = new Map(arr(st.apps).map((a) => [a.name, a]));
  /** @type {Map<string, number>} where each folder's header is */
  const at = new Map();
  items.forEach((it, i) => { if (it.type === 'app') at.set(it.name, i); });
  for (const name of at.keys()) if (name !== '' && !apps.has(name)) return null;
  if (!filtering) for (const name of apps.keys()) if (!at.has(name) && (!view.app || name === view.app)) return null;
  /** @type {Map<string, Row[]>} the rows by the folder that shows them */
  const byGroup = new Map();
  for (const row of rows) {
    const app = appOf(row.path);
    const name = apps.has(app) ? app : '';
    if (view.app && name !== view.app) continue;
    if (!at.has(name)) {
      if (fileItem(view, idx, row)) return null; // a folder not shown gets a file to show
      continue;
    }
    byGroup.set(name, [...(byGroup.get(name) ?? []), row]);
  }
  const compare = compareFiles(view, idx);
  let out = items;
  // the folders from the last: a change of one does not move the ones before it
  for (const [name, h] of [...at.entries()].sort((a, b) => b[1] - a[1])) {
    const header = /** @type {AppItem} */ (out[h]);
    const a = apps.get(name);
    if (a) Object.assign(header, { sessions: a.sessions, errors: a.errors, skipped: a.skipped });
    header.differs = idx.differs.get(name) ?? 0;
    const groupRows = byGroup.get(name);
    if (!groupRows) continue;
    let end = h + 1;
    while (end < out.length && out[end]?.type !== 'app') end++;
    const files = /** @type {FileItem[]} */ (out.slice(h + 1, end));
    for (const row of groupRows) {
      const was = files.findIndex((f) => f.path === row.path);
      if (was >= 0) files.splice(was, 1);
      const item = fileItem(view, idx, row);
      if (!item) continue;
      let lo = 0;
      let hi = files.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(/** @type {FileItem} */ (files[mid]), item) < 0) lo = mid + 1; else hi = mid;
      }
      files.splice(lo, 0, item);
    }
    if (!files.length && (filtering || name === '')) return null; // the folder is no longer shown
    header.files = files;
    if (!collapsed.has(name)) out = out.slice(0, h + 1).concat(files, out.slice(end));
  }
  const skippedInApps = arr(st.apps).reduce((n, a) => n + a.skipped, 0);
  const root = at.has('') ? /** @type {AppItem} */ (out[/** @type {number} */ (out.findIndex((it) => it.type === 'app' && it.name === ''))]) : null;
  if (root) root.skipped = (st.disk?.summary?.skipped ?? 0) - skippedInApps;
  return out;
}

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {'browser' | 'server'} deps.mode
 * @param {() => void} deps.onPickZip asks for a zip to open
 */
export function mountDisk({ store, actions, mode, onPickZip }) {
  const el = {
    summary: $('#summary'), head: $('#disk-head'), list: $('#disk-list'), noMatch: $('#no-match'),
    emptyState: $('#empty-state'), dropTarget: $('.drop-target'), emptyServer: $('#empty-server'),
  };
  // before anything is open: a zip or the sample in browser mode; the dev server's folder is on its way
  el.dropTarget.hidden = mode !== 'browser';
  el.emptyServer.hidden = mode === 'browser';
  $('#empty-open').addEventListener('click', onPickZip);
  $('#empty-sample').addEventListener('click', actions.openSample);

  /** @type {VirtualList<Item>} */
  const list = new VirtualList(el.list, {
    rowHeight: ROW_HEIGHT,
    render: (item) => V.diskRow(item, { idx: store.idx, selected: store.selected, collapsed: store.collapsed }),
  });

  el.head.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button[data-sort]') : null;
    if (!(b instanceof HTMLElement)) return;
    const same = store.view.sort === b.dataset.sort;
    store.setView({ sort: b.dataset.sort ?? 'path', dir: same && store.view.dir === 'asc' ? 'desc' : 'asc' });
  });
  el.list.addEventListener('click', (e) => {
    const row = e.target instanceof Element ? e.target.closest('.row') : null;
    if (!(row instanceof HTMLElement)) return;
    actions.activate(row.dataset.app !== undefined ? `app:${row.dataset.app}` : row.dataset.path ?? '');
  });
  el.list.addEventListener('keydown', (e) => {
    const items = list.items;
    if (!items.length) return;
    const i = items.findIndex((it) => keyOf(it) === store.selected);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
      if (next) store.select(keyOf(next));
    } else if (e.key === 'Enter' && items[i]) {
      e.preventDefault();
      actions.activate(keyOf(items[i]));
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && store.selected.startsWith('app:')) {
      store.fold(store.selected.slice(4), e.key === 'ArrowLeft');
    }
  });

  function renderHead() {
    const { view, state } = store;
    el.head.hidden = !state;
    for (const b of $$('button[data-sort]', el.head)) {
      const on = b.dataset.sort === view.sort;
      b.parentElement?.setAttribute('aria-sort', on ? (view.dir === 'desc' ? 'descending' : 'ascending') : 'none');
    }
    const s = state?.disk?.summary;
    el.summary.textContent = s
      ? [plural('n.apps', s.apps), plural('n.files', s.files), plural('n.sessions', s.sessions),
        plural('n.errors', s.errors), plural('n.skipped', s.skipped)].join(' · ')
      : '';
  }

  /**
   * @param {Row[]} [rows] the rows a Delta changed: the items are patched with them rather than made again
   */
  function renderList(rows) {
    const { state } = store;
    const patched = rows && state ? patchItems(list.items, state, store.idx, store.view, store.collapsed, rows) : null;
    const items = patched ?? diskItems(state, store.idx, store.view, store.collapsed);
    list.setItems(items);
    el.emptyState.hidden = !!state;
    el.list.hidden = !state;
    el.noMatch.hidden = !state || items.length > 0;
    sayNoMatch();
  }

  function sayNoMatch() {
    const s = store.state?.disk?.summary;
    el.noMatch.textContent = s && s.files + s.skipped === 0 ? t('disk.empty') : t('noMatch');
  }

  /**
   * Draws the selection; scroll: scrolls to it first.
   * @param {boolean} scroll
   */
  function renderSelection(scroll) {
    const i = list.items.findIndex((it) => keyOf(it) === store.selected);
    if (i >= 0 && scroll) list.scrollToIndex(i);
    else list.draw();
  }

  store.on(['state', 'view', 'collapsed', 'selection', 'reset', 'lang', 'words'], (changed, detail) => {
    if (changed.has('reset')) el.list.scrollTop = 0;
    if (changed.has('state') || changed.has('view') || changed.has('lang')) renderHead();
    const remade = changed.has('view') || changed.has('collapsed') || changed.has('reset');
    if (changed.has('state') || remade) renderList(remade ? undefined : detail.rows);
    else if (changed.has('lang') || changed.has('words')) { // the same rows, in other words
      sayNoMatch();
      list.draw();
    }
    else renderSelection(!!detail.scroll);
  });
  renderHead();
  renderList();
}
