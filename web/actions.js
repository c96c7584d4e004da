// @ts-check
// What the console does: each action calls the engine (transport.js) and puts its answer in the store
// (state.js), which the panels render. Where an action asks the user first (a confirmation, a fix's preview), it
// asks through `ask`, which the dialogs implement. The page decides no rule: every check, fix and message is the
// engine's.

import { plural, t, lang, setLang, applyI18n } from './i18n.js';
import { arr, baseName, downloadBytes } from './dom.js';
import { EngineError } from './transport.js';
import { prefs } from './state.js';
import { PickedFolder, droppedFolder } from './folder.js';
import { permitted } from './fsaccess.js';

/**
 * @import { Method, Params, Result, Fix, FixReport, Status, CreateParams, Progress, RefreshReport, State, Settings, Edit, Delta } from './types.js'
 * @import { Store } from './state.js'
 * @import { Work } from './work.js'
 * @import { KeptFolder } from './store.js'
 */

/**
 * How the console reaches the engine: one call, the same documents in both modes.
 * @typedef {object} Transport
 * @property {<M extends Method>(method: M, params?: Params<M>) => Promise<Result<M>>} call
 * @property {(fn: (p: Progress) => void) => void} onProgress
 */

/**
 * What the actions ask the user, and tell: a yes or no, a fix's preview (yes: apply it), the preview of every
 * fix of the folder (yes: apply those that have one right fix), a passing note.
 * @typedef {object} Ask
 * @property {(text: string, okLabel: string) => Promise<boolean>} confirm
 * @property {(fix: Fix) => Promise<boolean>} previewFix
 * @property {(report: FixReport) => Promise<boolean>} previewFixAll
 * @property {(text: string) => void} toast
 */

/** @typedef {ReturnType<typeof createActions>} Actions */

/** Errors the engine answers to a request it refuses: said in the banner, no bug to keep the stack of. */
const EXPECTED_KINDS = new Set(['input', 'conflict', 'notfound', 'readonly', 'forbidden', 'foreign']);

/** Calls that change files: the refresh report then says what was true before them, and the work kept changes. */
const CHANGES_FILES = new Set(['write', 'remove', 'setStatus', 'fix', 'fixAll', 'create']);

/** Calls whose answer is, or holds, the State as it is after the call: the lists then show the disk as it is. */
const ANSWERS_STATE = new Set(['state', 'setLang', 'write', 'remove', 'setStatus', 'fix', 'fixAll', 'create', 'refresh', 'restart']);

/** How long a call runs before the progress bar says it is working without saying how far. */
const PROGRESS_DELAY_MS = 150;

/**
 * @param {unknown} err
 * @param {string} kind
 * @returns {err is EngineError}
 */
const isKind = (err, kind) => err instanceof EngineError && err.kind === kind;

/**
 * @param {object} deps
 * @param {'browser' | 'server'} deps.mode where the engine runs
 * @param {Transport} deps.transport
 * @param {Store} deps.store
 * @param {Work | null} deps.work browser mode: the source and its edits, kept in the browser
 * @param {Ask} deps.ask
 */
