// @ts-check
// The console: wires the page to the engine (transport.js) through one store (state.js) that every panel renders
// from (panels/), and the actions that change it (actions.js). The page decides no rule of docs/rules.md: every
// check, diff and message comes from the engine.

import { $, hydrateIcons } from './dom.js';
import { t, setLang, applyI18n, pickLang } from './i18n.js';
import { createTransport, takeToken } from './transport.js';
import { Store, prefs, readHash } from './state.js';
import { createActions } from './actions.js';
import { Work } from './work.js';
import { mountDrop, mountSplitters } from './layout.js';
import { mountNotices, toast } from './panels/notices.js';
import { mountHeader } from './panels/header.js';
import { mountFilters } from './panels/filters.js';
import { mountDisk } from './panels/disk.js';
import { mountMemory } from './panels/memory.js';
import { mountErrors } from './panels/errors.js';
import { mountFile } from './panels/file.js';
import { previewFix, previewFixAll } from './panels/fix.js';
import { mountReport } from './panels/report.js';
import { confirmDialog, mountCreate } from './panels/dialogs.js';

/** @param {string} name the value of <meta name="mobisess-NAME">, which the dev server writes; '' when absent */
const meta = (name) => document.querySelector(`meta[name="mobisess-${name}"]`)?.getAttribute('content')?.trim() ?? '';
const query = new URLSearchParams(location.search);
// Where the engine is: browser (the page's worker, the default) or server (the dev server's API).
const mode = meta('mode') === 'server' ? 'server' : 'browser';
// Server mode: the dev server's token, taken from the address it printed (and dropped from the address bar).
const transport = createTransport(mode, mode === 'server' ? takeToken() : '');

setLang(pickLang(query.get('lang'), prefs.get('lang'), navigator.languages));
hydrateIcons(document);
applyI18n(document);

const store = new Store();
/** Browser mode: the source and its edits, kept in the browser (work.js). */
const work = mode === 'browser'
  ? new Work({
    call: (method, params) => transport.call(method, params),
    onDownload: () => actions.download(),
    onDiscard: () => actions.discardEdits(),
    onLayout: () => store.emit(['layout']),
  })
  : null;
const actions = createActions({ mode, transport, store, work, ask: { confirm: confirmDialog, previewFix, previewFixAll, toast } });
const zipInput = $('[data-testid="zip-input"]', HTMLInputElement);

/** What the panels say before anything is open: a zip or the sample in browser mode, the dev server's folder. */
const nothingOpen = () => t(mode === 'browser' ? 'nothingOpen' : 'empty.server');

mountNotices({ store, actions });
const openCreate = mountCreate({ store, actions });
mountHeader({ store, actions, mode, work, onCreate: openCreate });
mountFilters({ store });
mountDisk({ store, actions, mode, onPickZip: () => zipInput.click() });
mountMemory({ store, actions, toast });
mountErrors({ store, actions, nothingOpen });
mountFile({ store, actions, toast });
mountReport({ store, actions, nothingOpen });
mountSplitters();
mountDrop(mode, (file) => actions.openZipFile(file));

// The view in the URL: a hash changed by hand (or by the history) is the view, and may open a file.
window.addEventListener('hashchange', () => {
  const next = readHash();
  const fileChanged = next.file !== store.view.file;
  store.replaceView(next);
  if (fileChanged && next.file && store.state) actions.openFile(next.file);
});
if (mode === 'server') transport.onEvents({ disk: actions.diskChanged, refresh: actions.serverRefreshed, settings: actions.settingsChanged });

// Browser mode opens the sample at once when the address asks (?sample) or the dev server does (-autoload).
actions.start(query.has('sample') || meta('autoload') === 'sample');
