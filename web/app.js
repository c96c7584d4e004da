// The console: wires the page to the engine (transport.js) and renders what the engine reports (views.js).
// The page decides no rule of docs/rules.md: every check, diff and message comes from the engine.

import { h, $, $$, arr, appOf, baseName, hydrateIcons, icon } from './dom.js';
import { t, plural, setLang, lang, LANGS, applyI18n, pickLang } from './i18n.js';
import { createTransport, takeToken } from './transport.js';
import { Editor } from './editor.js';
import { VirtualList } from './table.js';
import * as V from './views.js';
import { Work } from './work.js';

// ---- where the engine is: <meta name="mobisess-mode" content="browser|server"> (browser when absent)
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content.trim() ?? '';
const query = new URLSearchParams(location.search);
const MODE = meta('mobisess-mode') === 'server' ? 'server' : 'browser';
// Server mode: the dev server's token, taken from the address it printed (and dropped from the address bar).
const transport = createTransport(MODE, MODE === 'server' ? takeToken() : '');
/** Calls the engine; what a call changes then reaches the refresh report and the work kept (afterCall). */
const call = async (method, params = {}) => {
  let ok = false;
  try {
    const result = await transport.call(method, params);
    ok = true;
    return result;
  } finally {
    afterCall(method, params, ok);
  }
};

const store = {
  get(k) { try { return localStorage.getItem(`mobisess.${k}`); } catch { return null; } },
  set(k, v) { try { if (v == null) localStorage.removeItem(`mobisess.${k}`); else localStorage.setItem(`mobisess.${k}`, v); } catch { /* private mode */ } },
};

// ---- the view state lives in the URL hash, so a reload keeps it
const VIEW_DEFAULTS = { q: '', app: '', status: '', code: '', differs: '', skipped: '1', sort: 'path', dir: 'asc', file: '' };
function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return Object.fromEntries(Object.entries(VIEW_DEFAULTS).map(([k, d]) => [k, p.get(k) ?? d]));
}
function writeHash() {
  const p = new URLSearchParams();
  for (const [k, d] of Object.entries(VIEW_DEFAULTS)) if (ui.view[k] !== d) p.set(k, ui.view[k]);
  const s = p.toString();
  history.replaceState(null, '', s ? `#${s}` : location.pathname + location.search);
}

const ui = {
  state: null,          // State (docs/api.md)
  idx: indexState(null),
  report: null,         // the last RefreshReport, and when it ran
  reportAt: null,
  reportStale: false,   // files changed since it ran
  file: null,           // the File open in the editor
  saved: '',            // its text as last read or written, line breaks as \n
  eol: '\n',            // its line breaks, restored on save (a textarea turns CR and CRLF into LF)
  dirty: false,
  view: readHash(),
  collapsed: new Set(),
  selected: '',         // a path, or "app:" + app folder
  errLimit: 200,
  busy: 0,
  wrongRoot: null,      // {file, root}: the zip whose root is probably not the folder meant, and the one inside it
  changed: new Set(),   // server mode: paths changed on disk since the last reload
  resync: false,        // server mode: events were missed, reload everything
};

/** Lookups derived once per State. */
function indexState(st) {
  const pending = new Map();
  for (const u of arr(st?.pending?.updated)) pending.set(u.path, { kind: 'updated', changes: arr(u.changes) });
  for (const n of arr(st?.pending?.notLoaded)) pending.set(n.path, { kind: 'notLoaded' });
  for (const r of arr(st?.pending?.removed)) pending.set(r.path, { kind: 'removed', code: r.code, message: r.message });
  // what the search box matches, lower-cased once per State rather than on every keystroke
  const hay = new Map();
  const add = (path, ...fields) => hay.set(path, fields.filter((f) => f != null && f !== '').join('\u0000').toLowerCase());
  for (const s of arr(st?.disk?.sessions)) {
    add(s.path, s.path, s.email, s.device, s.deviceId, s.os, s.osVersion, s.language, s.ip, s.applicationName, s.status);
  }
  for (const e of arr(st?.disk?.errors)) add(e.path, e.path, e.message, e.cause, `mobi ${e.code}`);
  for (const k of arr(st?.disk?.skipped)) add(k.path, k.path, k.reason, k.kind);
  const sessions = new Map(arr(st?.disk?.sessions).map((s) => [s.path, s]));
  // memory names the sessions that are the disk's rather than repeat them (docs/api.md)
  const memory = new Map(arr(st?.memory?.sameAsDisk).map((p) => [p, sessions.get(p)]));
  for (const m of arr(st?.memory?.sessions)) memory.set(m.path, m);
  const memoryList = [...memory.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const memHay = new Map(memoryList.map((m) => [m.path,
    [m.path, m.email, m.device, m.os, m.language, m.ip, m.status].filter(Boolean).join('\u0000').toLowerCase()]));
  return {
    pending, hay, memHay, memory, memoryList, sessions,
    errors: new Map(arr(st?.disk?.errors).map((e) => [e.path, e])),
  };
}

// ---- elements
const el = {
  sourceName: $('#source-name'), modeBadge: $('#mode-badge'), roBadge: $('#ro-badge'),
  zipInput: $('[data-testid="zip-input"]'), openZip: $('.file-btn'), openSep: $('.actions .sep'), sample: $('[data-testid="open-sample"]'),
  refresh: $('[data-testid="refresh"]'), restart: $('[data-testid="restart"]'), download: $('[data-testid="download"]'),
  create: $('[data-testid="create-session"]'), deleteAll: $('[data-testid="delete-all"]'),
  autoWrap: $('#auto-refresh-wrap'), auto: $('[data-testid="auto-refresh"]'),
  langSelect: $('[data-testid="lang-select"]'), theme: $('[data-testid="theme-toggle"]'),
  progress: $('[data-testid="progress"]'), progressLabel: $('#progress-label'),
  banner: $('[data-testid="error-banner"]'), bannerMsg: $('#error-banner-msg'),
  diskBanner: $('#disk-banner'), diskBannerMsg: $('#disk-banner-msg'),
  rootBanner: $('#root-banner'), rootBannerMsg: $('#root-banner-msg'), rootBannerOpen: $('#root-banner-open'),
  summary: $('#summary'), search: $('[data-testid="search"]'), filters: $('.filters'),
  fApp: $('#f-app'), fStatus: $('#f-status'), fCode: $('#f-code'), fDiffers: $('#f-differs'), fSkipped: $('#f-skipped'),
  gridHead: $('#disk-head'), diskList: $('#disk-list'), emptyState: $('#empty-state'), noMatch: $('#no-match'),
  filePath: $('#file-path'), fileBadges: $('#file-badges'), fileError: $('#file-error'),
  save: $('[data-testid="save"]'), accept: $('[data-testid="accept"]'), setPending: $('[data-testid="set-pending"]'),
  deleteSession: $('[data-testid="delete-session"]'), deleteApp: $('[data-testid="delete-app"]'),
  conflict: $('[data-testid="conflict"]'), editorBox: $('#editor-box'), editorStatus: $('#editor-status'),
  editorEmpty: $('#editor-empty'), tokenBody: $('#token-body'),
  memCount: $('#memory-count'), memList: $('#memory-list'),
  errorsCount: $('#errors-count'), errorsBody: $('#errors-body'),
  report: $('[data-testid="refresh-report"]'), reportBody: $('#report-body'), reportStale: $('[data-testid="report-stale"]'),
  confirm: $('#confirm-dialog'), confirmText: $('#confirm-text'), confirmOk: $('[data-testid="confirm-ok"]'),
  createDialog: $('#create-dialog'), createForm: $('#create-form'),
  overlay: $('#drop-overlay'), toasts: $('#toasts'), dropTarget: $('.drop-target'), emptyServer: $('#empty-server'),
};

/** Browser mode: the source and its edits, kept in the browser (work.js). */
const work = MODE === 'browser'
  ? new Work({ call: (method, params) => transport.call(method, params), onDownload: download, onDiscard: discardEdits, onLayout: () => fitHeader() })
  : null;

/** What the panels say before anything is open: a zip or the sample in browser mode, the dev server's folder. */
const nothingOpen = () => t(MODE === 'browser' ? 'nothingOpen' : 'empty.server');

const editor = new Editor(el.editorBox, {
  label: t('editor.label'),
  onInput: () => setDirty(editor.value !== ui.saved),
  onCursor: (c) => renderEditorStatus(c),
});

const diskList = new VirtualList(el.diskList, {
  rowHeight: 26,
  render: (item) => V.diskRow(item, { idx: ui.idx, selected: ui.selected, collapsed: ui.collapsed }),
});
const memList = new VirtualList(el.memList, {
  rowHeight: 24,
  render: (m) => V.memoryRow(m, { idx: ui.idx, selected: ui.selected }),
});

// ---- calls: busy state, progress, errors
let progressTimer = 0;
function onProgress({ phase, done, total }) {
  if (!ui.busy) return; // a late message after the call ended
  clearTimeout(progressTimer);
  el.progress.hidden = false;
  el.progress.classList.remove('indeterminate');
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
  el.progress.style.setProperty('--pct', `${pct}%`);
  el.progress.setAttribute('aria-valuenow', String(Math.round(pct)));
  el.progressLabel.textContent = `${t(`phase.${phase}`)} ${total ? `${done}/${total}` : ''}`;
}

async function run(fn, context) {
  hideError();
  if (ui.busy++ === 0) {
    progressTimer = setTimeout(() => {
      el.progress.hidden = false;
      el.progress.classList.add('indeterminate');
      el.progress.removeAttribute('aria-valuenow');
      el.progressLabel.textContent = t('working');
    }, 150);
  }
  document.body.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } catch (err) {
    showError(err, context);
    return undefined;
  } finally {
    if (--ui.busy === 0) {
      clearTimeout(progressTimer);
      el.progress.hidden = true;
      document.body.removeAttribute('aria-busy');
    }
  }
}

