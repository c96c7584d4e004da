// @ts-check
// The filters above the disk list: search, app, status, error code, differs from memory, skipped. What they are
// set to is the view (state.js), kept in the URL; the lists filter by it.

import { $, arr, h } from '../dom.js';
import { t, lang } from '../i18n.js';

/** @import { Store } from '../state.js' */

/** How long the search box waits for the next key before the lists follow it. */
const SEARCH_DEBOUNCE_MS = 120;

/**
 * @param {object} deps
 * @param {Store} deps.store
 */
export function mountFilters({ store }) {
  const el = {
    filters: $('.filters'), search: $('[data-testid="search"]', HTMLInputElement),
    app: $('#f-app', HTMLSelectElement), status: $('#f-status', HTMLSelectElement), code: $('#f-code', HTMLSelectElement),
    differs: $('#f-differs', HTMLInputElement), skipped: $('#f-skipped', HTMLInputElement),
  };

  let searchTimer = 0;
  el.search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => store.setView({ q: el.search.value }), SEARCH_DEBOUNCE_MS);
  });
  el.search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { el.search.value = ''; store.setView({ q: '' }); el.search.blur(); }
  });
  el.app.addEventListener('change', () => store.setView({ app: el.app.value }));
  el.status.addEventListener('change', () => store.setView({ status: el.status.value }));
  el.code.addEventListener('change', () => store.setView({ code: el.code.value }));
  el.differs.addEventListener('change', () => store.setView({ differs: el.differs.checked ? '1' : '' }));
  el.skipped.addEventListener('change', () => store.setView({ skipped: el.skipped.checked ? '1' : '' }));
  // "/" goes to the search box, as in most tools, unless it is typed in a field
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof Element && e.target.closest('input, textarea, select, [contenteditable]');
    if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing) {
      e.preventDefault();
      el.search.focus();
      el.search.select();
    }
  });

  function render() {
    const { view, state } = store;
    el.filters.hidden = !state;
    const apps = arr(state?.apps).map((a) => a.name);
    if (el.app.dataset.apps !== apps.join('\n') || el.app.dataset.lang !== lang()) {
      el.app.replaceChildren(h('option', { value: '' }, t('filter.allApps')), ...apps.map((a) => h('option', { value: a }, a)));
      el.app.dataset.apps = apps.join('\n');
      el.app.dataset.lang = lang();
    }
    el.app.value = view.app;
    el.status.value = view.status;
    el.code.value = view.code;
    el.differs.checked = !!view.differs;
    el.skipped.checked = !!view.skipped;
    if (document.activeElement !== el.search) el.search.value = view.q;
  }

  store.on(['state', 'view', 'lang'], render);
  render();
}
