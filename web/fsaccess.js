// @ts-check
// Writing a folder back through the File System Access API (Chromium): the steps of the engine's plan
// (docs/api.md, "folderWrites"), in order, each taken only when the folder holds what the step expects there: a
// file of the same size, time and bytes, a folder, or nothing. The first step that cannot be taken stops the
// rest, and what was done is said, so that the engine knows what the disk holds now: nothing is written over a
// change the console did not see, and nothing done is forgotten. The page decides no step: it moves bytes, and
// compares what it finds with what the engine says must be there.
//
// A file is written through createWritable(), which Chromium writes beside the file and moves into place when it
// is closed: a reader sees the old file or the new one.

import { t } from './i18n.js';

/** @import { FolderWrite, WrittenStep, DiskEntry } from './types.js' */

/**
 * A step that could not be taken: the step, and why, in the page's language.
 * @typedef {{step: FolderWrite, why: string}} Refusal
 */

/** A step refused: the disk does not hold what it expects. */
class Refused extends Error {
  /**
   * @param {string} key the page's words for why (i18n.js)
   * @param {Record<string, string>} [vars]
   */
  constructor(key, vars) {
    super(t(key, vars));
  }
}

/**
 * Takes the steps of a plan in root, in order, until one cannot be taken.
 * @param {FileSystemDirectoryHandle} root the folder as the user gave it
 * @param {FolderWrite[]} steps
 * @param {(done: number) => void} [onStep]
 * @returns {Promise<{done: WrittenStep[], refused: Refusal | null}>}
 */
export async function takeSteps(root, steps, onStep) {
  /** @type {WrittenStep[]} */
  const done = [];
  for (const step of steps) {
    try {
      done.push(await take(root, step));
    } catch (err) {
      const why = err instanceof Refused ? err.message : `${err instanceof Error ? `${err.name}: ${err.message}` : err}`;
      return { done, refused: { step, why } };
    }
    onStep?.(done.length);
  }
  return { done, refused: null };
}

/**
 * Takes one step.
 * @param {FileSystemDirectoryHandle} root
 * @param {FolderWrite} step
 * @returns {Promise<WrittenStep>}
 */
async function take(root, step) {
  const parts = step.path.split('/');
  const name = /** @type {string} */ (parts.pop());
  let dir = root;
  for (const part of parts) {
    try {
      dir = await dir.getDirectoryHandle(part);
    } catch (err) {
      throw notThere(err, new Refused('write.folderGone', { folder: part }));
    }
  }
  const now = await entryAt(dir, name);
  if (step.op === 'mkdir') {
    if (now?.kind === 'file') throw new Refused('write.fileThere');
    if (!now) await dir.getDirectoryHandle(name, { create: true });
    return { path: step.path };
  }
  await expect(now, step.expect);
  switch (step.op) {
    case 'write': {
      const handle = now?.kind === 'file' ? now.handle : await dir.getFileHandle(name, { create: true });
      const out = await handle.createWritable();
      try {
        await out.write(/** @type {Uint8Array<ArrayBuffer>} */ (fromBase64(step.data ?? '')));
        await out.close();
      } catch (err) {
        await out.abort().catch(() => {}); // the file stays as it was
        throw err;
      }
      const written = await handle.getFile();
      return { path: step.path, modified: written.lastModified };
    }
    case 'remove':
      await dir.removeEntry(name);
      return { path: step.path };
    case 'rmdir': {
      const folder = /** @type {FileSystemDirectoryHandle} */ (/** @type {{handle: FileSystemHandle}} */ (now).handle);
      for await (const [child] of folder.entries()) {
        throw new Refused('write.notEmpty', { entry: child });
      }
      await dir.removeEntry(name);
      return { path: step.path };
    }
  }
  throw new Error(`unknown step ${step.op}`);
}

/**
 * What is at name in dir: a file, a folder, or nothing.
 * @param {FileSystemDirectoryHandle} dir
 * @param {string} name
 * @returns {Promise<{kind: 'file', handle: FileSystemFileHandle} | {kind: 'directory', handle: FileSystemDirectoryHandle} | null>}
 */
async function entryAt(dir, name) {
  try {
    return { kind: 'file', handle: await dir.getFileHandle(name) };
  } catch (err) {
    if (!(err instanceof DOMException) || err.name !== 'TypeMismatchError') {
      if (err instanceof DOMException && err.name === 'NotFoundError') return null;
      throw err;
    }
  }
  return { kind: 'directory', handle: await dir.getDirectoryHandle(name) };
}

/**
 * Checks that what is there is what the step expects (nothing, when it expects nothing).
 * @param {Awaited<ReturnType<typeof entryAt>>} now
 * @param {DiskEntry | undefined} want
 */
async function expect(now, want) {
  if (!want) {
    if (now) throw new Refused('write.appeared');
    return;
  }
  if (!now) throw new Refused('write.gone');
  if (want.kind === 'folder') {
    if (now.kind !== 'directory') throw new Refused('write.notFolder');
    return;
  }
  if (now.kind !== 'file') throw new Refused('write.isFolder');
  const file = await now.handle.getFile();
  const changed = new Refused('write.changed');
  if (file.size !== want.size || file.lastModified !== (want.modified ?? file.lastModified)) throw changed;
  if (await sha256(await file.arrayBuffer()) !== want.sha256) throw changed;
}

/**
 * The refusal why when err says that nothing (or not a folder) is there, else err.
 * @param {unknown} err
 * @param {Refused} why
 */
function notThere(err, why) {
  return err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError') ? why : err;
}

/** @param {ArrayBuffer} data */
async function sha256(data) {
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(sum, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @param {string} text base64, as the engine's JSON carries bytes */
function fromBase64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * Whether the browser lets the page read ('read') or write ('readwrite') the folder. When ask, the browser asks
 * the user if it must (it asks only during a click's handler); else it only says.
 * @param {FileSystemDirectoryHandle} handle
 * @param {'read' | 'readwrite'} mode
 * @param {boolean} ask
 */
export async function permitted(handle, mode, ask) {
  try {
    const state = ask ? await handle.requestPermission({ mode }) : await handle.queryPermission({ mode });
    return state === 'granted';
  } catch {
    return false;
  }
}
