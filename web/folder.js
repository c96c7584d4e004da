// @ts-check
// A folder the user gives the page (Open folder…, or dropped on the window), listed and then read into the shape
// the engine takes (docs/api.md, "planFolder" and "openFolder"): each entry's path, size and time, then the bytes
// of the files the engine's plan names, one after another in one buffer. The page lists and moves bytes; what is
// read, what is skipped and what the folder is, the engine decides.
//
// A folder comes three ways: a FileSystemDirectoryHandle (the File System Access API: showDirectoryPicker, or a
// folder dropped in Chromium), which can be read again after a reload and written back (fsaccess.js); the files of
// an <input webkitdirectory> (every browser; empty folders are not listed); or a dropped FileSystemDirectoryEntry.

/** @import { FolderEntry, Progress } from './types.js' */

/**
 * How far past the engine's default zip limit (250,000 entries) a listing goes before it stops: a bound on the
 * page's own memory when a folder far larger than a MobileApps folder (a home folder) is given by mistake.
 */
const LIST_BOUND = 1_000_000;

/** How many files are looked at, or read, at once. */
const PARALLEL = 16;

/** A listing that went past LIST_BOUND. */
export class FolderTooLarge extends Error {
  /** @param {string} name */
  constructor(name) {
    super(`${name} holds more than ${LIST_BOUND.toLocaleString('en')} files and folders: it is not a MobileApps folder`);
    this.name = 'FolderTooLarge';
  }
}

/** What one entry is read from: a File, or a handle or an entry that gives one. */
/** @typedef {File | FileSystemFileHandle | FileSystemFileEntry | null} Source */

/** A folder given to the page, listed: its name, its entries, and how to read them. */
export class PickedFolder {
  /** @type {FolderEntry[]} */
  entries = [];
  /** @type {Source[]} beside entries: where each file's bytes are (null for a folder) */
  #sources = [];

  /**
   * @param {string} name the folder's name, as its source is shown
   * @param {FileSystemDirectoryHandle} [handle] where the browser can read it again, and write it back
   */
  constructor(name, handle) {
    this.name = name;
    this.handle = handle;
  }

