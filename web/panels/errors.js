// @ts-check
// The errors panel: the engine's error stack, filtered as the disk list is, each error with what tells how to
// fix it; a click opens the file at the error.

import { $, arr, h } from '../dom.js';
import { filterRows } from '../facets.js';
import { rowSpan } from '../state.js';
import * as V from '../views.js';

/**
 * @import { State, CheckError } from '../types.js'
 * @import { Store, Index, View } from '../state.js'
 * @import { Actions } from '../actions.js'
 */

/**
 * The errors that the view shows.
 * @param {State | null} st
 * @param {Index} idx
 * @param {View} view
 * @returns {CheckError[]}
 */
export function errorItems(st, idx, view) {
  if (!st) return [];
  // the errors' rows alone are filtered; a status is a session's: the error stack is filtered by everything else
  return filterRows(idx.rows.slice(...rowSpan(st, 'error')), { ...view, status: '' }).flatMap((r) => (r.type === 'error' ? [r.e] : []));
}

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {() => string} deps.nothingOpen what the panel says before anything is open
 */
export function mountErrors({ store, actions, nothingOpen }) {
  const el = { count: $('#errors-count'), body: $('#errors-body'), fixAll: $('[data-testid="fix-all"]', HTMLButtonElement) };
  el.fixAll.addEventListener('click', actions.fixAll);
  /** @type {Set<string>} the paths of the errors the panel was made of */
  let listed = new Set();
  let total = 0;

  /** @type {CheckError[]} the errors shown */
  let shown = [];

  /** @param {boolean} [sameErrors] the same errors as shown, in other words */
  function render(sameErrors = false) {
    const { state } = store;
    if (!sameErrors) shown = errorItems(state, store.idx, store.view);
    listed = new Set(shown.map((e) => e.path));
    const all = arr(state?.disk?.errors).length;
    total = all;
    el.count.textContent = shown.length === all ? String(all) : `${shown.length}/${all}`;
    el.count.classList.toggle('zero', all === 0);
    // the engine says, file by file, what it can fix: the button asks it for the whole folder
    el.fixAll.disabled = all === 0 || !!state?.readonly;
    if (!state) {
      el.body.replaceChildren(h('p', { class: 'empty-note' }, nothingOpen()));
      return;
    }
    V.renderErrors(el.body, shown, {
      total: all, // none shown is not none at all: the filters may hide them
      limit: store.errLimit,
      onOpen: (path, line, column) => actions.openFile(path, line, column),
      onMore: () => store.moreErrors(),
    });
  }

  store.on(['state', 'view', 'errLimit', 'lang', 'words'], (changed, detail) => {
    // rows that neither hold an error nor held one listed change nothing here
    const same = changed.size === 1 && arr(store.state?.disk?.errors).length === total
      && detail.rows?.every((r) => !r.error && !listed.has(r.path));
    // a language alone, with a folder open: the engine's words come with the rows said again, and render then
    const wordsToCome = changed.size === 1 && changed.has('lang') && !!store.state;
    if (!same && !wordsToCome) render(changed.size === 1 && changed.has('words'));
  });
  render();
}
