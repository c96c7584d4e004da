// @ts-check
// The console's one store: the engine's State and the lookups made from it, the view the URL keeps, the file open
// in the editor, the refresh report shown, and what the page says of its own work (busy, errors, banners). Every
// change goes through a method here, which says what changed (a topic); the panels subscribe to the topics they
// show and render from the store, never from each other.

import { arr, appOf } from './dom.js';
import { rowsOf, facetCounts, patchFacetCounts, queryOf } from './facets.js';

/**
 * @import { State, FileDoc, RefreshReport, Session, CheckError, Skipped, Change, Code, Progress, Settings, Delta, Row, Said } from './types.js'
 * @import { Row as FacetRow, FacetCounts } from './facets.js'
 */

/**
 * What changed: the State (a new one from the engine), the view (filters, sort, search), the open file (its
 * document, dirty or not, a conflict), the selection, the app folders folded, how many errors are listed, the
 * refresh report, the server's disk changes, the zip whose root is not the folder meant, the error shown, the
 * engine's activity (busy, progress), the language, the header's layout, a new source (the view starts over),
 * a place to show in the editor, a refresh just done, what the engine says of the editor's unsaved text, the
 * dev server's settings, the engine's words in the State said again (the same rows, in another language).
 * @typedef {'state' | 'view' | 'file' | 'dirty' | 'conflict' | 'selection' | 'collapsed' | 'errLimit' | 'report'
 *   | 'disk' | 'wrongRoot' | 'error' | 'activity' | 'lang' | 'layout' | 'reset' | 'goto' | 'refreshed' | 'said'
 *   | 'settings' | 'words'} Topic
 */

/**
 * What comes with a change, for the panel that acts on it: how the editor takes a file loaded (set: a new
 * document; replace: the same one rewritten, the caret kept), whether the disk list scrolls to the selection, a
 * place in the open file.
 * rows: the rows of the State that a Delta changed, when the State was patched rather than replaced (a panel may
 * patch what it made of the State with them).
 * @typedef {{editor?: 'set' | 'replace', scroll?: boolean, line?: number, column?: number, rows?: Row[]}} Detail
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
 * @property {FacetRow[]} rows the files of the disk list, as the filters see them (facets.js)
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
  for (const s of arr(st?.disk?.sessions)) hay.set(s.path, sessionHay(s));
  for (const e of arr(st?.disk?.errors)) hay.set(e.path, errorHay(e));
  for (const k of arr(st?.disk?.skipped)) hay.set(k.path, skippedHay(k));
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
  const memHay = new Map(memoryList.map((m) => [m.path, memoryHay(m)]));
  // the files on disk that differ from memory, per app: the engine counts the rest (State.apps)
  /** @type {Map<string, number>} */
  const differs = new Map();
  for (const path of pending.keys()) {
    if (sessions.has(path) || errors.has(path)) differs.set(appOf(path), (differs.get(appOf(path)) ?? 0) + 1);
  }
  const rows = rowsOf(st, (path) => pending.has(path), (path) => hay.get(path) ?? '');
  return { pending, hay, memHay, memory, memoryList, sessions, errors, differs, rows };
}

// ---- patching the State with a Delta (docs/api.md): in place, no copy of it kept

/**
 * Where the rows of one kind of file are in idx.rows, which holds the sessions, then the errors, then the skipped
 * entries, each in the order of the State's list of them.
 * @param {State} st
 * @param {'session' | 'error' | 'skipped'} type
 * @returns {[number, number]} from, to (excluded)
 */
export function rowSpan(st, type) {
  const sessions = arr(st.disk?.sessions).length;
  const errors = sessions + arr(st.disk?.errors).length;
  if (type === 'session') return [0, sessions];
  if (type === 'error') return [sessions, errors];
  return [errors, errors + arr(st.disk?.skipped).length];
}

/**
 * Orders paths as the engine's listing does: app folder by app folder, then each one's files, by name.
 * @param {string} a
 * @param {string} b
 */
export function compareListed(a, b) {
  const i = a.indexOf('/');
  const j = b.indexOf('/');
  const appA = i < 0 ? a : a.slice(0, i);
  const appB = j < 0 ? b : b.slice(0, j);
  if (appA !== appB) return appA < appB ? -1 : 1;
  const restA = i < 0 ? '' : a.slice(i + 1);
  const restB = j < 0 ? '' : b.slice(j + 1);
  return restA < restB ? -1 : restA > restB ? 1 : 0;
}