const EXPECTED_KINDS = new Set(['input', 'conflict', 'notfound', 'readonly', 'forbidden', 'foreign']);

function showError(err, context) {
  if (!EXPECTED_KINDS.has(err?.kind)) console.error(context ?? '', err); // a bug or a crash: keep its stack
  el.bannerMsg.replaceChildren(context ? h('strong', {}, `${context} `) : '', err?.message ?? String(err));
  el.banner.dataset.kind = err?.kind ?? 'internal';
  el.banner.hidden = false;
}
function hideError() { el.banner.hidden = true; }

function toast(text) {
  const n = h('div', { class: 'toast' }, text);
  el.toasts.append(n);
  setTimeout(() => n.remove(), 2800);
}

function confirmDialog(text, okLabel) {
  el.confirmText.textContent = text;
  el.confirmOk.textContent = okLabel;
  el.confirm.returnValue = '';
  el.confirm.showModal();
  return new Promise((resolve) => el.confirm.addEventListener('close', () => resolve(el.confirm.returnValue === 'ok'), { once: true }));
}

const confirmDiscard = async () => !ui.dirty || confirmDialog(t('confirm.discard', { path: ui.file.path }), t('btn.discard'));

// ---- state and rendering
function setState(st) {
  ui.state = st;
  ui.idx = indexState(st);
  if (ui.view.app && !arr(st.apps).some((a) => a.name === ui.view.app)) ui.view.app = '';
  render();
}

function render() {
  renderHeader();
  renderFilters();
  renderLists();
  renderEditorChrome();
  renderReport();
}

function renderHeader() {
  const st = ui.state;
  const opened = !!st;
  const ro = !!st?.readonly;
  el.sourceName.textContent = st?.source || t('source.none');
  el.sourceName.title = st?.source ?? '';
  el.modeBadge.textContent = t(`mode.${MODE}`);
  el.roBadge.hidden = !ro;
  el.sample.hidden = MODE !== 'browser';
  el.openZip.hidden = MODE !== 'browser'; // the dev server works on its folder: it refuses every zip
  el.openSep.hidden = MODE !== 'browser';
  el.dropTarget.hidden = MODE !== 'browser';
  el.emptyServer.hidden = MODE === 'browser';
  el.refresh.disabled = !opened;
  el.restart.disabled = !opened;
  el.download.disabled = !opened;
  el.create.disabled = !opened || ro;
  el.deleteAll.disabled = !opened || ro;
  const s = st?.disk?.summary;
  el.summary.textContent = s
    ? [plural('n.apps', s.apps), plural('n.files', s.files), plural('n.sessions', s.sessions),
      plural('n.errors', s.errors), plural('n.skipped', s.skipped)].join(' · ')
    : '';
  document.title = st?.source ? `${st.source} — mobisess` : 'mobisess';
  work?.render();
}

function renderFilters() {
  const apps = arr(ui.state?.apps).map((a) => a.name);
  const opts = [h('option', { value: '' }, t('filter.allApps')), ...apps.map((a) => h('option', { value: a }, a))];
  if (el.fApp.dataset.apps !== apps.join('\n') || el.fApp.dataset.lang !== lang()) {
    el.fApp.replaceChildren(...opts);
    el.fApp.dataset.apps = apps.join('\n');
    el.fApp.dataset.lang = lang();
  }
  el.fApp.value = ui.view.app;
  el.fStatus.value = ui.view.status;
  el.fCode.value = ui.view.code;
  el.fDiffers.checked = !!ui.view.differs;
  el.fSkipped.checked = !!ui.view.skipped;
  if (document.activeElement !== el.search) el.search.value = ui.view.q;
  for (const b of $$('button[data-sort]', el.gridHead)) {
    const on = b.dataset.sort === ui.view.sort;
    b.parentElement.setAttribute('aria-sort', on ? (ui.view.dir === 'desc' ? 'descending' : 'ascending') : 'none');
  }
}

