// @ts-check
// The user's work in browser mode: the source open (a dropped zip, a folder, or the sample) and every edit made
// on it are kept in the browser (store.js) and come back after a reload or a restart of the browser. The engine
// says what the edits are and how many paths differ from what was last downloaded (docs/api.md, "edits"); this
// module only keeps what it says, shows the count, and asks before the work is replaced.
//
// A folder that the browser can write back (a FileSystemDirectoryHandle) is written once the user allows it
// (Write to the folder): after each change the engine says what to write (folderWrites), fsaccess.js writes it,
// checking each file is still what was read, and the engine is told what was written (folderWritten). The count
// is then of the changes not written to the folder; a write that stops says what was and was not written, and
// writing waits for the user again.

import { $ } from './dom.js';
import { t, plural } from './i18n.js';
import { openStore } from './store.js';
import { permitted, takeSteps } from './fsaccess.js';

/**
 * @import { EditSet, Params, Result } from './types.js'
 * @import { WorkStore, SourceRecord, NewSource, Taken } from './store.js'
 */

/** @typedef {'edits' | 'folderWrites' | 'folderWritten'} WorkMethod */

export class Work {
  /** @type {<M extends WorkMethod>(method: M, params: Params<M>) => Promise<Result<M>>} */
  #call;
  /** @type {FileSystemDirectoryHandle | null} the folder open, where the browser can write it back */
  #folder = null;
  #writing = false;   // the user allowed writing to #folder: each change is written
  #stopped = false;   // the last write to #folder stopped before its end
  #waiting = false;   // the work kept is not open in the engine yet: counted, with nothing to do on it
  /** @type {WorkStore | null} */
  #store = null;
  /** @type {SourceRecord | null} the store's record of the source open, once kept */
  #source = null;
  #cursor = 0;        // the seq of the last EditSet kept
  #queue = Promise.resolve();
  #failed = false;    // the store refused or failed: the work lives in this tab only
  #pending = 0;       // store jobs queued
  #name = '';
  counts = { differ: 0, notDownloaded: 0 };

  /**
   * call: the engine's call(method, params); onDownload: downloads the folder (resolves once done, or failed);
   * onDiscard: asks and drops the edits; onLayout: the header's count appeared or went; onError: says a failure
   * (a write to the folder that stopped) in the banner; onWritten: a file of the folder was written.
   * @param {object} opts
   * @param {<M extends WorkMethod>(method: M, params: Params<M>) => Promise<Result<M>>} opts.call
   * @param {() => Promise<void>} opts.onDownload
   * @param {() => void} opts.onDiscard
   * @param {() => void} [opts.onLayout]
   * @param {(err: unknown, context: string) => void} [opts.onError]
   */
  constructor({ call, onDownload, onDiscard, onLayout = () => {}, onError = () => {} }) {
    this.#call = call;
    this.onDownload = onDownload;
    this.onLayout = onLayout;
    this.onError = onError;
    this.el = {
      box: $('[data-testid="unsaved"]'), text: $('#unsaved-text'),
      download: $('[data-testid="unsaved-download"]'), discard: $('[data-testid="discard"]'),
      write: $('[data-testid="folder-write"]', HTMLButtonElement),
      dialog: $('#replace-dialog', HTMLDialogElement), dialogText: $('#replace-text'),
      notice: $('[data-testid="storage-refused"]'), noticeText: $('#storage-refused-msg'),
      reopen: $('[data-testid="folder-reopen"]'), reopenText: $('#folder-reopen-msg'),
      reopenButton: $('#folder-reopen-open', HTMLButtonElement),
    };
    this.el.download.addEventListener('click', () => onDownload());
    this.el.discard.addEventListener('click', () => onDiscard());
    this.el.write.addEventListener('click', () => this.writeFolder());
    $('#storage-refused-close').addEventListener('click', () => { this.el.notice.hidden = true; });
    // Leaving warns only when the work is not kept: the store refused it, and it is not downloaded (or written).
    window.addEventListener('beforeunload', (e) => {
      if (this.#failed && this.unsaved() > 0) e.preventDefault();
    });
  }

  /** The changes the header counts: not written to the folder, for a folder that can be; else not downloaded. */
  unsaved() {
    return this.#folder ? this.counts.differ : this.counts.notDownloaded;
  }

  /** @param {number} n */
  countText(n) {
    return plural(this.#folder ? 'unsaved.notWritten' : 'unsaved.count', n);
  }

  /**
   * Opens the store and takes this tab's source: {source: {kind, name, blob?}, edits} to open again, or null.
   * @returns {Promise<Taken | null>}
   */
  async start() {
    try {
      const store = await openStore();
      this.#store = store;
      const taken = await store.take();
      if (taken) {
        this.#source = taken.source;
        this.#name = taken.source.kind === 'sample' ? 'sample' : taken.source.name;
        const kept = taken.source.folder;
        this.#folder = kept && 'handle' in kept ? kept.handle : null;
        // Counted as the store last counted it until the engine has opened it again (a folder may wait for the
        // user's click): replacing it meanwhile asks first, as it would once open.
        const { notDownloaded, differ = notDownloaded } = taken.source;
        this.counts = { differ, notDownloaded };
        this.#waiting = true;
        this.render();
      }
      return taken;
    } catch (err) {
      this.#fail(err);
      return null;
    }
  }

  /**
   * A new source is open in the engine (already asked for with confirmReplace): keep it, forget the last, and
   * start keeping its edits from nothing.
   * @param {NewSource} source
   */
  adopt(source) {
    this.#name = source.kind === 'sample' ? 'sample' : source.name;
    this.#folder = source.kind === 'folder' && 'handle' in source ? source.handle : null;
    this.#writing = false;
    this.#stopped = false;
    this.el.reopen.hidden = true;
    this.#waiting = false;
    // a source just opened holds no edit: the last one's count must not stand for it while it is being stored
    this.counts = { differ: 0, notDownloaded: 0 };
    this.render();
    return this.#enqueue(async () => {
      this.#cursor = 0;
      const old = this.#source;
      this.#source = null;
      const store = this.#store;
      if (store && !this.#failed) {
        try {
          // the old first: once it is replaced, with consent, it must never come back instead of the new one
          if (old) await store.remove(old.id);
          this.#source = await store.adopt(source);
          if (source.kind === 'zip') navigator.storage?.persist?.()?.catch(() => {}); // keep it under storage pressure
        } catch (err) {
          this.#fail(err);
        }
      }
      await this.#sync();
    });
  }

