// @ts-check
// The filters above the disk list: search, app, status, error code, differs from memory, skipped. What they are
// set to is the view (state.js), kept in the URL; the lists filter by it. Each value says how many files it
// would show under the other filters ("pending (2)"), as the store counts them (facets.js).

import { $, arr, h } from '../dom.js';
import { t, lang } from '../i18n.js';

/** @import { Store } from '../state.js' */

/**
 * A filter's label with its count, as Datasette writes a facet: "pending (2)".
 * @param {string} label
 * @param {number} n
 */
const counted = (label, n) => `${label} (${n.toLocaleString(lang())})`;

/**
 * Writes the count of an option (or a checkbox's label) into its text and its data-count.
 * @param {HTMLElement} el
 * @param {string} label
 * @param {number} n
 */
function setCount(el, label, n) {
  el.textContent = counted(label, n);
  el.dataset.count = String(n);
}

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
    differsLabel: $('#f-differs-label'), skippedLabel: $('#f-skipped-label'),
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
    if (el.app.dataset.apps !== apps.join('\n')) {
      el.app.replaceChildren(h('option', { value: '' }), ...apps.map((a) => h('option', { value: a })));
      el.app.dataset.apps = apps.join('\n');
    }
    const f = store.facets();
    for (const o of el.app.options) {
      setCount(o, o.value ? o.value : t('filter.allApps'), o.value ? f.app.by.get(o.value) ?? 0 : f.app.all);
    }
    for (const o of el.status.options) {
      setCount(o, t(o.value ? `status.${o.value}` : 'filter.allStatuses'), o.value ? f.status.by.get(o.value) ?? 0 : f.status.all);
    }
    for (const o of el.code.options) {
      setCount(o, o.value ? `mobi ${o.value}` : t('filter.allCodes'), o.value ? f.code.by.get(o.value) ?? 0 : f.code.all);
    }
    setCount(el.differsLabel, t('filter.differs'), f.differs);
    setCount(el.skippedLabel, t('filter.skipped'), f.skipped);
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