const searchHit = (q, hay) => !q || (hay ?? '').includes(q);
const PENDING_RANK = { updated: 0, notLoaded: 1, removed: 2 };
const SORT_KEYS = {
  status: (s) => s.status, email: (s) => s.email, device: (s) => s.device, os: (s) => `${s.os ?? ''} ${s.osVersion ?? ''}`,
  language: (s) => s.language, ip: (s) => s.ip,
  memory: (s) => String(PENDING_RANK[ui.idx.pending.get(s.path)?.kind] ?? (ui.idx.memory.has(s.path) ? 3 : 4)),
};
const TYPE_ORDER = { session: 0, error: 1, skipped: 2 };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byPath = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function compareFiles(a, b) {
  const dir = ui.view.dir === 'desc' ? -1 : 1;
  const key = SORT_KEYS[ui.view.sort];
  if (!key) return dir * byPath(a, b);
  if (a.type !== 'session' || b.type !== 'session') return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || byPath(a, b);
  return dir * collator.compare(key(a.s) ?? '', key(b.s) ?? '') || byPath(a, b);
}

/** The disk tree, flattened for the windowed list: app headers followed by their (filtered, sorted) files. */
function diskItems() {
  const st = ui.state;
  if (!st) return [];
  const { view, idx } = ui;
  const q = view.q.trim().toLowerCase();
  const groups = new Map();
  const group = (name) => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { type: 'app', name, files: [], sessions: 0, errors: 0, skipped: 0, differs: 0 }));
    return g;
  };
  for (const a of arr(st.apps)) group(a.name);
  for (const s of arr(st.disk?.sessions)) {
    const g = group(s.app);
    g.sessions++;
    if (idx.pending.has(s.path)) g.differs++;
    if (view.code || (view.status && s.status !== view.status) || (view.differs && !idx.pending.has(s.path))) continue;
    if (!searchHit(q, idx.hay.get(s.path))) continue;
    g.files.push({ type: 'session', s, path: s.path });
  }
  for (const e of arr(st.disk?.errors)) {
    const g = group(appOf(e.path));
    g.errors++;
    if (idx.pending.has(e.path)) g.differs++;
    if (view.status || (view.code && String(e.code) !== view.code) || (view.differs && !idx.pending.has(e.path))) continue;
    if (!searchHit(q, idx.hay.get(e.path))) continue;
    g.files.push({ type: 'error', e, path: e.path });
  }
  for (const k of arr(st.disk?.skipped)) {
    const g = group(appOf(k.path));
    g.skipped++;
    if (!view.skipped || view.status || view.code || view.differs) continue;
    if (!searchHit(q, idx.hay.get(k.path))) continue;
    g.files.push({ type: 'skipped', k, path: k.path });
  }
  const filtering = q || view.status || view.code || view.differs;
  const items = [];
  const ordered = [...groups.values()].sort((a, b) => (a.name === '') - (b.name === '') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const g of ordered) {
    if (view.app && g.name !== view.app) continue;
    if (!g.files.length && (filtering || g.name === '')) continue;
    items.push(g);
    if (ui.collapsed.has(g.name)) continue;
    g.files.sort(compareFiles);
    for (const f of g.files) items.push(f);
  }
  return items;
}

function memoryItems() {
  const q = ui.view.q.trim().toLowerCase();
  return ui.idx.memoryList.filter((m) => (!ui.view.app || m.app === ui.view.app)
    && (!ui.view.status || m.status === ui.view.status)
    && (!ui.view.differs || ui.idx.pending.has(m.path))
    && searchHit(q, ui.idx.memHay.get(m.path)));
}

function errorItems() {
  const q = ui.view.q.trim().toLowerCase();
  return arr(ui.state?.disk?.errors).filter((e) => (!ui.view.app || appOf(e.path) === ui.view.app)
    && (!ui.view.code || String(e.code) === ui.view.code)
    && (!ui.view.differs || ui.idx.pending.has(e.path))
    && searchHit(q, ui.idx.hay.get(e.path)));
}

function renderLists() {
  const items = diskItems();
  diskList.setItems(items);
  el.emptyState.hidden = !!ui.state;
  el.diskList.hidden = !ui.state;
  el.gridHead.hidden = !ui.state;
  el.filters.hidden = !ui.state;
  el.noMatch.hidden = !ui.state || items.length > 0;
  const s = ui.state?.disk?.summary;
  el.noMatch.textContent = s && s.files + s.skipped === 0 ? t('disk.empty') : t('noMatch');

  const mem = memoryItems();
  memList.setItems(mem);
  const total = ui.idx.memoryList.length;
  el.memCount.textContent = mem.length === total ? plural('n.sessions', total) : t('n.shown', { shown: mem.length, total });

  const errs = errorItems();
  const allErrs = arr(ui.state?.disk?.errors).length;
  el.errorsCount.textContent = errs.length === allErrs ? String(allErrs) : `${errs.length}/${allErrs}`;
  el.errorsCount.classList.toggle('zero', allErrs === 0);
  if (!ui.state) {
    el.errorsBody.replaceChildren(h('p', { class: 'empty-note' }, nothingOpen()));
    return;
  }
  V.renderErrors(el.errorsBody, errs, {
    total: allErrs, // none shown is not none at all: the filters may hide them
    limit: ui.errLimit,
    onOpen: (path, line, column) => openFile(path, line, column),
    onMore: () => { ui.errLimit += 200; renderLists(); },
  });
}

function renderReport() {
  const preview = !ui.report;
  const report = ui.report ?? ui.state?.pending ?? null;
  const stale = !preview && ui.reportStale;
  el.report.classList.toggle('preview', preview);
  el.report.classList.toggle('stale', stale);
  el.reportStale.hidden = !stale;
  V.renderReport(el.reportBody, report, {
    at: ui.reportAt, preview, empty: nothingOpen(), onOpen: (p) => openFile(p),
    onDisk: (p) => ui.idx.sessions.has(p) || ui.idx.errors.has(p),
  });
}

// ---- what a call changes: the refresh report says only what is true now, and browser mode keeps the work
const CHANGES_FILES = new Set(['write', 'remove', 'setStatus', 'fix', 'create']);

function afterCall(method, params, ok) {
  if (ok && (method === 'restart' || (method === 'remove' && params.path === ''))) clearReport();
  else if (ok && CHANGES_FILES.has(method)) markReportStale();
  // even a change refused midway is asked about: the engine says what, if anything, it left
  if (CHANGES_FILES.has(method) || method === 'download') work?.changed();
}

/** The report of the last refresh no longer applies (a restart, a new source, everything deleted). */
function clearReport() {
  ui.report = null;
  ui.reportAt = null;
  ui.reportStale = false;
}

/** Files changed since the last refresh: its report is kept, marked as out of date. */
function markReportStale() {
  if (ui.report) ui.reportStale = true;
}

// ---- the editor side
function fileError() {
  return ui.file ? ui.file.error ?? ui.idx.errors.get(ui.file.path) ?? null : null;
}