  /**
   * The engine opened this tab's source again from what was kept, or dropped its edits: keep every edit anew. A
   * folder the browser already lets the page write (the user allowed it for good) is written to as before.
   */
  restarted() {
    return this.#enqueue(async () => {
      this.#cursor = 0;
      this.el.reopen.hidden = true;
      this.#waiting = false;
      if (this.#folder) this.#writing = await permitted(this.#folder, 'readwrite', false);
      return this.#sync();
    });
  }

  /**
   * Write to the folder (its button, a click: the browser may ask the user): from now on every change is written
   * to the folder; the changes not written yet are written now.
   */
  async writeFolder() {
    const folder = this.#folder;
    if (!folder) return;
    if (!(await permitted(folder, 'readwrite', true))) {
      this.onError(new Error(t('write.refusedByUser', { name: this.#name })), t('err.writeBack', { name: this.#name }));
      return;
    }
    this.#writing = true;
    await this.#enqueue(() => this.#sync());
  }

  /**
   * After a reload, a folder kept by its handle is read again only once the browser allows it, which may take the
   * user's click: the banner asks, and this resolves on the click.
   * @param {string} name
   * @returns {Promise<void>}
   */
  askToReopen(name) {
    this.el.reopenText.textContent = t('reopen.ask', { name });
    this.el.reopenButton.textContent = t('reopen.open', { name });
    this.el.reopen.hidden = false;
    return new Promise((resolve) => {
      this.el.reopenButton.addEventListener('click', () => {
        this.el.reopen.hidden = true;
        resolve();
      }, { once: true });
    });
  }

  /** Something may have changed in the engine: keep what it reports. */
  changed() {
    return this.#enqueue(() => this.#sync());
  }

  /**
   * Runs fn after what is queued; the header's count says data-keeping while anything is.
   * @param {() => Promise<void>} fn
   */
  #enqueue(fn) {
    this.#pending++;
    this.el.box.dataset.keeping = 'true';
    const settle = () => {
      if (--this.#pending === 0) delete this.el.box.dataset.keeping;
    };
    this.#queue = this.#queue.then(fn, fn).finally(settle);
    return this.#queue;
  }

  /** Keeps what the engine reports of the edits and, where the folder is written to, writes them. */
  async #sync() {
    const set = await this.#keep();
    if (set && this.#writing && set.differ > 0) await this.#writeBack();
  }

  /**
   * Writes the edits to the folder, as the engine's plan says, and tells the engine what was written. A step that
   * cannot be taken stops the writing until the user asks again, and the banner says what was and was not written.
   */
  async #writeBack() {
    const folder = this.#folder;
    if (!folder) return;
    const context = t('err.writeBack', { name: this.#name });
    let plan;
    try {
      plan = await this.#call('folderWrites', {});
    } catch (err) {
      this.#writing = false;
      this.onError(err, context);
      await this.#keep();
      return;
    }
    if (plan.writes.length === 0) return;
    this.el.box.dataset.writing = 'true';
    const { done, refused } = await takeSteps(folder, plan.writes);
    try {
      await this.#call('folderWritten', { seq: plan.seq, done });
    } catch (err) {
      this.#writing = false;
      this.onError(err, context);
    } finally {
      delete this.el.box.dataset.writing;
    }
    this.#stopped = !!refused;
    if (refused) {
      this.#writing = false;
      this.onError(new Error(t('write.stopped', {
        path: refused.step.path, why: refused.why, written: done.length, total: plan.writes.length,
      })), context);
    }
    await this.#keep();
  }

  /**
   * Keeps what the engine reports of the edits, and counts them.
   * @returns {Promise<EditSet | null>}
   */
  async #keep() {
    let set;
    try {
      set = await this.#call('edits', { since: this.#cursor });
    } catch {
      return null; // nothing open (an open failed): nothing to keep
    }
    const store = this.#store;
    const source = this.#source;
    if (store && source && !this.#failed) {
      try {
        await store.keep(source.id, set);
        this.#cursor = set.seq;
      } catch (err) {
        this.#fail(err);
      }
    }
    // counted once kept: the header never shows work as kept before it is
    this.counts = { differ: set.differ, notDownloaded: set.notDownloaded };
    this.render();
    return set;
  }

  /**
   * Says, once, that the work cannot be kept, and keeps nothing more: a store that holds only part of the work
   * must not bring that part back as if it were all of it.
   * @param {unknown} err
   */
  #fail(err) {
    console.warn('mobisess: the work is not kept in this browser:', err);
    if (this.#failed) return;
    this.#failed = true;
    const source = this.#source;
    if (source) this.#store?.remove(source.id).catch(() => {});
    this.#store?.release();
    this.el.noticeText.textContent = t('storage.refused');
    this.el.notice.hidden = false;
    this.render();
  }

  /** The header's count of changes not downloaded, with Download and Discard. */
  render() {
    const n = this.unsaved();
    if (this.el.box.hidden !== (n === 0)) {
      this.el.box.hidden = n === 0;
      this.onLayout();
    }
    this.el.box.classList.toggle('not-kept', this.#failed);
    this.el.text.textContent = this.countText(n);
    this.el.write.hidden = !this.#folder || this.#waiting;
    this.el.download.hidden = this.#waiting;
    this.el.discard.hidden = this.#waiting;
    this.el.write.textContent = t(this.#stopped ? 'btn.writeAgain' : 'btn.writeFolder');
    this.el.write.title = t('tip.writeFolder', { name: this.#name });
    this.el.box.title = this.#failed ? t('unsaved.notKept') : t(this.#folder ? 'unsaved.keptFolder' : 'unsaved.kept');
  }

  /**
   * Asks before the work is replaced (what: 'open' a zip named next, 'sample', 'deleteAll') while changes are
   * not downloaded: download them first, discard them, or cancel. Resolves whether to go on.
   * @param {'open' | 'sample' | 'deleteAll'} what
   * @param {string} [next]
   * @returns {Promise<boolean>}
   */
  async confirmReplace(what, next = '') {
    await this.#queue; // the count of the edits still being kept, not of those before them
    const n = this.unsaved();
    if (n === 0) return true;
    const d = this.el.dialog;
    this.el.dialogText.textContent = t(`replace.${what}`, { n, name: this.#name, next, changes: this.countText(n) });
    d.returnValue = '';
    d.showModal();
    /** @type {string} */
    const choice = await new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue), { once: true }));
    if (choice === 'discard') return true;
    if (choice !== 'download') return false;
    await this.onDownload();
    await this.changed();
    // a download that failed says so in the banner, and nothing is replaced; a folder's changes once downloaded
    // are not written to it, but are safe
    return this.counts.notDownloaded === 0;
  }
}
