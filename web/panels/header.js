// @ts-check
// The header: the source open, the mode, the actions on the whole folder, and the settings (the dev server's
// auto refresh, the page's language and theme). Browser mode's count of changes not downloaded is work.js's.
// Every action keeps its label in every language: in a window of 1000 px or less, where the panes are stacked
// and each row counts, the last ones (then the auto refresh setting) go into a "More" menu, labels and all, when
// they do not fit in one row; a wider window gives the header a second row instead, every action in sight.

import { $, $$, h, icon } from '../dom.js';
import { t, lang, LANGS } from '../i18n.js';
import { prefs } from '../state.js';

/**
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 * @import { Work } from '../work.js'
 */

/** The header's height when its controls fit in one row (they are 28 px high, in 46 px). */
const ONE_ROW_PX = 52;
/** How much of the source's name the header shows before it gives up a row, or moves actions into the menu. */
const SOURCE_NAME_PX = 160;
/** The windows where the panes are stacked (style.css), and actions that do not fit go into the menu. */
const narrow = matchMedia('(max-width: 1000px)');

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {'browser' | 'server'} deps.mode
 * @param {Work | null} deps.work
 * @param {() => void} deps.onCreate opens the dialog of a new session
 */
export function mountHeader({ store, actions, mode, work, onCreate }) {
  const el = {
    top: $('.top'),
    sourceName: $('#source-name'), modeBadge: $('#mode-badge'), roBadge: $('#ro-badge'),
    zipInput: $('[data-testid="zip-input"]', HTMLInputElement), openZip: $('.file-btn'), openSep: $('.actions .sep'),
    sample: $('[data-testid="open-sample"]', HTMLButtonElement),
    refresh: $('[data-testid="refresh"]', HTMLButtonElement), restart: $('[data-testid="restart"]', HTMLButtonElement),
    download: $('[data-testid="download"]', HTMLButtonElement), create: $('[data-testid="create-session"]', HTMLButtonElement),
    deleteAll: $('[data-testid="delete-all"]', HTMLButtonElement),
    autoWrap: $('#auto-refresh-wrap'), auto: $('[data-testid="auto-refresh"]', HTMLInputElement),
    langSelect: $('[data-testid="lang-select"]', HTMLSelectElement), theme: $('[data-testid="theme-toggle"]', HTMLButtonElement),
    actions: $('.top .actions'), more: $('.top .more'), moreButton: $('[data-testid="more-actions"]', HTMLButtonElement),
    moreMenu: $('[data-testid="more-menu"]'),
  };
  const browser = mode === 'browser';

  // The dev server works on its folder: it refuses every zip, and has no sample.
  el.sample.hidden = !browser;
  el.openZip.hidden = !browser;
  el.openSep.hidden = !browser;
  el.autoWrap.hidden = true; // until the dev server says what its auto refresh is

  el.zipInput.addEventListener('change', () => { actions.openZipFile(el.zipInput.files?.[0]); el.zipInput.value = ''; });
  el.sample.addEventListener('click', actions.openSample);
  el.refresh.addEventListener('click', actions.refresh);
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); actions.refresh(); }
  });
  el.restart.addEventListener('click', actions.restart);
  el.download.addEventListener('click', actions.download);
  el.create.addEventListener('click', onCreate);
  el.deleteAll.addEventListener('click', actions.removeAll);

  el.auto.addEventListener('change', () => actions.setAutoRefresh(el.auto.checked));
  function renderSettings() {
    el.autoWrap.hidden = browser || !store.settings;
    el.auto.checked = !!store.settings?.autoRefresh; // what the server says, also after a change that failed
  }

  el.langSelect.replaceChildren(...LANGS.map((l) => h('option', { value: l.code }, l.name)));
  el.langSelect.value = lang();
  el.langSelect.addEventListener('change', () => actions.changeLang(el.langSelect.value));

  // The theme follows prefers-color-scheme until the user picks one (remembered).
  const darkQuery = matchMedia('(prefers-color-scheme: dark)');
  const isDark = () => (prefs.get('theme') || (darkQuery.matches ? 'dark' : 'light')) === 'dark';
  function applyTheme() {
    const chosen = prefs.get('theme');
    if (chosen === 'light' || chosen === 'dark') document.documentElement.dataset.theme = chosen;
    else delete document.documentElement.dataset.theme;
    const dark = isDark();
    el.theme.replaceChildren(icon(dark ? 'sun' : 'moon'));
    const label = t(dark ? 'theme.toLight' : 'theme.toDark');
    el.theme.setAttribute('aria-label', label);
    el.theme.title = label;
    el.theme.setAttribute('aria-pressed', String(dark));
  }
  el.theme.addEventListener('click', () => {
    prefs.set('theme', isDark() ? 'light' : 'dark');
    applyTheme();
  });
  darkQuery.addEventListener('change', applyTheme);
  applyTheme();

  // What may go into the menu (the actions, and the auto refresh setting), in the order they go (data-overflow 1
  // first), each with a mark of its place in the header, where it goes back and which orders the menu too.
  const movable = $$('[data-overflow]', el.top).sort((a, b) => Number(a.dataset.overflow) - Number(b.dataset.overflow));
  const home = new Map(movable.map((b) => {
    const mark = document.createComment('');
    b.before(mark);
    return [b, mark];
  }));
  const inHeaderOrder = (/** @type {HTMLElement} */ a, /** @type {HTMLElement} */ b) =>
    (home.get(a)?.compareDocumentPosition(/** @type {Comment} */ (home.get(b))) ?? 0) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  /**
   * The header is one row of controls high (it wraps when they do not fit), and the source's name is not cut
   * for want of room, unless it is long: a squeezed source would push its badges under the actions.
   */
  const fits = () => el.top.offsetHeight <= ONE_ROW_PX
    && el.sourceName.clientWidth >= Math.min(el.sourceName.scrollWidth, SOURCE_NAME_PX);

  /**
   * Every action in the row when they fit; else without the shortcuts and the word "Source"; else, in a wide
   * window, the actions on a row of their own, under the source and the settings; in a narrow one, the last
   * actions, one by one, into the menu until the rest fit.
   */
  function fit() {
    closeMenu();
    for (const [b, mark] of home) mark.after(b);
    el.more.hidden = true;
    el.top.classList.remove('tight', 'two-rows');
    if (fits()) return;
    el.top.classList.add('tight'); // the shortcut stays in the tooltip
    if (fits()) return;
    if (!narrow.matches) {
      el.top.classList.replace('tight', 'two-rows');
      return;
    }
    el.more.hidden = false;
    /** @type {HTMLElement[]} */
    const moved = [];
    for (const b of movable) {
      moved.push(b);
      el.moreMenu.replaceChildren(...moved.sort(inHeaderOrder));
      if (fits()) break;
    }
  }
  window.addEventListener('resize', fit);
  narrow.addEventListener('change', fit);

  function closeMenu() {
    el.moreMenu.hidden = true;
    el.moreButton.setAttribute('aria-expanded', 'false');
  }
  el.moreButton.addEventListener('click', () => {
    const open = el.moreMenu.hidden;
    el.moreMenu.hidden = !open;
    el.moreButton.setAttribute('aria-expanded', String(open));
    if (open) $$('button:not(:disabled):not([hidden]), label:not([hidden])', el.moreMenu)[0]?.focus();
  });
  // a choice in the menu, a click elsewhere or Escape close it
  el.moreMenu.addEventListener('click', (e) => { if (e.target instanceof Element && e.target.closest('button, label')) closeMenu(); });
  document.addEventListener('click', (e) => { if (e.target instanceof Node && !el.more.contains(e.target)) closeMenu(); });
  el.more.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !el.moreMenu.hidden) { closeMenu(); el.moreButton.focus(); }
  });

  function render() {
    const st = store.state;
    const opened = !!st;
    const ro = !!st?.readonly;
    el.sourceName.textContent = st?.source || t('source.none');
    el.sourceName.title = st?.source ?? '';
    el.modeBadge.textContent = t(`mode.${mode}`);
    el.roBadge.hidden = !ro;
    el.refresh.disabled = !opened;
    el.restart.disabled = !opened;
    el.download.disabled = !opened;
    el.create.disabled = !opened || ro;
    el.deleteAll.disabled = !opened || ro;
    document.title = st?.source ? `${st.source} — mobisess` : 'mobisess';
    work?.render();
  }

  let source = '';
  store.on(['state'], () => {
    render();
    if (el.sourceName.textContent !== source) { source = el.sourceName.textContent ?? ''; fit(); }
  });
  store.on(['settings'], () => { renderSettings(); fit(); });
  store.on(['lang'], () => {
    el.langSelect.value = lang();
    applyTheme(); // its tooltip is in the page's language
    render();
    fit(); // with the words of the new language
  });
  store.on(['layout'], fit);
  renderSettings();
  render();
  fit();
}