  /**
   * @param {FolderEntry} entry
   * @param {Source} source
   */
  #add(entry, source) {
    if (this.entries.length >= LIST_BOUND) throw new FolderTooLarge(this.name);
    this.entries.push(entry);
    this.#sources.push(source);
  }

  /**
   * Lists a folder the File System Access API gives.
   * @param {FileSystemDirectoryHandle} handle
   * @param {(p: Progress) => void} [onProgress]
   */
  static async fromHandle(handle, onProgress) {
    const folder = new PickedFolder(handle.name, handle);
    /** @type {Promise<void>[]} */
    const sizing = [];
    /** @type {(() => Promise<void>)[]} */
    const queue = [];
    /**
     * @param {FileSystemDirectoryHandle} dir
     * @param {string} prefix
     */
    const walk = async (dir, prefix) => {
      for await (const [name, child] of dir.entries()) {
        const path = prefix + name;
        if (child.kind === 'directory') {
          folder.#add({ path, dir: true }, null);
          await walk(/** @type {FileSystemDirectoryHandle} */ (child), `${path}/`);
        } else {
          const at = folder.entries.length;
          folder.#add({ path, size: 0 }, null);
          queue.push(async () => {
            const file = await /** @type {FileSystemFileHandle} */ (child).getFile();
            folder.entries[at] = { path, size: file.size, modified: file.lastModified };
            folder.#sources[at] = file;
          });
        }
        onProgress?.({ phase: 'list', done: folder.entries.length, total: 0 });
      }
    };
    await walk(handle, '');
    // Each file's size and time, a few at once: a File is a snapshot, read later only if it is still so.
    for (let i = 0; i < PARALLEL; i++) {
      sizing.push((async () => {
        for (let job = queue.shift(); job; job = queue.shift()) await job();
      })());
    }
    await Promise.all(sizing);
    return folder;
  }

  /**
   * Lists the files of an <input webkitdirectory>: each File's webkitRelativePath begins with the folder's name.
   * @param {FileList | File[]} files
   */
  static fromFiles(files) {
    const list = [...files];
    const first = list[0]?.webkitRelativePath ?? '';
    const folder = new PickedFolder(first.slice(0, first.indexOf('/')) || first || 'folder');
    for (const file of list) {
      const rel = file.webkitRelativePath;
      const path = rel.slice(rel.indexOf('/') + 1);
      folder.#add({ path, size: file.size, modified: file.lastModified }, file);
    }
    return folder;
  }

  /**
   * Lists a dropped folder, as the Entries API gives it (where the File System Access API does not).
   * @param {FileSystemDirectoryEntry} root
   * @param {(p: Progress) => void} [onProgress]
   */
  static async fromEntry(root, onProgress) {
    const folder = new PickedFolder(root.name);
    /**
     * @param {FileSystemDirectoryEntry} dir
     * @param {string} prefix
     */
    const walk = async (dir, prefix) => {
      const reader = dir.createReader();
      for (;;) {
        // readEntries answers a batch at a time, and an empty one at the end.
        /** @type {FileSystemEntry[]} */
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) return;
        for (const child of batch) {
          const path = prefix + child.name;
          if (child.isDirectory) {
            folder.#add({ path, dir: true }, null);
            await walk(/** @type {FileSystemDirectoryEntry} */ (child), `${path}/`);
          } else if (child.isFile) {
            /** @type {File} */
            const file = await new Promise((resolve, reject) => /** @type {FileSystemFileEntry} */ (child).file(resolve, reject));
            folder.#add({ path, size: file.size, modified: file.lastModified }, file);
          }
          onProgress?.({ phase: 'list', done: folder.entries.length, total: 0 });
        }
      }
    };
    await walk(root, '');
    return folder;
  }

  /**
   * Reads the entries named by indices (the engine's plan): those entries, and their files' bytes one after
   * another in one buffer. A file that changed since it was listed (its size, or a snapshot the browser can no
   * longer read) is an error that names it: the bytes must be those the engine judged.
   * @param {number[]} indices
   * @param {(p: Progress) => void} [onProgress]
   * @returns {Promise<{entries: FolderEntry[], bytes: ArrayBuffer}>}
   */
  async read(indices, onProgress) {
    /** @type {FolderEntry[]} */
    const entries = [];
    /** @type {{at: number, entry: FolderEntry, source: Source}[]} */
    const files = [];
    let total = 0;
    for (const i of indices) {
      const entry = this.entries[i];
      if (!entry) throw new Error(`the engine asked for entry ${i} of ${this.entries.length}`);
      entries.push(entry);
      if (entry.dir) continue;
      files.push({ at: total, entry, source: this.#sources[i] ?? null });
      total += entry.size ?? 0;
    }
    const bytes = new Uint8Array(total);
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (let k = next++; k < files.length; k = next++) {
        const { at, entry, source } = /** @type {typeof files[number]} */ (files[k]);
        let data;
        try {
          data = new Uint8Array(await (await fileOf(source)).arrayBuffer());
        } catch (err) {
          throw new Error(`${this.name}/${entry.path} cannot be read (${err instanceof Error ? err.message : err}): it may have changed or gone since it was listed`);
        }
        if (data.length !== entry.size) {
          throw new Error(`${this.name}/${entry.path} changed while it was read: ${entry.size} bytes listed, ${data.length} read`);
        }
        bytes.set(data, at);
        onProgress?.({ phase: 'read', done: ++done, total: files.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
    return { entries, bytes: bytes.buffer };
  }
}

/**
 * The File behind a source.
 * @param {Source} source
 * @returns {Promise<File>}
 */
function fileOf(source) {
  if (source instanceof File) return Promise.resolve(source);
  if (!source) return Promise.reject(new Error('nothing to read'));
  if ('getFile' in source) return source.getFile();
  return new Promise((resolve, reject) => source.file(resolve, reject));
}

/**
 * The folder a drop holds, if any: a handle where the File System Access API gives one (Chromium), else the
 * entry of the Entries API. Must run while the drop event is dispatched: the items are gone after it.
 * @param {DataTransfer | null | undefined} dt
 * @returns {Promise<FileSystemDirectoryHandle | FileSystemDirectoryEntry> | null}
 */
export function droppedFolder(dt) {
  for (const item of dt?.items ?? []) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (!entry?.isDirectory) continue;
    if (typeof item.getAsFileSystemHandle === 'function') {
      const dirEntry = /** @type {FileSystemDirectoryEntry} */ (entry);
      return item.getAsFileSystemHandle().then((h) => (h?.kind === 'directory' ? /** @type {FileSystemDirectoryHandle} */ (h) : dirEntry), () => dirEntry);
    }
    return Promise.resolve(/** @type {FileSystemDirectoryEntry} */ (entry));
  }
  return null;
}