function markersFor(err) {
  if (!err) return [];
  const out = arr(err.violations).filter((v) => v.line > 0)
    .map((v) => ({ line: v.line, column: v.column, message: `mobi ${err.code} ${v.pointer || '/'}: ${v.message}` }));
  if (!out.length && err.line > 0) out.push({ line: err.line, column: err.column, message: `mobi ${err.code}: ${err.cause || err.message}` });
  return out;
}

function loadFile(file, keepCursor = false) {
  ui.file = file;
  const content = file.content ?? '';
  ui.eol = content.includes('\r\n') ? '\r\n' : content.includes('\r') ? '\r' : '\n';
  ui.saved = ui.eol === '\n' ? content : content.replace(/\r\n?/g, '\n');
  if (keepCursor) editor.replaceText(ui.saved);
  else editor.setDoc(ui.saved);
  ui.conflictRetry = null;
  el.conflict.hidden = true;
  setDirty(false);
  ui.view.file = file.path;
  writeHash();
  renderEditorChrome();
}

function closeFile() {
  ui.file = null;
  ui.saved = '';
  editor.setDoc('');
  el.conflict.hidden = true;
  setDirty(false);
  ui.view.file = '';
  writeHash();
  renderEditorChrome();
}

function setDirty(d) {
  ui.dirty = d;
  el.save.disabled = !ui.file || !d || !!ui.state?.readonly;
  el.filePath.classList.toggle('dirty', d);
  renderEditorStatus();
}

function renderEditorChrome() {
  const f = ui.file;
  const ro = !!ui.state?.readonly;
  const session = f && ui.idx.sessions.get(f.path);
  const err = fileError();
  el.editorEmpty.hidden = !!f;
  el.editorBox.hidden = !f;
  el.filePath.textContent = f ? f.path : t('editor.none');
  el.filePath.title = f?.path ?? '';
  el.fileBadges.replaceChildren(
    session ? V.statusChip(session.status) : '',
    err ? V.codeChip(err) : '',
    f && (ui.idx.pending.has(f.path) || ui.idx.memory.has(f.path)) ? V.memoryCell(f.path, ui.idx) : '');
  editor.setReadOnly(!f || ro);
  editor.setLabel(f ? t('editor.labelFile', { path: f.path }) : t('editor.label'));
  el.save.disabled = !f || !ui.dirty || ro;
  // the engine says which status changes apply, and why none does (docs/api.md, File.actions)
  const actions = f?.actions ?? {};
  el.accept.disabled = !actions.accept;
  el.setPending.disabled = !actions.pending;
  el.accept.title = actions.blocked || t('tip.accept');
  el.setPending.title = actions.blocked || t('tip.pending');
  el.deleteSession.disabled = !f || ro;
  const app = currentApp();
  el.deleteApp.disabled = !app || ro;
  el.deleteApp.title = app ? t('tip.deleteApp', { app }) : t('tip.deleteAppNone');
  if (f) editor.setMarkers(markersFor(err));

  el.fileError.hidden = !err;
  if (err) {
    const m = markersFor(err)[0];
    el.fileError.replaceChildren(
      h('div', { class: 'fe-head' }, V.codeChip(err), ' ', h('strong', {}, err.message),
        m ? h('button', { type: 'button', class: 'link mono', onclick: () => editor.goTo(m.line, m.column) }, `${m.line}:${m.column || 1}`) : ''),
      // the engine's fix first: its actions stay in sight when the error's details fill the box
      fixRow(f?.actions?.fix),
      ...V.errorDetails(err, (_p, line, column) => editor.goTo(line, column), false));
  }
  V.renderToken(el.tokenBody, f);
}

/**
 * The engine's fix of the open file's error: a button that previews and applies it, or why there is none. Where
 * the file's place, content and token agree two by two on no value of an id, there is no single right fix: the
 * engine's choices, one per side that can be trusted, each a button of its own that previews it.
 */
function fixRow(fix) {
  if (!fix) return '';
  if (fix.kind === 'none' && arr(fix.choices).length) {
    return h('div', { class: 'fix-row fix-choices', 'data-testid': 'fix-choices' },
      h('span', { class: 'fix-why', 'data-testid': 'no-fix' }, fix.title.charAt(0).toUpperCase() + fix.title.slice(1)),
      h('span', { class: 'hint' }, t('fix.choose')),
      ...arr(fix.choices).map((c) => h('button', {
        type: 'button', class: 'btn small', 'data-testid': 'fix-choice', 'data-choice': c.choice, title: c.title,
        onclick: () => previewFix(c),
      }, t(`fix.trust.${c.choice}`))));
  }
  if (fix.kind === 'none') return h('div', { class: 'fix-row fix-none', 'data-testid': 'no-fix' }, t('fix.none', { why: fix.title }));
  return h('div', { class: 'fix-row' },
    h('button', { type: 'button', class: 'btn', 'data-testid': 'fix', onclick: () => previewFix(fix) }, t('btn.fix')),
    h('span', {}, fix.title));
}

const WITNESSES = ['place', 'content', 'token'];

/**
 * What the file's place, content and token say of each id, as the engine compared them (Fix.witnesses): the
 * values that agree with the one the fix keeps are marked, the others stand out; a row per id, only those on
 * which the witnesses differ (all three when none does).
 */
function witnessTable(witnesses) {
  const rows = arr(witnesses);
  if (!rows.length) return '';
  const differs = (w) => WITNESSES.some((side) => !arr(w.agree).includes(side));
  const shown = rows.some(differs) ? rows.filter(differs) : rows;
  const cell = (w, side) => {
    const v = w[side];
    if (v == null) {
      return h('td', { class: 'muted', 'data-witness': side }, t(side === 'token' ? 'witness.undecodable' : 'witness.unread'));
    }
    const agrees = arr(w.agree).includes(side);
    return h('td', { class: `mono ${agrees ? 'agree' : 'differ'}`, 'data-witness': side, 'data-agree': String(agrees), title: JSON.stringify(v) },
      agrees ? icon('check') : icon('close'), ' ', JSON.stringify(v),
      h('span', { class: 'sr-only' }, ` (${t(agrees ? 'witness.agrees' : 'witness.differs')})`));
  };
  return h('table', { class: 'mini witness-table', 'data-testid': 'witness-table' },
    h('caption', {}, t('fix.witnesses')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('witness.id')),
      ...WITNESSES.map((side) => h('th', { scope: 'col' }, t(`witness.${side}`))),
      h('th', { scope: 'col' }, t('witness.kept')))),
    h('tbody', {}, shown.map((w) => h('tr', { 'data-id': w.id },
      h('th', { scope: 'row', class: 'mono' }, w.id),
      ...WITNESSES.map((side) => cell(w, side)),
      w.value == null ? h('td', { class: 'muted' }, t('witness.none')) : h('td', { class: 'mono kept' }, JSON.stringify(w.value))))));
}