export function createActions({ mode, transport, store, work, ask }) {
  /**
   * Calls the engine; what a call changes then reaches the refresh report and the work kept.
   * @template {Method} M
   * @param {M} method
   * @param {Params<M>} [params]
   * @returns {Promise<Result<M>>}
   */
  async function call(method, params) {
    let ok = false;
    const seq = store.disk.seq; // the disk events that reached the page before the call
    try {
      const result = await transport.call(method, params);
      ok = true;
      if (ANSWERS_STATE.has(method)) store.diskCurrent(seq);
      return result;
    } finally {
      const path = params && 'path' in params ? params.path : undefined;
      if (ok && (method === 'restart' || (method === 'remove' && path === ''))) store.clearReport();
      else if (ok && CHANGES_FILES.has(method)) store.markReportStale();
      // even a change refused midway is asked about: the engine says what, if anything, it left
      if (CHANGES_FILES.has(method) || method === 'download') work?.changed();
    }
  }

  let progressTimer = 0;
  transport.onProgress((progress) => {
    if (!store.activity.busy) return; // a late message after the call ended
    clearTimeout(progressTimer);
    store.setActivity({ progress, waiting: false });
  });

  /**
   * Runs fn as the page's work: busy while it runs, its failure said in the banner (with context) rather than
   * thrown.
   * @template T
   * @param {() => Promise<T>} fn
   * @param {string} [context]
   * @returns {Promise<T | undefined>}
   */
  async function run(fn, context) {
    store.hideError();
    if (store.activity.busy === 0) {
      progressTimer = setTimeout(() => store.setActivity({ waiting: true }), PROGRESS_DELAY_MS);
    }
    store.setActivity({ busy: store.activity.busy + 1 });
    try {
      return await fn();
    } catch (err) {
      showError(err, context);
      return undefined;
    } finally {
      const busy = store.activity.busy - 1;
      if (busy === 0) clearTimeout(progressTimer);
      store.setActivity(busy === 0 ? { busy, progress: null, waiting: false } : { busy });
    }
  }

  /**
   * @param {unknown} err
   * @param {string} [context]
   */
  function showError(err, context) {
    const kind = err instanceof EngineError ? err.kind : undefined;
    if (!kind || !EXPECTED_KINDS.has(kind)) console.error(context ?? '', err); // a bug or a crash: keep its stack
    store.showError(err, context);
  }

  /** Whether the editor's changes may go: there are none, or the user says so. */
  const confirmDiscard = async () => !store.file.dirty
    || ask.confirm(t('confirm.discard', { path: store.file.doc?.path ?? '' }), t('btn.discard'));

  // ---- opening

  /**
   * Opens a file in the editor (unless it is open), selects it, and shows line:column, or its error's place.
   * @param {string} path
   * @param {number} [line]
   * @param {number} [column]
   */
  async function openFile(path, line, column) {
    if (store.file.doc?.path !== path) {
      if (!(await confirmDiscard())) return;
      const file = await run(() => call('read', { path }), t('err.read', { path }));
      if (!file) return;
      store.loadFile(file);
    }
    store.select(path);
    store.goTo(line, column);
  }

  /**
   * A row clicked or entered: an app folder folds or unfolds; a file on disk opens; a file gone is only selected.
   * @param {string} key a path, or "app:" + an app folder
   */
  function activate(key) {
    if (!key) return;
    if (key.startsWith('app:')) store.fold(key.slice(4));
    else if (store.onDisk(key)) openFile(key);
    else store.select(key, false);
  }

  /** Opens the file the URL names, when the folder has it (else the URL stops naming it). */
  async function openViewFile() {
    const f = store.view.file;
    if (f && store.onDisk(f)) await openFile(f);
    else if (f) store.forgetViewFile();
  }

  /**
   * Browser mode: opens a zip the user gave, at root (a folder inside it; the zip's own root when "").
   * @param {File | undefined} file
   * @param {string} [root]
   */
  async function openZipFile(file, root = '') {
    if (!file || mode !== 'browser' || !work) return;
    if (!/\.zip$/i.test(file.name)) {
      showError(new EngineError(t('err.notZip', { name: file.name }), 'input'));
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
      store.openSource(st);
      ask.toast(t('toast.opened', { name: file.name }));
      work.adopt({ kind: 'zip', name: file.name, blob: kept, ...(root && { root }) }); // stored in the background
    }, t('err.openZip', { name: file.name }));
  }

  /**
   * openZip, with root the folder inside the zip to open ("" for the zip's own root). A zip whose root is probably
   * not the MobileApps folder meant is no error to show but a question: the banner names the folder inside it
   * and opens it on a click. Answers the State, or nothing when the banner asks.
   * @param {File} file
   * @param {ArrayBuffer} bytes
   * @param {string} root
   * @returns {Promise<State | null>}
   */
  async function openZipAt(file, bytes, root) {
    store.setWrongRoot(null);
    try {
      return await call('openZip', { name: file.name, bytes, lang: lang(), ...(root && { root }) });
    } catch (err) {
      if (!isKind(err, 'wrongroot')) throw err;
      store.setWrongRoot({ name: file.name, root: err.root ?? '', folder: false, open: (r) => openZipFile(file, r) });
      return null;
    }
  }

  /** The folder inside the zip (or the folder) that the wrong-root banner names. */
  function openWrongRoot() {
    const w = store.wrongRoot;
    if (w?.root) w.open(w.root);
  }

  // ---- a folder (folder.js lists and reads it; the engine judges it: planFolder, then openFolder)

  /** @param {Progress} progress */
  const showProgress = (progress) => {
    clearTimeout(progressTimer);
    store.setActivity({ progress, waiting: false });
  };

  /**
   * Browser mode: Open folder… where the browser has a folder picker (the File System Access API): a folder it can
   * read again after a reload, and write back once the user allows it.
   */
  async function pickFolder() {
    if (mode !== 'browser' || !work || !window.showDirectoryPicker) return;
    let handle;
    try {
      handle = await window.showDirectoryPicker({ id: 'mobileapps', mode: 'read' });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return; // the user closed the picker
      showError(err, t('err.openFolder', { name: '' }));
      return;
    }
    await openFolder(handle.name, () => PickedFolder.fromHandle(handle, showProgress));
  }

  /**
   * Browser mode: the files of the folder input (<input webkitdirectory>), in every browser: a folder read once,
   * kept as read.
   * @param {FileList | null} files
   */
  async function openFolderFiles(files) {
    if (!files) return;
    if (files.length === 0) {
      showError(new EngineError(t('err.emptyFolder'), 'input'));
      return;
    }
    const folder = PickedFolder.fromFiles(files);
    await openFolder(folder.name, async () => folder);
  }

  /**
   * Something dropped on the window: a folder (a handle where the browser gives one, else its entry), or a zip.
   * Runs while the drop is dispatched: the folder is taken from the drop before anything waits.
   * @param {File | undefined} file
   * @param {DataTransfer | null} dt
   */
  function openDropped(file, dt) {
    const dropped = droppedFolder(dt);
    if (!dropped) {
      openZipFile(file);
      return;
    }
    openFolder(file?.name ?? '', async () => {
      const folder = await dropped;
      return folder instanceof FileSystemDirectoryHandle
        ? PickedFolder.fromHandle(folder, showProgress)
        : PickedFolder.fromEntry(folder, showProgress);
    });
  }

  /**
   * Opens a folder: lists it, asks the engine what to read (or which folder inside it was meant: the banner asks),
   * reads that, and opens it; the source kept is its handle, or what was read of it.
   * @param {string} name
   * @param {() => Promise<PickedFolder>} list
   * @param {string} [root] the folder inside it to open, "" for itself
   */
  async function openFolder(name, list, root = '') {
    if (mode !== 'browser' || !work) return;
    if (!(await confirmDiscard())) return;
    if (!(await work.confirmReplace('open', name))) return;
    store.setWrongRoot(null);
    await run(async () => {
      const folder = await list();
      name = folder.name;
      /** @type {Params<'planFolder'>} */
      const params = { name, entries: folder.entries, lang: lang(), ...(root && { root }) };
      let plan;
      try {
        plan = await call('planFolder', params);
      } catch (err) {
        if (!isKind(err, 'wrongroot')) throw err;
        store.setWrongRoot({ name, root: err.root ?? '', folder: true, open: (r) => openFolder(name, async () => folder, r) });
        return;
      }
      const { entries, bytes } = await folder.read(plan.read, showProgress);
      // Kept: the handle, read again from the disk after a reload; else a copy of these bytes, made before they
      // go to the worker, which takes them.
      /** @type {KeptFolder} */
      const kept = folder.handle ? { handle: folder.handle } : { entries, blob: new Blob([bytes]) };
      const st = await call('openFolder', { ...params, entries, bytes, lang: lang() });
      store.openSource(st);
      work.adopt({ kind: 'folder', name, ...(root && { root }), ...kept });
      ask.toast(t(folder.handle ? 'toast.openedFolder' : 'toast.openedFolderCopy', { name: st.source }));
    }, t('err.openFolder', { name }));
  }

  /**
   * A folder kept by its handle is read again only once the browser allows it, which after a reload may take the
   * user's click: the banner asks, before anything is under way. False when the browser refuses.
   * @param {{name: string, folder?: KeptFolder}} source
   */
  async function mayReadAgain(source) {
    const kept = source.folder;
    if (!kept || !('handle' in kept) || (await permitted(kept.handle, 'read', false))) return true;
    await work?.askToReopen(source.name);
    if (await permitted(kept.handle, 'read', true)) return true;
    showError(new EngineError(t('err.folderRefused', { name: source.name }), 'input'));
    return false;
  }

  /**
   * A folder kept from the last visit, read again: from the disk through its handle, or from the bytes kept.
   * @param {{name: string, root?: string, folder?: KeptFolder}} source
   * @param {Edit[]} edits
   * @returns {Promise<State>}
   */
  async function reopenFolder(source, edits) {
    const kept = source.folder;
    if (!kept) throw new Error(`the browser's storage no longer holds the folder ${source.name}`);
    const root = source.root ?? '';
    if ('handle' in kept) {
      const folder = await PickedFolder.fromHandle(kept.handle, showProgress);
      const plan = await call('planFolder', { name: folder.name, entries: folder.entries, lang: lang(), ...(root && { root }) });
      const { entries, bytes } = await folder.read(plan.read, showProgress);
      return call('openFolder', { name: folder.name, entries, bytes, lang: lang(), edits, ...(root && { root }) });
    }
    const bytes = await kept.blob.arrayBuffer();
    return call('openFolder', { name: source.name, entries: kept.entries, bytes, lang: lang(), edits, ...(root && { root }) });
  }

  async function openSample() {
    if (!(await confirmDiscard())) return;
    if (work && !(await work.confirmReplace('sample'))) return;
    await run(async () => {
      const st = await call('openSample', { lang: lang() });
      store.openSource(st);
      work?.adopt({ kind: 'sample' });
    }, t('err.sample'));
  }

  /** Browser mode: the source open at the last visit, with its edits; false when there is none. */
  async function reopenWork() {
    const kept = await work?.start();
    if (!work || !kept) return false;
    const { source, edits } = kept;
    const name = source.kind === 'sample' ? 'sample' : source.name;
    if (source.kind === 'folder' && !(await mayReadAgain(source))) return true;
    await run(async () => {
      let st;
      if (source.kind === 'sample') st = await call('openSample', { lang: lang(), edits });
      else if (source.kind === 'folder') st = await reopenFolder(source, edits);
      else {
        if (!source.blob) throw new Error(`the browser's storage no longer holds the zip ${source.name}`);
        const bytes = await source.blob.arrayBuffer();
        st = await call('openZip', { name: source.name, bytes, lang: lang(), edits, ...(source.root && { root: source.root }) });
      }
      store.setState(st);
      await work.restarted();
      const n = work.unsaved();
      if (n) ask.toast(t('toast.restored', { name, changes: work.countText(n) }));
      await openViewFile();
    }, t('err.restore', { name }));
    return true;
  }

  /** Drops every edit of the source open: it is again as it was opened. */
  async function discardEdits() {
    if (!work || !store.state || !(await confirmDiscard())) return;
    const text = t('confirm.discardEdits', { changes: plural('n.changes', work.counts.differ), name: store.state.source });
    if (!(await ask.confirm(text, t('btn.discardEdits')))) return;
    await run(async () => {
      const st = await call('discardEdits');
      store.openSource(st);
      await work.restarted();
      ask.toast(t('toast.discarded', { name: st.source }));
    }, t('err.discard'));
  }

  /**
   * What the console opens first: the work kept from the last visit, the sample (when asked for), or the dev
   * server's folder.
   * @param {boolean} sample browser mode: open the sample when no work was kept
   */
  async function start(sample) {
    if (mode === 'browser' && (await reopenWork())) return;
    if (mode === 'browser' && !sample) return; // wait for a zip
    await run(async () => {
      const st = mode === 'browser' ? await call('openSample', { lang: lang() }) : await call('state');
      if (mode === 'server') store.setSettings(await call('settings'));
      store.setState(st);
      if (st.lang && st.lang !== lang()) store.sayAgain(deltaOf(await call('setLang', { lang: lang() })));
      if (mode === 'browser') work?.adopt({ kind: 'sample' });
      await openViewFile();
    }, mode === 'browser' ? t('err.sample') : t('err.connect'));
  }

  // ---- the open file

  /**
   * Writes the editor's text (line breaks as \n: the file's own are put back) to the file, unless it changed
   * since it was read (force: even so).
   * @param {() => string} text the editor's text when it is saved (an Overwrite after a conflict takes it again)
   * @param {boolean} [force]
   */
  async function save(text, force = false) {
    const { doc, eol, dirty } = store.file;
    if (!doc || store.state?.readonly || (!dirty && !force)) return;
    const path = doc.path;
    const content = text();
    /** @type {Params<'write'>} */
    const params = { path, content: eol === '\n' ? content : content.replace(/\n/g, eol) };
    if (!force) params.etag = doc.etag;
    await run(async () => {
      const r = await withConflict(() => call('write', params), () => save(text, true));
      if (!r) return;
      store.diskSeen(path);
      store.loadFile(r.file, true);
      store.applyDelta(r.delta);
      ask.toast(t('toast.saved', { path: baseName(path) }));
    }, t('err.save', { path }));
  }

  /**
   * @param {Status} status
   * @param {boolean} [force] even if the file changed since it was read
   */
  async function setStatus(status, force = false) {
    const doc = store.file.doc;
    if (!doc) return;
    if (!force && !(await confirmDiscard())) return;
    const path = doc.path;
    /** @type {Params<'setStatus'>} */
    const params = { path, status };
    if (!force) params.etag = doc.etag;
    await run(async () => {
      const r = await withConflict(() => call('setStatus', params), () => setStatus(status, true));
      if (!r) return;
      store.loadFile(r.file);
      store.applyDelta(r.delta);
      ask.toast(t(status === 'accepted' ? 'toast.accepted' : 'toast.pending', { path: baseName(path) }));
    }, t('err.setStatus', { path }));
  }

  /**
   * A write refused because the file changed since it was read: the conflict bar offers Reload / Overwrite
   * instead of an error.
   * @template T
   * @param {() => Promise<T>} fn
   * @param {() => void} overwrite
   * @returns {Promise<T | null>}
   */
  async function withConflict(fn, overwrite) {
    try {
      return await fn();
    } catch (err) {
      if (!isKind(err, 'conflict')) throw err;
      store.setConflict({ message: err.message, retry: overwrite });
      return null;
    }
  }

  /** The conflict bar's Overwrite: the write again, forced. */
  function overwrite() {
    const retry = store.file.conflict?.retry;
    store.setConflict(null);
    retry?.();
  }

  /** The open file as it is on disk now, the editor's changes dropped. */
  async function reloadFile() {
    const doc = store.file.doc;
    if (!doc) return;
    const path = doc.path;
    const file = await run(() => call('read', { path }), t('err.read', { path }));
    if (!file) return;
    store.diskSeen(path);
    store.loadFile(file);
  }

  /**
   * Shows what a fix will change, as the engine proposes it, and applies it once the user agrees.
   * @param {Fix} fix
   */
  async function applyFix(fix) {
    if (!(await confirmDiscard())) return;
    if (!(await ask.previewFix(fix))) return;
    const path = fix.path;
    await run(async () => {
      // a file changed since it was read is refused: the banner says so, and a reload proposes the fix again; a
      // choice names the side it trusts, which the engine applies only when named
      const r = await call('fix', { path, etag: fix.etag, ...(fix.choice && { trust: fix.choice }) });
      store.diskSeen(path);
      store.loadFile(r.file);
      store.applyDelta(r.delta);
      store.select(r.file.path);
      ask.toast(t('toast.fixed', { path: baseName(r.file.path) }));
    }, t('err.fix', { path }));
  }

  /**
   * The editor's unsaved text, checked by the engine as it would be once saved: what it says (the error, the
   * markers, the token) follows the text before any save. Said only while the editor still holds that text.
   * @param {string} text the editor's text, line breaks as \n
   * @param {() => string} current the editor's text now
   */
  async function inspect(text, current) {
    const { doc, eol } = store.file;
    if (!doc || text === store.file.saved) return;
    try {
      const file = await call('inspect', { path: doc.path, content: eol === '\n' ? text : text.replace(/\n/g, eol) });
      if (store.file.doc?.path === doc.path && current() === text && store.file.dirty) store.setSaid(file, text);
    } catch (err) {
      console.warn('inspect', err); // the next keystroke asks again; the saved file's verdict stays shown
    }
  }

  /**
   * The editor's text laid out for reading, by the engine; nothing is saved: the answer is unsaved text, which
   * Save writes. A text that is not JSON cannot be laid out: the banner says why and where.
   * @param {string} text
   * @returns {Promise<string | undefined>}
   */
  async function format(text) {
    if (!store.file.doc) return undefined;
    return run(async () => (await call('format', { content: text })).content, t('err.format'));
  }

  /**
   * Fix all: the engine's preview of every file's fixes, and once the user agrees, those that have one right fix
   * applied; each file only if it is still as previewed (the engine checks its ETag).
   */
  async function fixAll() {
    if (!store.state || store.state.readonly || !(await confirmDiscard())) return;
    const preview = await run(() => call('fixAllPreview'), t('err.fixAll'));
    if (!preview || !(await ask.previewFixAll(preview))) return;
    // the files the preview fixes, each as it was shown: the engine fixes them only if they are still so
    const files = arr(preview.files).flatMap((f) => {
      const first = f.fixes[0];
      return first && first.kind !== 'none' && first.etag ? [{ path: f.path, etag: first.etag }] : [];
    });
    await run(async () => {
      const r = await call('fixAll', { files });
      store.setState(r.state);
      const open = store.file.doc;
      if (open && !store.onDisk(open.path)) store.closeFile(); // moved by its fix
      else if (open) store.loadFile(await call('read', { path: open.path }), true);
      const done = arr(r.report.files);
      const fixed = done.filter((f) => f.applied > 0).length;
      // a file changed since the preview is left as it is: said, not passed over in silence
      const refused = done.filter((f) => f.refused).length;
      const left = plural('n.errors', arr(r.state.disk?.errors).length);
      ask.toast(refused
        ? t('toast.fixedAllRefused', { fixed: plural('n.files', fixed), left, refused: plural('n.files', refused) })
        : t('toast.fixedAll', { fixed: plural('n.files', fixed), left }));
    }, t('err.fixAll'));
  }

  // ---- the folder

  /**
   * Deletes a session file, an app folder, or (path "") everything, once the user agrees; a folder that holds
   * what 4D does not put there is deleted only when asked for again, with what it holds named.
   * @param {string} path
   */
  async function remove(path) {
    const st = store.state;
    let text;
    if (path === '') text = t('confirm.deleteAll', { n: st?.disk?.summary?.files ?? 0 });
    else if (!path.includes('/')) {
      const a = arr(st?.apps).find((x) => x.name === path);
      text = t('confirm.deleteApp', { app: path, n: (a?.sessions ?? 0) + (a?.errors ?? 0) });
    } else text = t('confirm.deleteSession', { path });
    if (!(await ask.confirm(text, t('btn.delete')))) return;
    const context = t('err.remove', { path: path || 'MobileApps' });
    let force = false;
    for (;;) {
      const outcome = await run(async () => {
        try {
          return { delta: await call('remove', force ? { path, force } : { path }) };
        } catch (err) {
          if (!isKind(err, 'foreign') || !err.entry || force) throw err;
          return { refused: err, entry: err.entry ?? '' };
        }
      }, context);
      if (!outcome) return;
      if (outcome.refused) {
        // The engine refused: the folder holds what 4D does not put there, and nothing was deleted. Deleting that
        // too is a decision of its own, asked with the entry named.
        const question = t('confirm.deleteForeign', { folder: path || 'MobileApps', entry: outcome.entry });
        if (await ask.confirm(question, t('btn.deleteAnyway'))) {
          force = true;
          continue;
        }
        showError(outcome.refused, context);
        return;
      }
      const open = store.file.doc;
      if (open && (path === '' || open.path === path || open.path.startsWith(`${path}/`))) store.closeFile();
      store.applyDelta(outcome.delta);
      ask.toast(path === '' ? t('toast.deletedAll') : t('toast.deleted', { path: baseName(path) }));
      return;
    }
  }

  /** Delete all: in browser mode, the changes not downloaded are asked about first. */
  async function removeAll() {
    if (!work || await work.confirmReplace('deleteAll')) await remove('');
  }

  /** @param {CreateParams} params */
  async function create(params) {
    if (!(await confirmDiscard())) return;
    await run(async () => {
      const r = await call('create', params);
      store.applyDelta(r.delta);
      store.loadFile(r.file);
      store.select(r.file.path);
      ask.toast(t('toast.created', { path: baseName(r.file.path) }));
    }, t('err.create'));
  }

  async function refresh() {
    if (!store.state) return;
    if (store.file.dirty) ask.toast(t('toast.unsaved'));
    await run(async () => {
      const r = await call('refresh');
      store.applyDelta(r.delta, r.report);
    }, t('err.refresh'));
  }

  async function restart() {
    if (!store.state) return;
    await run(async () => {
      store.setState(await call('restart'));
      ask.toast(t('toast.restarted', { n: store.idx.memoryList.length }));
    }, t('err.restart'));
  }

  async function download() {
    if (!store.state) return;
    if (store.file.dirty) ask.toast(t('toast.unsaved'));
    await run(async () => {
      const r = await call('download');
      downloadBytes(r.name || 'MobileApps.zip', r.bytes, 'application/zip');
    }, t('err.download'));
  }

  /**
   * The words said again in setLang's answer, which holds the open file too when it was given one.
   * @param {Result<'setLang'>} said
   * @returns {Delta}
   */
  function deltaOf(said) {
    return 'file' in said ? said.delta : said;
  }

  /**
   * Switches the page's language and the engine's: its messages come again in that language.
   * @param {string} code
   */
  async function changeLang(code) {
    setLang(code);
    prefs.set('lang', code);
    const sayOwn = () => {
      applyI18n(document);
      store.emit(['lang']);
    };
    if (!store.state) {
      sayOwn();
      return;
    }
    await run(async () => {
      // the engine says its documents again, checking nothing again: with the open file's path and ETag, that
      // file too, as the page read it (the status bar's marker follows, as the editor reports the caret again
      // when its markers change). It works while the page says its own words: asked first, awaited after.
      const open = store.file.doc;
      const asked = call('setLang', open ? { lang: lang(), path: open.path, etag: open.etag } : { lang: lang() });
      sayOwn();
      const said = await asked;
      store.sayAgain(deltaOf(said));
      if (!open || !('file' in said) || !said.file) return;
      const file = said.file, now = store.file.doc;
      if (file.path !== now?.path) return; // another file was opened meanwhile
      if (!store.file.dirty) store.loadFile(file, true);
      else if (file.etag === now.etag) store.reword(file);
      // what the engine said of the unsaved text, said again: inspected again, as no document of it is kept
      const unsaved = store.file.said;
      if (unsaved) store.setSaid(await call('inspect', { path: file.path, content: unsaved.file.content }), unsaved.text);
    }, t('err.lang'));
  }

  // ---- server mode: the dev server tells when files change on disk (not the changes of this tab: transport.js)

  /**
   * @param {{paths: string[], resync: boolean}} event
   */
  function diskChanged({ paths, resync }) {
    const auto = !!store.settings?.autoRefresh;
    store.markReportStale();
    store.diskChanged(paths, resync, !auto);
    if (auto && (store.disk.changed.size || store.disk.resync)) reloadView();
  }

  /**
   * Auto refresh, the dev server's setting: each change on disk is refreshed as MOBILE APP REFRESH SESSIONS does,
   * and the view follows. Changed for every page (the server tells them); -auto-refresh is its value at start.
   * @param {boolean} on
   */
  async function setAutoRefresh(on) {
    await run(async () => {
      store.setSettings(await call('setSettings', { autoRefresh: on }));
      if (on && (store.disk.changed.size || store.disk.resync)) await reloadView();
    }, t('err.settings'));
  }

  /** @param {Settings} settings the dev server's settings, changed by a page (this one's came with its answer) */
  function settingsChanged(settings) {
    store.setSettings(settings);
  }

  /**
   * Auto refresh: the server refreshed memory itself; its report, when it came whole, is shown.
   * @param {RefreshReport | null} report
   */
  async function serverRefreshed(report) {
    if (report) store.setReport(report);
    await run(async () => store.setState(await call('state')), t('err.reload'));
  }

  /** The view as the disk is now: the State, and the open file when it changed (or is gone). */
  async function reloadView() {
    store.hideDiskBanner();
    const changed = [...store.disk.changed];
    const all = store.disk.resync;
    await run(async () => {
      store.setState(await call('state'));
      const f = store.file.doc;
      if (f && !store.file.dirty && (all || changed.some((p) => f.path === p || f.path.startsWith(`${p}/`)))) {
        if (store.onDisk(f.path)) store.loadFile(await call('read', { path: f.path }), true);
        else store.closeFile(); // deleted on disk
      }
      store.diskSeen();
    }, t('err.reload'));
  }

  return {
    call, run, openFile, activate, openZipFile, openWrongRoot, pickFolder, openFolderFiles, openDropped, openSample,
    discardEdits, start, save, setStatus, overwrite, reloadFile, applyFix, inspect, format, fixAll, remove, removeAll,
    create, refresh, restart, download, changeLang, diskChanged, setAutoRefresh, settingsChanged, serverRefreshed,
    reloadView,
  };
}
