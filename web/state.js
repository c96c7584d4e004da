// @ts-check
// The console's one store: the engine's State and the lookups made from it, the view the URL keeps, the file open
// in the editor, the refresh report shown, and what the page says of its own work (busy, errors, banners). Every
// change goes through a method here, which says what changed (a topic); the panels subscribe to the topics they
// show and render from the store, never from each other.

import { arr, appOf } from './dom.js';
import { rowsOf, facetCounts } from './facets.js';

/**
 * @import { State, FileDoc, RefreshReport, Session, CheckError, Change, Code, Progress, Settings } from './types.js'
 * @import { Row, FacetCounts } from './facets.js'
 */

/**
 * What changed: the State (a new one from the engine), the view (filters, sort, search), the open file (its
 * document, dirty or not, a conflict), the selection, the app folders folded, how many errors are listed, the
 * refresh report, the server's disk changes, the zip whose root is not the folder meant, the error shown, the
 * engine's activity (busy, progress), the language, the header's layout, a new source (the view starts over),
 * a place to show in the editor, a refresh just done, what the engine says of the editor's unsaved text, the
 * dev server's settings.
 * @typedef {'state' | 'view' | 'file' | 'dirty' | 'conflict' | 'selection' | 'collapsed' | 'errLimit' | 'report'
 *   | 'disk' | 'wrongRoot' | 'error' | 'activity' | 'lang' | 'layout' | 'reset' | 'goto' | 'refreshed' | 'said'
 *   | 'settings'} Topic
 */

/**
 * What comes with a change, for the panel that acts on it: how the editor takes a file loaded (set: a new
 * document; replace: the same one rewritten, the caret kept), whether the disk list scrolls to the selection, a
 * place in the open file.
 * @typedef {{editor?: 'set' | 'replace', scroll?: boolean, line?: number, column?: number}} Detail
 */

/**
 * A zip or a folder whose root is probably not the folder meant: its name, the folder inside it that the engine
 * names (root, "" for none), whether it is a folder, and how to open it at a root.
 * @typedef {{name: string, root: string, folder: boolean, open: (root: string) => void}} WrongRoot
 */

/** @typedef {(changed: ReadonlySet<Topic>, detail: Detail) => void} Listener */

/**
 * How a file on disk differs from memory (State.pending), by path.
 * @typedef {{kind: 'updated', changes: Change[]} | {kind: 'notLoaded'} | {kind: 'removed', code?: Code, message: string}} Pending
 */

/**
 * Lookups made once per State.
 * @typedef {object} Index
 * @property {Map<string, Pending>} pending
 * @property {Map<string, string>} hay what the search box matches, per disk path, lower-cased once per State
 * @property {Map<string, string>} memHay the same, per session in memory
 * @property {Map<string, Session>} memory the sessions in memory, by path
 * @property {Session[]} memoryList the same, in path order
 * @property {Map<string, Session>} sessions the disk's sessions, by path
 * @property {Map<string, CheckError>} errors the disk's errors, by path
 * @property {Map<string, number>} differs per app folder, its files on disk that differ from memory
 * @property {Row[]} rows the files of the disk list, as the filters see them (facets.js)
 */

/** The view: what the filters, the search and the sort show, and the file open; kept in the URL's hash. */
export const VIEW_DEFAULTS = Object.freeze({
  q: '', app: '', status: '', code: '', differs: '', skipped: '1', sort: 'path', dir: 'asc', file: '',
});
/** @typedef {{-readonly [K in keyof typeof VIEW_DEFAULTS]: string}} View */

/** @returns {View} */
export function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return /** @type {View} */ (Object.fromEntries(Object.entries(VIEW_DEFAULTS).map(([k, d]) => [k, p.get(k) ?? d])));
}

/** @param {View} view */
function writeHash(view) {
  const p = new URLSearchParams();
  for (const [k, d] of Object.entries(VIEW_DEFAULTS)) {
    const v = view[/** @type {keyof View} */ (k)];
    if (v !== d) p.set(k, v);
  }
  const s = p.toString();
  history.replaceState(null, '', s ? `#${s}` : location.pathname + location.search);
}