/**
 * The lines of a fix's preview: the move, each value of the content that changes, and a token written anew by
 * the fields that change in it (`/token · teamID: "FAKETEAMID" → "UTT7VDX8W5"`) rather than two encoded tokens.
 */
function fixDetails(fix) {
  const lines = [];
  if (fix.kind === 'move') lines.push(h('div', {}, t('fix.move', { from: fix.from, to: fix.to })));
  const rows = arr(fix.witnesses);
  for (const c of arr(fix.changes)) {
    const fields = c.pointer === '/token' && rows.length && rows.every((w) => w.token != null)
      ? rows.filter((w) => w.value != null && w.token !== w.value) : null;
    if (fields) {
      for (const w of fields) {
        lines.push(h('div', { 'data-token-field': w.field },
          t('fix.tokenField', { field: w.field, old: JSON.stringify(w.token), new: JSON.stringify(w.value) })));
      }
      continue;
    }
    lines.push(h('div', {}, `${c.pointer || '/'}: `, V.formatValue(c, 'old'), ' → ', V.formatValue(c, 'new')));
  }
  return lines;
}

/** Shows what a fix will change, as the engine proposes it, and applies it once the user agrees. */
async function previewFix(fix) {
  if (!(await confirmDiscard())) return;
  $('#fix-what').textContent = fix.title;
  $('#fix-witnesses').replaceChildren(witnessTable(fix.witnesses));
  $('#fix-details').replaceChildren(...fixDetails(fix));
  const dialog = $('#fix-dialog');
  dialog.returnValue = '';
  dialog.showModal();
  const ok = await new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
  if (!ok) return;
  const path = fix.path;
  await run(async () => {
    // a file changed since it was read is refused: the banner says so, and a reload proposes the fix again; a
    // choice names the side it trusts, which the engine applies only when named
    const r = await call('fix', { path, etag: fix.etag, ...(fix.choice && { trust: fix.choice }) });
    ui.changed.delete(path);
    loadFile(r.file);
    setState(r.state);
    select(r.file.path);
    toast(t('toast.fixed', { path: baseName(r.file.path) }));
  }, t('err.fix', { path }));
}

function renderEditorStatus(cursor) {
  if (cursor) ui.cursor = cursor;
  const c = ui.cursor ?? { line: 1, column: 1 };
  const parts = [];
  if (ui.file) {
    parts.push(h('span', {}, t('editor.pos', { line: c.line, column: c.column })));
    parts.push(h('span', {}, { '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR' }[ui.eol]));
    if (ui.state?.readonly) parts.push(h('span', { class: 'warn' }, t('readonly')));
    if (ui.dirty) parts.push(h('span', { class: 'warn' }, t('editor.modified')));
    if (ui.changed.has(ui.file.path)) parts.push(h('span', { class: 'warn' }, t('editor.changedOnDisk')));
    if (c.marker) parts.push(h('span', { class: 'err-text' }, c.marker.message));
  }
  el.editorStatus.replaceChildren(...parts);
}

function currentApp() {
  if (ui.file) return appOf(ui.file.path);
  if (ui.selected.startsWith('app:')) return ui.selected.slice(4);
  return ui.view.app;
}

// ---- actions
async function openFile(path, line, column) {
  if (ui.file?.path !== path) {
    if (!(await confirmDiscard())) return;
    const file = await run(() => call('read', { path }), t('err.read', { path }));
    if (!file) return;
    loadFile(file);
  }
  select(path);
  const target = line > 0 ? { line, column } : markersFor(fileError())[0];
  if (target) editor.goTo(target.line, target.column);
}

function select(key, scroll = true) {
  ui.selected = key;
  const i = diskList.items.findIndex((it) => (it.type === 'app' ? `app:${it.name}` : it.path) === key);
  if (i >= 0 && scroll) diskList.scrollToIndex(i);
  else diskList.draw();
  memList.draw();
}

async function openZipFile(file, root = '') {
  if (!file || MODE !== 'browser') return;
  if (!/\.zip$/i.test(file.name)) {
    showError({ message: t('err.notZip', { name: file.name }), kind: 'input' });
    return;
  }
  if (!(await confirmDiscard())) return;
  if (!(await work.confirmReplace('open', file.name))) return;
  const bytes = await file.arrayBuffer();
  // What is kept is a copy of these bytes: a File kept as such is read again from the user's disk, where it may
  // since have changed or gone. Made before the bytes go to the worker, which takes them.
  const kept = new Blob([bytes], { type: 'application/zip' });
  await run(async () => {
    const st = await openZipAt(file, bytes, root);
    if (!st) return;
    resetForNewSource();
    setState(st);
    toast(t('toast.opened', { name: file.name }));
    work.adopt({ kind: 'zip', name: file.name, blob: kept, ...(root && { root }) }); // stored in the background
  }, t('err.openZip', { name: file.name }));
}

/**
 * openZip, with root the folder inside the zip to open ("" for the zip's own root). A zip whose root is probably
 * not the MobileApps folder meant is no error to show but a question: the banner names the folder inside it
 * and opens it on a click. Answers the State, or nothing when the banner asks.
 */
async function openZipAt(file, bytes, root) {
  hideWrongRoot();
  try {
    return await call('openZip', { name: file.name, bytes, lang: lang(), ...(root && { root }) });
  } catch (err) {
    if (err.kind !== 'wrongroot') throw err;
    ui.wrongRoot = { file, root: err.root ?? '' };
    renderWrongRoot();
    return null;
  }
}

function renderWrongRoot() {
  const w = ui.wrongRoot;
  if (!w) return;
  el.rootBannerMsg.textContent = w.root ? t('wrongRoot.inside', { name: w.file.name, root: w.root }) : t('wrongRoot.appFolder', { name: w.file.name });
  el.rootBannerOpen.hidden = !w.root;
  el.rootBannerOpen.textContent = t('wrongRoot.open', { root: w.root });
  el.rootBanner.hidden = false;
}

function hideWrongRoot() {
  ui.wrongRoot = null;
  el.rootBanner.hidden = true;
}

async function openSample() {
  if (!(await confirmDiscard())) return;
  if (work && !(await work.confirmReplace('sample'))) return;
  await run(async () => {
    const st = await call('openSample', { lang: lang() });
    resetForNewSource();
    setState(st);
    work?.adopt({ kind: 'sample' });
  }, t('err.sample'));
}

/** Browser mode: the source open at the last visit, with its edits; false when there is none. */
async function reopenWork() {
  const kept = await work.start();
  if (!kept) return false;
  const { source, edits } = kept;
  const name = source.kind === 'sample' ? 'sample' : source.name;
  await run(async () => {
    const st = source.kind === 'sample'
      ? await call('openSample', { lang: lang(), edits })
      : await call('openZip', { name: source.name, bytes: await source.blob.arrayBuffer(), lang: lang(), edits, ...(source.root && { root: source.root }) });
    setState(st);
    await work.restarted();
    const n = work.counts.notDownloaded;
    if (n) toast(t('toast.restored', { name, changes: plural('unsaved.count', n) }));
    await openViewFile();
  }, t('err.restore', { name }));
  return true;
}