/** @param {string} a @param {string} b */
const comparePaths = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Puts item (or nothing) in place of the one at path in list, kept in order.
 * @template T
 * @param {T[]} list
 * @param {string} path
 * @param {T | undefined} item
 * @param {(x: T) => string} pathOf
 * @param {(a: string, b: string) => number} compare
 */
function putAt(list, path, item, pathOf, compare) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(pathOf(/** @type {T} */ (list[mid])), path) < 0) lo = mid + 1; else hi = mid;
  }
  const there = lo < list.length && pathOf(/** @type {T} */ (list[lo])) === path;
  if (item === undefined) {
    if (there) list.splice(lo, 1);
  } else if (there) list[lo] = item;
  else list.splice(lo, 0, item);
}

/** @param {{path: string}} x */
const pathOf = (x) => x.path;
/** @param {string} x */
const itself = (x) => x;

/** What the search box matches of a disk's session, error or skipped entry, lower-cased. */
/** @param {string} path @param {(string | undefined)[]} fields */
const hayOf = (path, ...fields) => [path, ...fields].filter((f) => f != null && f !== '').join('\u0000').toLowerCase();
/** @param {Session} s */
export const sessionHay = (s) => hayOf(s.path, s.email, s.device, s.deviceId, s.os, s.osVersion, s.language, s.ip, s.applicationName, s.status);
/** @param {CheckError} e */
export const errorHay = (e) => hayOf(e.path, e.message, e.cause, `mobi ${e.code}`);
/** @param {Skipped} k */
export const skippedHay = (k) => hayOf(k.path, k.reason, k.kind);
/** @param {Session} m */
export const memoryHay = (m) => [m.path, m.email, m.device, m.os, m.language, m.ip, m.status].filter(Boolean).join('\u0000').toLowerCase();

/**
 * Patches st and its lookups with a Delta: each row put in place in the lists it belongs to (kept in the
 * engine's order), the counts replaced. Work and memory follow the rows, not the folder.
 * @param {State} st
 * @param {Index} idx
 * @param {Delta} delta
 * @returns {{before: FacetRow | null, after: FacetRow | null}[]} each changed row of the disk list as it was and
 *   as it is (null: none), with which the filters' counts are patched (facets.js)
 */