/**
 * Lookups derived once per State.
 * @param {State | null} st
 * @returns {Index}
 */
export function indexState(st) {
  /** @type {Map<string, Pending>} */
  const pending = new Map();
  for (const u of arr(st?.pending?.updated)) pending.set(u.path, { kind: 'updated', changes: arr(u.changes) });
  for (const n of arr(st?.pending?.notLoaded)) pending.set(n.path, { kind: 'notLoaded' });
  for (const r of arr(st?.pending?.removed)) pending.set(r.path, { kind: 'removed', code: r.code, message: r.message });
  /** @type {Map<string, string>} */
  const hay = new Map();
  /** @param {string} path @param {(string | undefined)[]} fields */
  const add = (path, ...fields) => hay.set(path, fields.filter((f) => f != null && f !== '').join('\u0000').toLowerCase());
  for (const s of arr(st?.disk?.sessions)) {
    add(s.path, s.path, s.email, s.device, s.deviceId, s.os, s.osVersion, s.language, s.ip, s.applicationName, s.status);
  }
  for (const e of arr(st?.disk?.errors)) add(e.path, e.path, e.message, e.cause, `mobi ${e.code}`);
  for (const k of arr(st?.disk?.skipped)) add(k.path, k.path, k.reason, k.kind);
  const sessions = new Map(arr(st?.disk?.sessions).map((s) => [s.path, s]));
  const errors = new Map(arr(st?.disk?.errors).map((e) => [e.path, e]));
  // memory names the sessions that are the disk's rather than repeat them (docs/api.md)
  /** @type {Map<string, Session>} */
  const memory = new Map();
  for (const p of arr(st?.memory?.sameAsDisk)) {
    const s = sessions.get(p);
    if (s) memory.set(p, s);
  }
  for (const m of arr(st?.memory?.sessions)) memory.set(m.path, m);
  const memoryList = [...memory.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const memHay = new Map(memoryList.map((m) => [m.path,
    [m.path, m.email, m.device, m.os, m.language, m.ip, m.status].filter(Boolean).join('\u0000').toLowerCase()]));
  // the files on disk that differ from memory, per app: the engine counts the rest (State.apps)
  /** @type {Map<string, number>} */
  const differs = new Map();
  for (const path of pending.keys()) {
    if (sessions.has(path) || errors.has(path)) differs.set(appOf(path), (differs.get(appOf(path)) ?? 0) + 1);
  }
  const rows = rowsOf(st, (path) => pending.has(path), (path) => hay.get(path) ?? '');
  return { pending, hay, memHay, memory, memoryList, sessions, errors, differs, rows };
}

/**
 * The file open in the editor: the engine's File, its text as last read or written with line breaks as \n, its
 * own line breaks (restored on save: a textarea turns CR and CRLF into LF), whether the editor holds changes, a
 * write refused because the file changed since it was read (retry: the write again, forced), and what the engine
 * says of the text the editor holds, unsaved (inspect: its error, token and actions; null when it says nothing
 * more than doc, and text, the text it was said of).
 * @typedef {object} OpenFile
 * @property {FileDoc | null} doc
 * @property {string} saved
 * @property {'\n' | '\r\n' | '\r'} eol
 * @property {boolean} dirty
 * @property {{message: string, retry: () => void} | null} conflict
 * @property {{file: FileDoc, text: string} | null} said
 */

/** @returns {OpenFile} */
const noFile = () => ({ doc: null, saved: '', eol: '\n', dirty: false, conflict: null, said: null });

/** The page's preferences (language, theme, pane sizes, what is folded), kept in localStorage when it may. */
export const prefs = {
  /** @param {string} k */
  get(k) { try { return localStorage.getItem(`mobisess.${k}`); } catch { return null; } },
  /** @param {string} k @param {string | null} v null: forget it */
  set(k, v) { try { if (v == null) localStorage.removeItem(`mobisess.${k}`); else localStorage.setItem(`mobisess.${k}`, v); } catch { /* private mode */ } },
};

/** The first rows of the errors panel, and how many more each "more" shows. */
export const ERROR_PAGE = 200;

export class Store {
  /** @type {State | null} */
  state = null;
  /** @type {Index} */
  idx = indexState(null);
  view = readHash();
  /** @type {OpenFile} */
  file = noFile();
  /**
   * The report of the last refresh, and when it ran; stale once files changed since. Without one, the report
   * panel shows the dry run of State.pending.
   * @type {{doc: RefreshReport | null, at: Date | null, stale: boolean}}
   */
  report = { doc: null, at: null, stale: false };
  /** a path, or "app:" + an app folder */
  selected = '';
  /** @type {Set<string>} the app folders folded in the disk list */
  collapsed = new Set();
  errLimit = ERROR_PAGE;
  /**
   * Server mode: the paths changed on disk since the view was last reloaded, whether events were missed (reload
   * everything), and whether the banner that says so is shown.
   */
  disk = { changed: /** @type {Set<string>} */ (new Set()), resync: false, banner: false, seq: 0 };
  /**
   * Server mode: the dev server's settings (auto refresh: each change on disk is refreshed, and the view follows),
   * null until it answers; browser mode has none.
   * @type {Settings | null}
   */
  settings = null;
  /** @type {WrongRoot | null} the zip or folder whose root is probably not the folder meant, and the one inside it */
  wrongRoot = null;
  /** @type {{err: unknown, context: string | undefined} | null} the failure shown in the error banner */
  error = null;
  /**
   * Calls under way, and what the engine says of the work (progress), or that it is taking a while without
   * saying (waiting).
   * @type {{busy: number, progress: Progress | null, waiting: boolean}}
   */
  activity = { busy: 0, progress: null, waiting: false };

  /** @type {{topics: ReadonlySet<Topic>, fn: Listener}[]} */
  #listeners = [];
  /** @type {{idx: Index, key: string, counts: FacetCounts} | null} the facet counts last computed, and for what */
  #facets = null;

  /**
   * Calls fn whenever one of topics changes.
   * @param {Topic[]} topics
   * @param {Listener} fn
   */
  on(topics, fn) {
    this.#listeners.push({ topics: new Set(topics), fn });
  }

  /**
   * Tells the subscribers of topics, each once however many of its topics changed, in the order they subscribed.
   * @param {Topic[]} topics
   * @param {Detail} [detail]
   */
  emit(topics, detail = {}) {
    const changed = new Set(topics);
    for (const l of this.#listeners) {
      if (topics.some((t) => l.topics.has(t))) l.fn(changed, detail);
    }
  }

  // ---- the engine's State

  /**
   * A State from the engine, and with it the report of a refresh just run.
   * @param {State} st
   * @param {RefreshReport} [report]
   * @param {Topic[]} [also] what else changed with it, told at once
   * @param {Detail} [detail]
   */
  setState(st, report, also = [], detail = {}) {
    this.state = st;
    this.idx = indexState(st);
    if (this.view.app && !arr(st.apps).some((a) => a.name === this.view.app)) this.view.app = '';
    /** @type {Topic[]} */
    const topics = ['state', ...also];
    if (report) {
      this.report = { doc: report, at: new Date(), stale: false };
      topics.push('report', 'refreshed');
    }
    this.emit(topics, detail);
  }

  /**
   * Whether path is a file on disk now, one that can be opened.
   * @param {string} path
   */
  onDisk(path) {
    return this.idx.sessions.has(path) || this.idx.errors.has(path);
  }

  /** What the engine says of the text in the editor: of the unsaved text when it said it, else of the file read. */
  said() {
    return this.file.said?.file ?? this.file.doc;
  }

  /** The error of the text in the editor: as the engine inspected or read it, else as the State lists it. */
  fileError() {
    const f = this.file.doc;
    if (!f) return null;
    if (this.file.said) return this.file.said.file.error ?? null;
    return f.error ?? this.idx.errors.get(f.path) ?? null;
  }

  /**
   * How many files each value of each filter would show, under the others: counted once per State and view.
   * @returns {FacetCounts}
   */
  facets() {
    const { q, app, status, code, differs, skipped } = this.view;
    const key = JSON.stringify([q.trim().toLowerCase(), app, status, code, differs, skipped]);
    if (this.#facets?.idx !== this.idx || this.#facets.key !== key) {
      this.#facets = { idx: this.idx, key, counts: facetCounts(this.idx.rows, this.view) };
    }
    return this.#facets.counts;
  }

  /** The app folder the actions on an app apply to: the open file's, the selected one's, or the one filtered. */
  currentApp() {
    if (this.file.doc) return appOf(this.file.doc.path);
    if (this.selected.startsWith('app:')) return this.selected.slice(4);
    return this.view.app;
  }

  // ---- the view

  /**
   * Changes what the lists show, and the URL with it.
   * @param {Partial<View>} patch
   */
  setView(patch) {
    Object.assign(this.view, patch);
    writeHash(this.view);
    this.emit(['view']);
  }

  /**
   * The view the URL names now (the user changed the hash).
   * @param {View} view
   */
  replaceView(view) {
    this.view = view;
    this.emit(['view']);
  }

  /**
   * @param {string} key a path, or "app:" + an app folder
   * @param {boolean} [scroll] the disk list scrolls to show it
   */
  select(key, scroll = true) {
    this.selected = key;
    this.emit(['selection'], { scroll });
  }

  /**
   * Folds an app folder of the disk list, or unfolds it, and selects it.
   * @param {string} name
   * @param {boolean} [fold] fold or unfold; toggled when not given
   */
  fold(name, fold = !this.collapsed.has(name)) {
    if (fold) this.collapsed.add(name); else this.collapsed.delete(name);
    this.selected = `app:${name}`;
    this.emit(['collapsed', 'selection'], { scroll: false });
  }

  moreErrors() {
    this.errLimit += ERROR_PAGE;
    this.emit(['errLimit']);
  }

  // ---- the open file

  /**
   * A file read or written: the editor shows it (keepCursor: the same file rewritten, the caret kept).
   * @param {FileDoc} file
   * @param {boolean} [keepCursor]
   */
  loadFile(file, keepCursor = false) {
    const content = file.content ?? '';
    const eol = content.includes('\r\n') ? '\r\n' : content.includes('\r') ? '\r' : '\n';
    this.file = { doc: file, saved: eol === '\n' ? content : content.replace(/\r\n?/g, '\n'), eol, dirty: false, conflict: null, said: null };
    this.view.file = file.path;
    writeHash(this.view);
    this.emit(['file', 'dirty', 'conflict'], { editor: keepCursor ? 'replace' : 'set' });
  }

  /** The URL stops naming a file that is not there: nothing shows it but the URL. */
  forgetViewFile() {
    this.view.file = '';
    writeHash(this.view);
  }

  closeFile() {
    this.file = noFile();
    this.view.file = '';
    writeHash(this.view);
    this.emit(['file', 'dirty', 'conflict'], { editor: 'set' });
  }

  /**
   * What the engine says of the open file, in another language: its text, and the editor, unchanged.
   * @param {Pick<FileDoc, 'error' | 'token' | 'actions'>} said
   */
  reword({ error, token, actions }) {
    if (!this.file.doc) return;
    this.file.doc = { ...this.file.doc, error, token, actions };
    this.emit(['file']);
  }

  /** @param {boolean} dirty whether the editor's text differs from the file's */
  setDirty(dirty) {
    if (this.file.dirty === dirty) return;
    this.file.dirty = dirty;
    /** @type {Topic[]} */
    const topics = ['dirty'];
    if (!dirty && this.file.said) {
      this.file.said = null; // the editor holds the file's text again: the read says it all
      topics.push('said');
    }
    this.emit(topics);
  }

  /**
   * What the engine says of the unsaved text the editor holds (text, with line breaks as \n).
   * @param {FileDoc} file
   * @param {string} text
   */
  setSaid(file, text) {
    if (file.path !== this.file.doc?.path) return;
    this.file.said = { file, text };
    this.emit(['said']);
  }

  /**
   * A write refused because the file changed since it was read (retry: the write, forced), or none.
   * @param {{message: string, retry: () => void} | null} conflict
   */
  setConflict(conflict) {
    this.file.conflict = conflict;
    this.emit(['conflict']);
  }

  /**
   * A place to show in the open file; without a line, its error's.
   * @param {number} [line]
   * @param {number} [column]
   */
  goTo(line, column) {
    this.emit(['goto'], { line, column });
  }

  // ---- the refresh report

  /**
   * The report of a refresh the dev server ran itself (-auto-refresh).
   * @param {RefreshReport} report
   */
  setReport(report) {
    this.report = { doc: report, at: new Date(), stale: false };
    this.emit(['report']);
  }

  /** The report of the last refresh no longer applies (a restart, a new source, everything deleted). */
  clearReport() {
    this.report = { doc: null, at: null, stale: false };
    this.emit(['report']);
  }

  /** Files changed since the last refresh: its report is kept, marked as out of date. */
  markReportStale() {
    if (!this.report.doc || this.report.stale) return;
    this.report.stale = true;
    this.emit(['report']);
  }

  // ---- the dev server's disk

  /**
   * Files changed on disk (resync: events were missed).
   * @param {string[]} paths
   * @param {boolean} resync
   * @param {boolean} banner whether the banner says so, when anything changed (else the view is reloaded)
   */
  diskChanged(paths, resync, banner) {
    this.disk.seq++;
    for (const p of paths) this.disk.changed.add(p);
    if (resync) this.disk.resync = true;
    if (!this.disk.changed.size && !this.disk.resync) return;
    if (banner) this.disk.banner = true;
    this.emit(['disk']);
  }

  /** @param {Settings} settings the dev server's settings, as it answered or told them */
  setSettings(settings) {
    this.settings = settings;
    this.emit(['settings']);
  }

  /** @param {string} [path] the file the view now has as it is on disk; every file when not given */
  diskSeen(path) {
    if (path === undefined) this.disk = { changed: new Set(), resync: false, banner: false, seq: this.disk.seq };
    else if (!this.disk.changed.delete(path)) return;
    this.emit(['disk']);
  }

  /**
   * A State computed after the disk events up to seq reached the page: the lists show those changes already.
   * What is left to say is the open file, when it changed and the editor still shows it as it was; with nothing
   * left, the banner goes.
   * @param {number} seq the disk events' count when the State was asked for
   */
  diskCurrent(seq) {
    if (seq !== this.disk.seq || (!this.disk.changed.size && !this.disk.resync)) return;
    const open = this.file.doc?.path;
    const stale = [...this.disk.changed].filter((p) => open && (open === p || open.startsWith(`${p}/`)));
    this.disk = { changed: new Set(stale), resync: false, banner: this.disk.banner && stale.length > 0, seq };
    this.emit(['disk']);
  }

  hideDiskBanner() {
    this.disk.banner = false;
    this.emit(['disk']);
  }

  // ---- what the page says of its work

  /**
   * @param {WrongRoot | null} wrongRoot
   */
  setWrongRoot(wrongRoot) {
    if (!wrongRoot && !this.wrongRoot) return;
    this.wrongRoot = wrongRoot;
    this.emit(['wrongRoot']);
  }

  /**
   * @param {unknown} err
   * @param {string} [context]
   */
  showError(err, context) {
    this.error = { err, context };
    this.emit(['error']);
  }

  hideError() {
    if (!this.error) return;
    this.error = null;
    this.emit(['error']);
  }

  /** @param {Partial<Store['activity']>} patch */
  setActivity(patch) {
    Object.assign(this.activity, patch);
    this.emit(['activity']);
  }

  /**
   * Another source is open (a zip, the sample, the edits dropped): the view of the last one starts over, on st.
   * @param {State} st
   */
  openSource(st) {
    this.wrongRoot = null;
    this.report = { doc: null, at: null, stale: false };
    this.selected = '';
    this.collapsed.clear();
    this.disk.changed.clear();
    this.errLimit = ERROR_PAGE;
    this.file = noFile();
    this.view.file = '';
    writeHash(this.view);
    this.setState(st, undefined, ['reset', 'wrongRoot', 'report', 'disk', 'selection', 'collapsed', 'errLimit', 'file', 'dirty', 'conflict'], { editor: 'set' });
  }
}