/** Drops every edit of the source open: it is again as it was opened. */
async function discardEdits() {
  if (!ui.state || !(await confirmDiscard())) return;
  const text = t('confirm.discardEdits', { changes: plural('n.changes', work.counts.differ), name: ui.state.source });
  if (!(await confirmDialog(text, t('btn.discardEdits')))) return;
  await run(async () => {
    const st = await call('discardEdits');
    resetForNewSource();
    setState(st);
    await work.restarted();
    toast(t('toast.discarded', { name: st.source }));
  }, t('err.discard'));
}

/** Opens the file the URL names, when the folder has it (else the URL stops naming it). */
async function openViewFile() {
  const f = ui.view.file;
  if (f && (ui.idx.sessions.has(f) || ui.idx.errors.has(f))) await openFile(f);
  else if (f) { ui.view.file = ''; writeHash(); }
}

function resetForNewSource() {
  hideWrongRoot();
  clearReport();
  ui.selected = '';
  ui.collapsed.clear();
  ui.changed.clear();
  ui.errLimit = 200;
  el.diskList.scrollTop = 0;
  closeFile();
}

async function save(force = false) {
  if (!ui.file || ui.state?.readonly || (!ui.dirty && !force)) return;
  const path = ui.file.path;
  const content = ui.eol === '\n' ? editor.value : editor.value.replace(/\n/g, ui.eol);
  const params = { path, content };
  if (!force) params.etag = ui.file.etag;
  await run(async () => {
    const r = await withConflict(() => call('write', params), () => save(true));
    if (!r) return;
    ui.changed.delete(path);
    loadFile(r.file, true);
    setState(r.state);
    toast(t('toast.saved', { path: baseName(path) }));
  }, t('err.save', { path }));
}

async function setStatus(status, force = false) {
  if (!ui.file) return;
  if (!force && !(await confirmDiscard())) return;
  const path = ui.file.path;
  const params = { path, status };
  if (!force) params.etag = ui.file.etag;
  await run(async () => {
    const r = await withConflict(() => call('setStatus', params), () => setStatus(status, true));
    if (!r) return;
    loadFile(r.file);
    setState(r.state);
    toast(t(status === 'accepted' ? 'toast.accepted' : 'toast.pending', { path: baseName(path) }));
  }, t('err.setStatus', { path }));
}

/** A write refused because the file changed since it was read: show Reload / Overwrite instead of an error. */
async function withConflict(fn, overwrite) {
  try {
    return await fn();
  } catch (err) {
    if (err.kind !== 'conflict') throw err;
    ui.conflictRetry = overwrite;
    $('#conflict-msg').textContent = t('conflict.msg');
    el.conflict.title = err.message;
    el.conflict.hidden = false;
    return null;
  }
}

async function reloadFile() {
  if (!ui.file) return;
  const path = ui.file.path;
  const file = await run(() => call('read', { path }), t('err.read', { path }));
  if (file) { ui.changed.delete(path); loadFile(file); }
}

async function removePath(path) {
  const st = ui.state;
  let text;
  if (path === '') text = t('confirm.deleteAll', { n: st?.disk?.summary?.files ?? 0 });
  else if (!path.includes('/')) {
    const a = arr(st?.apps).find((x) => x.name === path);
    text = t('confirm.deleteApp', { app: path, n: (a?.sessions ?? 0) + (a?.errors ?? 0) });
  } else text = t('confirm.deleteSession', { path });
  if (!(await confirmDialog(text, t('btn.delete')))) return;
  const context = t('err.remove', { path: path || 'MobileApps' });
  let force = false;
  for (;;) {
    let refused = null;
    const next = await run(async () => {
      try {
        return await call('remove', force ? { path, force } : { path });
      } catch (err) {
        if (err.kind !== 'foreign' || !err.entry || force) throw err;
        refused = err;
        return null;
      }
    }, context);
    if (refused) {
      // The engine refused: the folder holds what 4D does not put there, and nothing was deleted. Deleting that
      // too is a decision of its own, asked with the entry named.
      const ask = t('confirm.deleteForeign', { folder: path || 'MobileApps', entry: refused.entry });
      if (await confirmDialog(ask, t('btn.deleteAnyway'))) {
        force = true;
        continue;
      }
      showError(refused, context);
      return;
    }
    if (!next) return;
    if (ui.file && (path === '' || ui.file.path === path || ui.file.path.startsWith(`${path}/`))) {
      ui.dirty = false;
      closeFile();
    }
    setState(next);
    toast(path === '' ? t('toast.deletedAll') : t('toast.deleted', { path: baseName(path) }));
    return;
  }
}

function openCreate() {
  const f = el.createForm;
  const s = ui.file && ui.idx.sessions.get(ui.file.path);
  const app = currentApp();
  const sample = s ?? arr(ui.state?.disk?.sessions).find((x) => x.app === app);
  f.applicationId.value = sample?.applicationId ?? '';
  f.teamId.disabled = false;
  f.teamId.value = sample?.teamId ?? '';
  f.os.value = [...f.os.options].some((o) => o.value === sample?.os) ? sample.os : 'iOS';
  syncCreateOS();
  f.status.value = 'accepted';
  f.email.value = '';
  el.createDialog.returnValue = '';
  el.createDialog.showModal();
}

// An Android app has no team: the field is off and empty while Android is chosen, and gets its text back for
// another system.
function syncCreateOS() {
  const team = el.createForm.teamId;
  const android = el.createForm.os.value === 'Android';
  if (android && !team.disabled) [team.dataset.kept, team.value] = [team.value, ''];
  else if (!android && team.disabled) team.value = team.dataset.kept ?? '';
  team.disabled = android;
  team.placeholder = android ? '' : 'FAKETEAMID';
}

async function createSession() {
  const f = el.createForm;
  const params = {
    applicationId: f.applicationId.value.trim(), teamId: f.teamId.value.trim(),
    status: f.status.value, email: f.email.value.trim(), os: f.os.value,
  };
  if (!(await confirmDiscard())) return;
  await run(async () => {
    const r = await call('create', params);
    setState(r.state);
    loadFile(r.file);
    select(r.file.path);
    toast(t('toast.created', { path: baseName(r.file.path) }));
  }, t('err.create'));
}

async function refresh() {
  if (!ui.state) return;
  if (ui.dirty) toast(t('toast.unsaved'));
  await run(async () => {
    const r = await call('refresh');
    ui.report = r.report;
    ui.reportAt = new Date();
    ui.reportStale = false;
    setState(r.state);
    el.report.classList.remove('flash');
    void el.report.offsetWidth; // restart the animation
    el.report.classList.add('flash');
    el.report.scrollIntoView({ block: 'nearest' });
  }, t('err.refresh'));
}