export function patchState(st, idx, delta) {
  const disk = st.disk;
  disk.sessions ??= []; disk.errors ??= []; disk.skipped ??= [];
  const mem = st.memory;
  mem.sameAsDisk ??= []; mem.sessions ??= [];
  const pend = st.pending;
  pend.updated ??= []; pend.unchanged ??= []; pend.notLoaded ??= []; pend.removed ??= [];
  // idx.rows holds the sessions, then the errors, then the skipped entries: where each part ends
  let sessionsEnd = disk.sessions.length;
  let errorsEnd = sessionsEnd + disk.errors.length;
  /** @param {'session' | 'error' | 'skipped'} type @returns {[number, number]} */
  const part = (type) => (type === 'session' ? [0, sessionsEnd] : type === 'error' ? [sessionsEnd, errorsEnd] : [errorsEnd, idx.rows.length]);
  /** @param {'session' | 'error' | 'skipped'} type @param {string} p */
  const findRow = (type, p) => {
    let [lo, hi] = part(type);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareListed(/** @type {FacetRow} */ (idx.rows[mid]).path, p) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  /** @param {'session' | 'error' | 'skipped'} type @param {number} by */
  const grow = (type, by) => {
    if (type === 'session') sessionsEnd += by;
    if (type !== 'skipped') errorsEnd += by;
  };
  /** @type {{before: FacetRow | null, after: FacetRow | null}[]} */
  const changes = [];
  for (const row of arr(delta.rows)) {
    const p = row.path;
    const app = appOf(p);
    // what the row counted for in its app's files that differ from memory, before and after
    const differed = idx.pending.has(p) && (idx.sessions.has(p) || idx.errors.has(p));
    putAt(disk.sessions, p, row.session ?? undefined, pathOf, compareListed);
    putAt(disk.errors, p, row.error ?? undefined, pathOf, compareListed);
    putAt(disk.skipped, p, row.skipped ?? undefined, pathOf, compareListed);
    if (row.session) idx.sessions.set(p, row.session); else idx.sessions.delete(p);
    if (row.error) idx.errors.set(p, row.error); else idx.errors.delete(p);
    if (row.session) idx.hay.set(p, sessionHay(row.session));
    else if (row.error) idx.hay.set(p, errorHay(row.error));
    else if (row.skipped) idx.hay.set(p, skippedHay(row.skipped));
    else idx.hay.delete(p);

    const inMemory = row.sameAsDisk ? row.session : row.memory;
    putAt(mem.sameAsDisk, p, row.sameAsDisk ? p : undefined, itself, comparePaths);
    putAt(mem.sessions, p, row.memory ?? undefined, pathOf, comparePaths);
    putAt(idx.memoryList, p, inMemory ?? undefined, pathOf, comparePaths);
    if (inMemory) {
      idx.memory.set(p, inMemory);
      idx.memHay.set(p, memoryHay(inMemory));
    } else {
      idx.memory.delete(p);
      idx.memHay.delete(p);
    }

    putAt(pend.updated, p, row.updated ?? undefined, pathOf, compareListed);
    putAt(pend.notLoaded, p, row.notLoaded ? { path: p } : undefined, pathOf, compareListed);
    putAt(pend.removed, p, row.removed ?? undefined, pathOf, comparePaths);
    const unchanged = row.session && inMemory && !row.updated && !row.notLoaded && !row.removed;
    putAt(pend.unchanged, p, unchanged ? { path: p } : undefined, pathOf, compareListed);
    if (row.updated) idx.pending.set(p, { kind: 'updated', changes: arr(row.updated.changes) });
    else if (row.notLoaded) idx.pending.set(p, { kind: 'notLoaded' });
    else if (row.removed) idx.pending.set(p, { kind: 'removed', code: row.removed.code, message: row.removed.message });
    else idx.pending.delete(p);

    const differs = idx.pending.has(p) && (idx.sessions.has(p) || idx.errors.has(p));
    if (differed !== differs) {
      const n = (idx.differs.get(app) ?? 0) + (differs ? 1 : -1);
      if (n) idx.differs.set(app, n); else idx.differs.delete(app);
    }

    const common = { path: p, app, hay: idx.hay.get(p) ?? '', differs: idx.pending.has(p) };
    /** @type {FacetRow | null} */
    const r = row.session ? { ...common, type: 'session', s: row.session } : row.error ? { ...common, type: 'error', e: row.error }
      : row.skipped ? { ...common, type: 'skipped', k: row.skipped, differs: false } : null;
    let placed = false;
    /** @type {FacetRow | null} */
    let before = null;
    for (const type of /** @type {const} */ (['session', 'error', 'skipped'])) {
      const i = findRow(type, p);
      if (i >= part(type)[1] || idx.rows[i]?.path !== p) continue;
      before = /** @type {FacetRow} */ (idx.rows[i]);
      if (r?.type === type) { // the same kind of file: in its place, nothing moved
        idx.rows[i] = r;
        placed = true;
      } else {
        idx.rows.splice(i, 1);
        grow(type, -1);
      }
    }
    if (r && !placed) {
      idx.rows.splice(findRow(r.type, p), 0, r);
      grow(r.type, 1);
    }
    changes.push({ before, after: r });
  }
  pend.errors = disk.errors;
  st.apps = delta.apps;
  disk.apps = delta.apps;
  disk.summary = delta.summary;
  mem.count = delta.memoryCount;
  if (delta.words) st.words = delta.words;
  return changes;
}

/**
 * Says the State's words again, in the language of a Delta that moves no row (setLang's): every error's message
 * and every removal's are their code's, as delta.words says it, and the words that are a row's own (an error's
 * cause and violations, the reason an entry is skipped) come in delta.said. The rows stay the objects they are,
 * where they are; their search text follows.
 * @param {State} st
 * @param {Index} idx
 * @param {Delta} delta
 * @returns {{before: FacetRow, after: FacetRow}[]} the rows whose search text changed, as they were and as they are
 */
export function sayAgain(st, idx, delta) {
  const words = delta.words;
  /** @type {Map<string, Said>} */
  const said = new Map(arr(delta.said).map((w) => [w.path, w]));
  /** @param {Code | undefined} code @param {string} now */
  const ofCode = (code, now) => (code && words?.codes?.[code]) || now;
  const disk = st.disk;
  /** @type {{before: FacetRow, after: FacetRow}[]} */
  const changes = [];
  /**
   * The search text of the row at i of idx.rows (rowSpan), said again.
   * @param {number} i @param {string} path @param {string} hay
   */
  const rehay = (i, path, hay) => {
    if (idx.hay.get(path) === hay) return;
    idx.hay.set(path, hay);
    const row = idx.rows[i]?.path === path ? idx.rows[i] : idx.rows.find((r) => r.path === path && r.type !== 'session');
    if (!row) return;
    changes.push({ before: { ...row }, after: row });
    row.hay = hay;
  };
  const [errorsAt] = rowSpan(st, 'error');
  arr(disk.errors).forEach((e, i) => {
    const own = said.get(e.path);
    e.message = ofCode(e.code, e.message);
    if (own?.cause) e.cause = own.cause; else delete e.cause;
    arr(e.violations).forEach((v, j) => { v.message = own?.violations?.[j] ?? v.message; });
    rehay(errorsAt + i, e.path, errorHay(e));
  });
  const [skippedAt] = rowSpan(st, 'skipped');
  arr(disk.skipped).forEach((k, i) => {
    k.reason = said.get(k.path)?.reason ?? k.reason;
    rehay(skippedAt + i, k.path, skippedHay(k));
  });
  for (const r of arr(st.pending.removed)) {
    r.message = r.reason === 'deleted' ? words?.deleted || r.message : ofCode(r.code, r.message);
    const p = idx.pending.get(r.path);
    if (p?.kind === 'removed') p.message = r.message;
  }
  st.pending.errors = disk.errors;
  st.words = words;
  st.lang = delta.lang;
  return changes;
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
   * What changed of the State, from a change's answer (a Delta): the State and its lookups patched in place, no
   * copy of them made, so that the work and the page's memory follow the rows that changed, not the folder. With
   * the report of a refresh just run.
   * @param {Delta} delta
   * @param {RefreshReport} [report]
   * @param {Topic[]} [also] what else changed with it, told at once
   * @param {Detail} [detail]
   */
  applyDelta(delta, report, also = [], detail = {}) {
    const st = this.state;
    if (!st) return;
    const changes = patchState(st, this.idx, delta);
    if (delta.lang) st.lang = delta.lang;
    if (this.view.app && !arr(st.apps).some((a) => a.name === this.view.app)) this.view.app = '';
    // The counts follow the rows that changed, while the view is the one they were counted under.
    if (this.#facets?.idx === this.idx && this.#facets.key === this.#facetsKey()) patchFacetCounts(this.#facets.counts, changes, this.view);
    else this.#facets = null;
    /** @type {Topic[]} */
    const topics = ['state', ...also];
    if (report) {
      this.report = { doc: report, at: new Date(), stale: false };
      topics.push('report', 'refreshed');
    }
    this.emit(topics, { ...detail, rows: arr(delta.rows) });
  }

  /**
   * The State's words said again in another language, from setLang's Delta: the same rows, reworded in place
   * (sayAgain). Only a search that matched other rows in the other words makes the lists again.
   * @param {Delta} delta
   */
  sayAgain(delta) {
    const st = this.state;
    if (!st) return;
    const changes = sayAgain(st, this.idx, delta);
    const q = queryOf(this.view);
    if (q && changes.some(({ before, after }) => before.hay.includes(q) !== after.hay.includes(q))) {
      this.#facets = null;
      this.emit(['state']);
    } else this.emit(['words']);
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
    const key = this.#facetsKey();
    if (this.#facets?.idx !== this.idx || this.#facets.key !== key) {
      this.#facets = { idx: this.idx, key, counts: facetCounts(this.idx.rows, this.view) };
    }
    return this.#facets.counts;
  }

  /** What the facet counts depend on of the view: its filters. */
  #facetsKey() {
    const { app, status, code, differs, skipped } = this.view;
    return JSON.stringify([queryOf(this.view), app, status, code, differs, skipped]);
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
