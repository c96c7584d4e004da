// @ts-check
// The header: the source open, the mode, the actions on the whole folder, and the page's preferences (auto
// refresh, language, theme). Browser mode's count of changes not downloaded is work.js's.

import { $, h, icon } from '../dom.js';
import { t, lang, LANGS } from '../i18n.js';
import { prefs } from '../state.js';

/**
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 * @import { Work } from '../work.js'
 */

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
    openFolder: $('#open-folder'), folderInput: $('[data-testid="folder-input"]', HTMLInputElement),
    sample: $('[data-testid="open-sample"]', HTMLButtonElement),
    refresh: $('[data-testid="refresh"]', HTMLButtonElement), restart: $('[data-testid="restart"]', HTMLButtonElement),
    download: $('[data-testid="download"]', HTMLButtonElement), create: $('[data-testid="create-session"]', HTMLButtonElement),
    deleteAll: $('[data-testid="delete-all"]', HTMLButtonElement),
    autoWrap: $('#auto-refresh-wrap'), auto: $('[data-testid="auto-refresh"]', HTMLInputElement),
    langSelect: $('[data-testid="lang-select"]', HTMLSelectElement), theme: $('[data-testid="theme-toggle"]', HTMLButtonElement),
  };
  const browser = mode === 'browser';

  // The dev server works on its folder: it refuses every zip, and has no sample.
  el.sample.hidden = !browser;
  el.openZip.hidden = !browser;
  el.openFolder.hidden = !browser;
  el.openSep.hidden = !browser;
  el.autoWrap.hidden = browser;

  el.zipInput.addEventListener('change', () => { actions.openZipFile(el.zipInput.files?.[0]); el.zipInput.value = ''; });
  // Open folder…: the browser's folder picker where it has one (a folder it can read again and write back), else
  // the folder input, which every browser has. A click on the input itself (the keyboard's) takes the picker too.
  el.openFolder.addEventListener('click', (e) => {
    if (!window.showDirectoryPicker) return;
    e.preventDefault();
    actions.pickFolder();
  });
  el.folderInput.addEventListener('change', () => { actions.openFolderFiles(el.folderInput.files); el.folderInput.value = ''; });
  $('#empty-folder').addEventListener('click', () => el.openFolder.click());
  el.sample.addEventListener('click', actions.openSample);
  el.refresh.addEventListener('click', actions.refresh);
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); actions.refresh(); }
  });
  el.restart.addEventListener('click', actions.restart);
  el.download.addEventListener('click', actions.download);
  el.create.addEventListener('click', onCreate);
  el.deleteAll.addEventListener('click', actions.removeAll);

  el.auto.checked = store.autoRefresh;
  el.auto.addEventListener('change', () => actions.setAutoRefresh(el.auto.checked));

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

  /** Drop the action labels when the header would wrap (their names stay in title and aria). */
  function fit() {
    el.top.classList.remove('compact');
    if (el.top.offsetHeight > 52) el.top.classList.add('compact');
  }
  window.addEventListener('resize', fit);

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

  store.on(['state'], render);
  store.on(['lang'], () => {
    el.langSelect.value = lang();
    fit();
    render();
  });
  store.on(['layout'], fit);
  render();
  fit();
}