async function restart() {
  if (!ui.state) return;
  await run(async () => {
    setState(await call('restart'));
    toast(t('toast.restarted', { n: ui.idx.memoryList.length }));
  }, t('err.restart'));
}

async function download() {
  if (!ui.state) return;
  if (ui.dirty) toast(t('toast.unsaved'));
  await run(async () => {
    const r = await call('download');
    const url = URL.createObjectURL(new Blob([r.bytes], { type: 'application/zip' }));
    const a = h('a', { href: url, download: r.name || 'MobileApps.zip', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }, t('err.download'));
}

async function changeLang(code) {
  setLang(code);
  store.set('lang', code);
  applyI18n(document);
  el.langSelect.value = code;
  fitHeader();
  render();
  renderEditorStatus();
  renderWrongRoot();
  if (!ui.state) return;
  if (!el.diskBanner.hidden) renderDiskBanner();
  if (!el.conflict.hidden) $('#conflict-msg').textContent = t('conflict.msg');
  await run(async () => {
    setState(await call('setLang', { lang: code }));
    if (!ui.file) return;
    // the file's error and token came from the engine in the old language: read them again (the status bar's
    // marker follows, as the editor reports the caret again when its markers change)
    const file = await call('read', { path: ui.file.path });
    if (file.path !== ui.file?.path) return; // another file was opened meanwhile
    if (!ui.dirty) loadFile(file, true);
    else if (file.etag === ui.file.etag) {
      ui.file = { ...ui.file, error: file.error, token: file.token, actions: file.actions };
      renderEditorChrome();
    }
  }, t('err.lang'));
}

// ---- server mode: the dev server tells when files change on disk (not the changes of this tab: transport.js)
function diskChanged(event) {
  markReportStale();
  renderReport();
  announce(event);
}

function announce({ paths, resync }) {
  for (const p of paths) ui.changed.add(p);
  if (resync) ui.resync = true;
  if (!ui.changed.size && !ui.resync) return;
  if (el.auto.checked) { reloadView(); return; }
  renderDiskBanner();
  el.diskBanner.hidden = false;
  renderEditorStatus();
}

function renderDiskBanner() {
  const list = [...ui.changed];
  el.diskBannerMsg.replaceChildren(
    h('strong', {}, list.length ? plural('disk.changed', list.length) : t('disk.resync')), ' ',
    h('span', { class: 'mono' }, list.slice(0, 6).join(', ') + (list.length > 6 ? ', …' : '')));
}

// server mode, -auto-refresh: the server refreshed memory itself; show its report
async function serverRefreshed(report) {
  if (report) {
    ui.report = report;
    ui.reportAt = new Date();
    ui.reportStale = false;
  }
  await run(async () => setState(await call('state')), t('err.reload'));
}

async function reloadView() {
  el.diskBanner.hidden = true;
  const changed = [...ui.changed];
  const all = ui.resync;
  await run(async () => {
    setState(await call('state'));
    const f = ui.file;
    if (f && !ui.dirty && (all || changed.some((p) => f.path === p || f.path.startsWith(`${p}/`)))) {
      if (ui.idx.sessions.has(f.path) || ui.idx.errors.has(f.path)) loadFile(await call('read', { path: f.path }), true);
      else closeFile(); // deleted on disk
    }
    ui.changed.clear();
    ui.resync = false;
    renderEditorStatus();
  }, t('err.reload'));
}

// ---- theme: follows prefers-color-scheme until the user picks one (remembered)
const darkQuery = matchMedia('(prefers-color-scheme: dark)');
function applyTheme() {
  const chosen = store.get('theme');
  if (chosen === 'light' || chosen === 'dark') document.documentElement.dataset.theme = chosen;
  else delete document.documentElement.dataset.theme;
  const dark = (chosen || (darkQuery.matches ? 'dark' : 'light')) === 'dark';
  el.theme.replaceChildren(icon(dark ? 'sun' : 'moon'));
  const label = t(dark ? 'theme.toLight' : 'theme.toDark');
  el.theme.setAttribute('aria-label', label);
  el.theme.title = label;
  el.theme.setAttribute('aria-pressed', String(dark));
}

/** Drop the action labels when the header would wrap (their names stay in title and aria). */
function fitHeader() {
  const top = $('.top');
  top.classList.remove('compact');
  if (top.offsetHeight > 52) top.classList.add('compact');
}

// ---- splitters (sizes remembered)
function splitter(handle, cssVar, { axis, min, max, invert }) {
  const root = document.documentElement;
  const saved = store.get(cssVar);
  if (saved) root.style.setProperty(cssVar, saved);
  const setPx = (px) => {
    const v = `${Math.round(Math.max(min, Math.min(max(), px)))}px`;
    root.style.setProperty(cssVar, v);
    store.set(cssVar, v);
  };
  const current = () => parseFloat(getComputedStyle(root).getPropertyValue(cssVar)) || min;
  handle.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    handle.setPointerCapture(e.pointerId);
    const start = axis === 'x' ? e.clientX : e.clientY;
    const size = current();
    const move = (ev) => setPx(size + (invert ? -1 : 1) * ((axis === 'x' ? ev.clientX : ev.clientY) - start));
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', () => handle.removeEventListener('pointermove', move), { once: true });
  });
  handle.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: -20, ArrowUp: -20, ArrowRight: 20, ArrowDown: 20 }[e.key];
    if (step) { e.preventDefault(); setPx(current() + (invert ? -step : step)); }
  });
}

// ---- wiring
function updateView(patch) {
  Object.assign(ui.view, patch);
  writeHash();
  renderFilters();
  renderLists();
}

