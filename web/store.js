// @ts-check
// Where browser mode keeps the user's work: IndexedDB of this origin, in the browser's profile. Nothing leaves the
// browser. One record per source (a dropped zip, a folder, or the sample: what it is, when it was used, how many
// changes are not downloaded), a dropped zip's bytes once, in a store of their own that nothing writes again, and
// one record per path the engine reports in its edits (docs/api.md, "edits"), replaced as the engine reports them:
// an edit costs what it changes, never a copy of the zip. A folder is kept as the browser allows: its handle
// (Chromium), to read it again from the disk once the user allows it, or else its listing and bytes as read, as a
// zip's.
//
// A source belongs to the tab that works on it, which holds a Web Lock named after it for as long as it lives;
// a tab that starts takes the source it had before a reload (sessionStorage), else the most recent one no other
// tab holds.

/** @import { Edit, EditSet, FolderEntry } from './types.js' */

/**
 * How a folder is kept: its handle (read again from the disk), or what was read of it (entries and bytes).
 * @typedef {{handle: FileSystemDirectoryHandle} | {entries: FolderEntry[], blob: Blob}} KeptFolder
 */

/**
 * A source to keep: a dropped zip (its bytes, and the folder inside it opened, if not its root), a folder (and
 * the folder inside it opened), or the sample.
 * @typedef {{kind: 'zip', name: string, blob: Blob, root?: string} | ({kind: 'folder', name: string, root?: string} & KeptFolder) | {kind: 'sample'}} NewSource
 */

/**
 * A source as the store keeps it: what it is, when it was last used, how many changes are not downloaded (and how
 * many differ from the source, for a folder that is written back).
 * @typedef {{id: string, usedAt: number, notDownloaded: number, differ?: number} & ({kind: 'zip' | 'folder', name: string, root?: string} | {kind: 'sample'})} SourceRecord
 */

/**
 * The source a tab takes at start, with the bytes of a zip or what is kept of a folder (undefined when the store
 * lost them), and its edits.
 * @typedef {{source: SourceRecord & {blob?: Blob, folder?: KeptFolder}, edits: Edit[]}} Taken
 */

/** @param {unknown} err */
const described = (err) => (err instanceof Error || err instanceof DOMException ? `${err.name}: ${err.message}` : `Error: ${err}`);

const DB_NAME = 'mobisess';
const DB_VERSION = 1;
const LOCK_PREFIX = 'mobisess.source.';
const TAB_KEY = 'mobisess.source';
// How long a reloaded tab waits for the lock its previous page held (released as that page unloads).
const RELOAD_LOCK_WAIT_MS = 1500;

/** A failure of the store itself: refused (private window, disabled) or full. */
export class StoreError extends Error {
  /**
   * @param {string} message
   * @param {unknown} cause
   */
  constructor(message, cause) {
    super(message);
    this.name = 'StoreError';
    this.cause = cause;
  }
}

/**
 * @template T
 * @param {IDBRequest<T>} req
 * @returns {Promise<T>}
 */
const promised = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

/**
 * @param {IDBTransaction} tx
 * @returns {Promise<void>}
 */
const done = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onerror = () => reject(tx.error);
  tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
});

/** Opens the store, or throws a StoreError when the browser refuses it. */
export async function openStore() {
  let db;
  try {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains('sources')) d.createObjectStore('sources', { keyPath: 'id' });
      if (!d.objectStoreNames.contains('zips')) d.createObjectStore('zips');
      if (!d.objectStoreNames.contains('edits')) {
        d.createObjectStore('edits', { keyPath: ['source', 'path'] }).createIndex('source', 'source');
      }
    };
    db = await promised(req);
  } catch (err) {
    throw new StoreError(`the browser's storage is refused (${described(err)})`, err);
  }
  return new WorkStore(db);
}

/** The store open: what it keeps, read and written in transactions. */
export class WorkStore {
  /** @type {IDBDatabase} */
  #db;
  /** @type {(() => void) | null} lets go of the lock this tab holds */
  #release = null;

  /** @param {IDBDatabase} db */
  constructor(db) {
    this.#db = db;
    db.onversionchange = () => db.close(); // a newer page upgrades the store: let it
  }

