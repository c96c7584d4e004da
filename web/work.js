// @ts-check
// The user's work in browser mode: the source open (a dropped zip, or the sample) and every edit made on it are
// kept in the browser (store.js) and come back after a reload or a restart of the browser. The engine says what
// the edits are and how many paths differ from what was last downloaded (docs/api.md, "edits"); this module only
// keeps what it says, shows the count, and asks before the work is replaced.

import { $ } from './dom.js';
import { t, plural } from './i18n.js';
import { openStore } from './store.js';

/**
 * @import { EditSet } from './types.js'
 * @import { WorkStore, SourceRecord, NewSource, Taken } from './store.js'
 */

export class Work {
  /** @type {(method: 'edits', params: {since: number}) => Promise<EditSet>} */
  #call;
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
   * onDiscard: asks and drops the edits; onLayout: the header's count appeared or went.
   * @param {object} opts
   * @param {(method: 'edits', params: {since: number}) => Promise<EditSet>} opts.call
   * @param {() => Promise<void>} opts.onDownload
   * @param {() => void} opts.onDiscard
   * @param {() => void} [opts.onLayout]
   */
  constructor({ call, onDownload, onDiscard, onLayout = () => {} }) {
    this.#call = call;
    this.onDownload = onDownload;
    this.onLayout = onLayout;
    this.el = {
      box: $('[data-testid="unsaved"]'), text: $('#unsaved-text'),
      download: $('[data-testid="unsaved-download"]'), discard: $('[data-testid="discard"]'),
      dialog: $('#replace-dialog', HTMLDialogElement), dialogText: $('#replace-text'),
      notice: $('[data-testid="storage-refused"]'), noticeText: $('#storage-refused-msg'),
    };
    this.el.download.addEventListener('click', () => onDownload());
    this.el.discard.addEventListener('click', () => onDiscard());
    $('#storage-refused-close').addEventListener('click', () => { this.el.notice.hidden = true; });
    // Leaving warns only when the work is not kept: the store refused it, and it is not downloaded.
    window.addEventListener('beforeunload', (e) => {
      if (this.#failed && this.counts.notDownloaded > 0) e.preventDefault();
    });
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

  /** The engine opened this tab's source again from what was kept, or dropped its edits: keep every edit anew. */
  restarted() {
    return this.#enqueue(() => {
      this.#cursor = 0;
      return this.#sync();
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

  async #sync() {
    let set;
    try {
      set = await this.#call('edits', { since: this.#cursor });
    } catch {
      return; // nothing open (an open failed): nothing to keep
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
    const n = this.counts.notDownloaded;
    if (this.el.box.hidden !== (n === 0)) {
      this.el.box.hidden = n === 0;
      this.onLayout();
    }
    this.el.box.classList.toggle('not-kept', this.#failed);
    this.el.text.textContent = plural('unsaved.count', n);
    this.el.box.title = this.#failed ? t('unsaved.notKept') : t('unsaved.kept');
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
    if (this.counts.notDownloaded === 0) return true;
    const d = this.el.dialog;
    this.el.dialogText.textContent = t(`replace.${what}`, {
      n: this.counts.notDownloaded, name: this.#name, next,
      changes: plural('unsaved.count', this.counts.notDownloaded),
    });
    d.returnValue = '';
    d.showModal();
    /** @type {string} */
    const choice = await new Promise((resolve) => d.addEventListener('close', () => resolve(d.returnValue), { once: true }));
    if (choice === 'discard') return true;
    if (choice !== 'download') return false;
    await this.onDownload();
    await this.changed();
    return this.counts.notDownloaded === 0; // a download that failed says so in the banner, and nothing is replaced
  }
}