function wire() {
  el.zipInput.addEventListener('change', () => { openZipFile(el.zipInput.files[0]); el.zipInput.value = ''; });
  $('#empty-open').addEventListener('click', () => el.zipInput.click());
  $('#empty-sample').addEventListener('click', openSample);
  el.sample.addEventListener('click', openSample);
  el.refresh.addEventListener('click', refresh);
  el.restart.addEventListener('click', restart);
  el.download.addEventListener('click', download);
  el.create.addEventListener('click', openCreate);
  el.deleteAll.addEventListener('click', async () => { if (!work || await work.confirmReplace('deleteAll')) removePath(''); });
  $('[data-testid="refresh-again"]').addEventListener('click', refresh);
  el.save.addEventListener('click', () => save());
  el.accept.addEventListener('click', () => setStatus('accepted'));
  el.setPending.addEventListener('click', () => setStatus('pending'));
  el.deleteSession.addEventListener('click', () => ui.file && removePath(ui.file.path));
  el.deleteApp.addEventListener('click', () => { const a = currentApp(); if (a) removePath(a); });
  $('#conflict-reload').addEventListener('click', reloadFile);
  $('#conflict-overwrite').addEventListener('click', () => { el.conflict.hidden = true; ui.conflictRetry?.(); });
  $('#conflict-cancel').addEventListener('click', () => { el.conflict.hidden = true; });
  $('#error-banner-close').addEventListener('click', hideError);
  $('#disk-banner-reload').addEventListener('click', reloadView);
  $('#disk-banner-close').addEventListener('click', () => { el.diskBanner.hidden = true; });
  el.rootBannerOpen.addEventListener('click', () => { const w = ui.wrongRoot; if (w?.root) openZipFile(w.file, w.root); });
  $('#root-banner-close').addEventListener('click', hideWrongRoot);
  el.createDialog.addEventListener('close', () => { if (el.createDialog.returnValue === 'ok') createSession(); });
  el.createForm.os.addEventListener('change', syncCreateOS);

  el.auto.checked = store.get('autoRefresh') === '1';
  el.auto.addEventListener('change', () => { store.set('autoRefresh', el.auto.checked ? '1' : null); if (el.auto.checked && ui.changed.size) reloadView(); });

  el.langSelect.replaceChildren(...LANGS.map((l) => h('option', { value: l.code }, l.name)));
  el.langSelect.value = lang();
  el.langSelect.addEventListener('change', () => changeLang(el.langSelect.value));
  el.theme.addEventListener('click', () => {
    const dark = (store.get('theme') || (darkQuery.matches ? 'dark' : 'light')) === 'dark';
    store.set('theme', dark ? 'light' : 'dark');
    applyTheme();
  });
  darkQuery.addEventListener('change', applyTheme);

  let searchTimer = 0;
  el.search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => updateView({ q: el.search.value }), 120);
  });
  el.search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { el.search.value = ''; updateView({ q: '' }); el.search.blur(); }
  });
  el.fApp.addEventListener('change', () => updateView({ app: el.fApp.value }));
  el.fStatus.addEventListener('change', () => updateView({ status: el.fStatus.value }));
  el.fCode.addEventListener('change', () => updateView({ code: el.fCode.value }));
  el.fDiffers.addEventListener('change', () => updateView({ differs: el.fDiffers.checked ? '1' : '' }));
  el.fSkipped.addEventListener('change', () => updateView({ skipped: el.fSkipped.checked ? '1' : '' }));
  el.gridHead.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-sort]');
    if (!b) return;
    const same = ui.view.sort === b.dataset.sort;
    updateView({ sort: b.dataset.sort, dir: same && ui.view.dir === 'asc' ? 'desc' : 'asc' });
  });

  el.diskList.addEventListener('click', (e) => {
    const row = e.target.closest('.row');
    if (row) activateRow(row.dataset.app !== undefined ? `app:${row.dataset.app}` : row.dataset.path);
  });
  el.diskList.addEventListener('keydown', (e) => {
    const items = diskList.items;
    if (!items.length) return;
    const keyOf = (it) => (it.type === 'app' ? `app:${it.name}` : it.path);
    let i = items.findIndex((it) => keyOf(it) === ui.selected);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      i = Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
      select(keyOf(items[i]));
    } else if (e.key === 'Enter' && i >= 0) {
      e.preventDefault();
      activateRow(keyOf(items[i]));
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && ui.selected.startsWith('app:')) {
      const name = ui.selected.slice(4);
      if (e.key === 'ArrowLeft') ui.collapsed.add(name); else ui.collapsed.delete(name);
      renderLists();
    }
  });
  el.memList.addEventListener('click', (e) => {
    const path = e.target.closest('.row')?.dataset.path;
    if (!path) return;
    if (ui.idx.sessions.has(path) || ui.idx.errors.has(path)) openFile(path);
    else { select(path, false); toast(t('toast.gone', { path })); }
  });

  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 's') { e.preventDefault(); save(); return; }
    if (mod && e.key === 'Enter') { e.preventDefault(); refresh(); return; }
    const typing = e.target.closest?.('input, textarea, select, [contenteditable]');
    if (e.key === '/' && !mod && !e.altKey && !typing) { e.preventDefault(); el.search.focus(); el.search.select(); }
  });
  window.addEventListener('beforeunload', (e) => { if (ui.dirty) e.preventDefault(); });
  window.addEventListener('hashchange', () => {
    const next = readHash();
    const fileChanged = next.file !== ui.view.file;
    ui.view = next;
    renderFilters();
    renderLists();
    if (fileChanged && next.file && ui.state) openFile(next.file);
  });

  wireDrop();
  window.addEventListener('resize', fitHeader);
  const main = $('main');
  splitter($('#split-v'), '--right-w', { axis: 'x', min: 320, max: () => main.clientWidth - 360, invert: true });
  splitter($('#split-h'), '--dock-h', { axis: 'y', min: 90, max: () => innerHeight * 0.7, invert: true });
}

// The whole window accepts a dropped .zip, in browser mode. The dev server refuses zips: there a drop is only
// kept from replacing the page with the dropped file.
function wireDrop() {
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  if (MODE !== 'browser') {
    for (const type of ['dragover', 'drop']) {
      window.addEventListener(type, (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'none'; } });
    }
    return;
  }
  let depth = 0;
  window.addEventListener('dragenter', (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; el.overlay.hidden = false; } });
  window.addEventListener('dragover', (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  window.addEventListener('dragleave', (e) => { if (hasFiles(e) && --depth <= 0) { depth = 0; el.overlay.hidden = true; } });
  window.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    el.overlay.hidden = true;
    const files = [...e.dataTransfer.files];
    openZipFile(files.find((f) => /\.zip$/i.test(f.name)) ?? files[0]);
  });
}

function activateRow(key) {
  if (!key) return;
  if (key.startsWith('app:')) {
    const name = key.slice(4);
    if (ui.collapsed.has(name)) ui.collapsed.delete(name); else ui.collapsed.add(name);
    ui.selected = key;
    renderLists();
    renderEditorChrome();
    return;
  }
  if (ui.idx.sessions.has(key) || ui.idx.errors.has(key)) openFile(key);
  else select(key, false);
}

async function boot() {
  setLang(pickLang(query.get('lang'), store.get('lang'), navigator.languages));
  hydrateIcons(document);
  applyI18n(document);
  applyTheme();
  wire();
  render();
  fitHeader();
  transport.onProgress(onProgress);
  if (MODE === 'server') {
    el.autoWrap.hidden = false;
    transport.onEvents({ disk: diskChanged, refresh: serverRefreshed });
  }
  if (MODE === 'browser' && (await reopenWork())) return;
  const sample = query.has('sample') || meta('mobisess-autoload') === 'sample';
  if (MODE === 'browser' && !sample) return; // wait for a zip
  await run(async () => {
    let st = MODE === 'browser' ? await call('openSample', { lang: lang() }) : await call('state');
    if (st.lang && st.lang !== lang()) st = await call('setLang', { lang: lang() });
    setState(st);
    if (MODE === 'browser') work.adopt({ kind: 'sample' });
    await openViewFile();
  }, MODE === 'browser' ? t('err.sample') : t('err.connect'));
}

boot();