  /**
   * Runs fn in one transaction over stores, and answers what it answers once the transaction is done.
   * @template T
   * @param {string[]} stores
   * @param {IDBTransactionMode} mode
   * @param {(tx: IDBTransaction) => T} fn
   * @returns {Promise<Awaited<T>>}
   */
  async #run(stores, mode, fn) {
    try {
      const tx = this.#db.transaction(stores, mode);
      const result = fn(tx);
      await done(tx);
      return await result;
    } catch (err) {
      throw new StoreError(err instanceof DOMException && err.name === 'QuotaExceededError'
        ? "the browser's storage is full"
        : `the browser's storage failed (${described(err)})`, err);
    }
  }

  /**
   * The source this tab takes at start, with its kept edits, or null: the one it had before a reload, else the
   * most recently used one that no other tab holds. Sources no tab holds, with nothing left to download, other
   * than the one taken, are removed: their work is downloaded, and they would never come back.
   * @returns {Promise<Taken | null>}
   */
  async take() {
    /** @type {SourceRecord[]} */
    const all = await this.#run(['sources'], 'readonly', (tx) => promised(tx.objectStore('sources').getAll()));
    all.sort((a, b) => b.usedAt - a.usedAt);
    const mine = sessionStorage.getItem(TAB_KEY);
    const order = [...all.filter((s) => s.id === mine), ...all.filter((s) => s.id !== mine)];
    /** @type {SourceRecord | null} */
    let taken = null;
    for (const s of order) {
      if (await this.#lock(s.id, s.id === mine ? RELOAD_LOCK_WAIT_MS : 0)) { taken = s; break; }
    }
    const held = await heldLocks();
    for (const s of all) {
      if (s !== taken && !held.has(s.id) && !(s.notDownloaded > 0)) await this.remove(s.id).catch(() => {});
    }
    if (!taken) return null;
    const id = taken.id;
    sessionStorage.setItem(TAB_KEY, id);
    /** @type {[{edit: Edit}[], Blob | KeptFolder | undefined]} */
    const [edits, kept] = await this.#run(['edits', 'zips'], 'readonly', (tx) => Promise.all([
      promised(tx.objectStore('edits').index('source').getAll(id)),
      taken.kind === 'sample' ? undefined : promised(tx.objectStore('zips').get(id)),
    ]));
    const bytes = taken.kind === 'zip' && kept instanceof Blob ? { blob: kept } : {};
    const folder = taken.kind === 'folder' && kept && !(kept instanceof Blob) ? { folder: kept } : {};
    return { source: { ...taken, ...bytes, ...folder }, edits: edits.map((r) => r.edit) };
  }

  /**
   * Keeps a new source for this tab, letting go of the last.
   * @param {NewSource} source
   * @returns {Promise<SourceRecord>}
   */
  async adopt(source) {
    const ids = { id: crypto.randomUUID(), usedAt: Date.now(), notDownloaded: 0 };
    /** @type {SourceRecord} */
    let record = { kind: 'sample', ...ids };
    /** @type {Blob | KeptFolder | undefined} */
    let kept;
    if (source.kind !== 'sample') {
      record = { kind: source.kind, name: source.name, ...(source.root && { root: source.root }), ...ids };
      if (source.kind === 'zip') kept = source.blob;
      else kept = 'handle' in source ? { handle: source.handle } : { entries: source.entries, blob: source.blob };
    }
    await this.#run(['sources', 'zips'], 'readwrite', (tx) => {
      tx.objectStore('sources').put(record);
      if (kept) tx.objectStore('zips').put(kept, record.id);
    });
    await this.#lock(record.id, 0);
    sessionStorage.setItem(TAB_KEY, record.id);
    return record;
  }

  /**
   * Forgets a source and its edits.
   * @param {string} id
   */
  async remove(id) {
    await this.#run(['sources', 'zips', 'edits'], 'readwrite', (tx) => {
      tx.objectStore('sources').delete(id);
      tx.objectStore('zips').delete(id);
      tx.objectStore('edits').delete(IDBKeyRange.bound([id], [id, []]));
    });
  }

  /** Lets go of this tab's source without forgetting it. */
  release() {
    this.#release?.();
    this.#release = null;
  }

  /**
   * Keeps what the engine reported of a source's edits (an EditSet): every edit when it is complete, else the
   * paths changed since the last one, in one transaction.
   * @param {string} id
   * @param {EditSet} set
   */
  async keep(id, set) {
    await this.#run(['sources', 'edits'], 'readwrite', (tx) => {
      const edits = tx.objectStore('edits');
      if (set.complete) edits.delete(IDBKeyRange.bound([id], [id, []]));
      for (const edit of set.edits) {
        // nothing of its own at this path any more: nothing to keep
        if (!edit.removed && !edit.kind && !edit.downloaded) edits.delete([id, edit.path]);
        else edits.put({ source: id, path: edit.path, edit });
      }
      const sources = tx.objectStore('sources');
      const req = sources.get(id);
      req.onsuccess = () => {
        if (req.result) sources.put({ ...req.result, usedAt: Date.now(), notDownloaded: set.notDownloaded, differ: set.differ });
      };
    });
  }

  /**
   * Takes the lock of source id for this tab, waiting up to waitMs for it; false when another tab holds it.
   * @param {string} id
   * @param {number} waitMs
   * @returns {Promise<boolean>}
   */
  async #lock(id, waitMs) {
    this.release();
    if (!navigator.locks) return true; // no locks: a tab cannot tell the others' sources apart
    /** @type {() => void} */
    let release = () => {};
    /** @type {Promise<void>} */
    const held = new Promise((resolve) => { release = resolve; });
    /** @type {LockOptions} */
    const options = waitMs > 0 ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
    /** @type {boolean} */
    const got = await new Promise((resolve) => {
      navigator.locks.request(LOCK_PREFIX + id, options, (lock) => {
        resolve(!!lock);
        return lock ? held : undefined;
      }).catch(() => resolve(false)); // the wait timed out
    });
    if (got) this.#release = release;
    return got;
  }
}

async function heldLocks() {
  if (!navigator.locks) return new Set();
  const { held = [] } = await navigator.locks.query();
  return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(LOCK_PREFIX)).map((n) => n.slice(LOCK_PREFIX.length)));
}
