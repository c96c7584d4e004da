// The two ways the console reaches the engine (docs/api.md): the wasm engine in a Web Worker (browser mode)
// or the dev server's HTTP API (server mode). Both expose call(method, params) → the same JSON documents.

/**
 * An error answered by the engine: kind is input, conflict, notfound, foreign (or forbidden, internal, wrongroot);
 * details carries what some kinds name: root, for wrongroot, the folder inside the zip that the engine suggests
 * opening; entry, for foreign, what a refused delete names.
 */
export class EngineError extends Error {
  constructor(message, kind = 'internal', { root, entry } = {}) {
    super(message);
    this.kind = kind;
    if (root) this.root = root;
    if (entry) this.entry = entry;
  }
}

export function createTransport(mode, token) {
  return mode === 'server' ? new ServerTransport(token) : new WorkerTransport();
}

class WorkerTransport {
  mode = 'browser';
  #worker = new Worker(new URL('./worker.js', import.meta.url));
  #seq = 0;
  #pending = new Map();
  #progress = () => {};
  #dead = null; // set when the worker script itself failed (e.g. wasm_exec.js missing): later calls fail at once

  constructor() {
    this.#worker.onmessage = ({ data }) => {
      if (data.progress) return this.#progress(data.progress);
      const p = this.#pending.get(data.id);
      if (!p) return;
      this.#pending.delete(data.id);
      if (data.error) return p.reject(new EngineError(data.error.message, data.error.kind, data.error));
      let result;
      try {
        result = JSON.parse(data.json);
      } catch (err) {
        return p.reject(new EngineError(`the engine answered what is not JSON: ${err.message}`, 'internal'));
      }
      if (data.bytes) result.bytes = data.bytes;
      p.resolve(result);
    };
    this.#worker.onerror = (e) => {
      e.preventDefault();
      const err = new EngineError(e.message || 'the engine worker failed to start', 'internal');
      this.#dead = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
  }

  onProgress(fn) { this.#progress = fn; }
  onEvents() {} // the browser engine works on an in-memory copy: nothing changes behind its back

  call(method, params = {}) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = ++this.#seq;
    const transfer = params.bytes instanceof ArrayBuffer ? [params.bytes] : [];
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, params }, transfer);
    });
  }
}

const KIND_BY_STATUS = { 400: 'input', 403: 'forbidden', 404: 'notfound', 409: 'conflict', 412: 'conflict' };

class ServerTransport {
  mode = 'server';
  #token;
  #events = null;
  // This tab, named on each change it asks for: the server tags the disk events of those changes with it, and
  // the tab ignores them (it has their result); every other tab is told.
  #tab = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

  constructor(token) { this.#token = token; }

  onProgress() {} // the HTTP API reports no progress: the page shows an indeterminate bar

  /**
   * The dev server's Server-Sent Events: disk({paths, resync}) when files change on disk, but for the changes
   * this tab made itself (resync: events were missed, reload everything); refresh(RefreshReport) when the server
   * refreshed memory itself (-auto-refresh).
   */
  onEvents({ disk, refresh }) {
    this.#events = new EventSource('/api/events');
    this.#events.addEventListener('disk', (e) => {
      let data = { paths: [], resync: true }; // a malformed event still means "something changed"
      try { data = JSON.parse(e.data); } catch { /* keep the resync */ }
      if (data.tab && data.tab === this.#tab) return;
      disk({ paths: data.paths ?? [], resync: !!data.resync });
    });
    this.#events.addEventListener('refresh', (e) => {
      try { refresh(JSON.parse(e.data)); } catch { refresh(null); }
    });
  }

  async call(method, params = {}) {
    const q = (p) => `?path=${encodeURIComponent(p ?? '')}`;
    switch (method) {
      case 'state': return this.#fetch('GET', '/api/state');
      case 'read': return this.#fetch('GET', '/api/file' + q(params.path));
      case 'remove': // DELETE takes no force: POST /api/remove does
        if (!params.force) return this.#fetch('DELETE', '/api/file' + q(params.path));
        return this.#fetch('POST', '/api/remove', JSON.stringify(params), { 'Content-Type': 'application/json' });
      case 'write': {
        // etag absent: force (If-Match: *); "" : create only (If-None-Match: *).
        const headers = { 'Content-Type': 'application/octet-stream' };
        if (params.etag === undefined) headers['If-Match'] = '*';
        else if (params.etag === '') headers['If-None-Match'] = '*';
        else headers['If-Match'] = `"${params.etag}"`;
        return this.#fetch('PUT', '/api/file' + q(params.path), params.content, headers);
      }
      case 'download': {
        const res = await this.#fetch('GET', '/api/download', undefined, {}, true);
        const cd = res.headers.get('Content-Disposition') ?? '';
        const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)?.[1] ?? 'MobileApps.zip';
        return { name: decodeURIComponent(name), bytes: await res.arrayBuffer() };
      }
      case 'openZip': {
        const url = `/api/openZip?name=${encodeURIComponent(params.name)}&lang=${encodeURIComponent(params.lang ?? '')}`;
        return this.#fetch('POST', url, params.bytes, { 'Content-Type': 'application/zip' });
      }
      default:
        return this.#fetch('POST', `/api/${method}`, JSON.stringify(params), { 'Content-Type': 'application/json' });
    }
  }

  async #fetch(verb, url, body, headers = {}, raw = false) {
    if (verb !== 'GET') {
      headers['X-Mobisess-Token'] = this.#token;
      headers['X-Mobisess-Tab'] = this.#tab;
    }
    let res;
    try {
      res = await fetch(url, { method: verb, body, headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new EngineError(`the dev server cannot be reached (${e.message})`, 'internal');
    }
    if (!res.ok) {
      let err = {};
      try { err = (await res.json()).error ?? {}; } catch { /* not JSON: use the status */ }
      throw new EngineError(err.message || `HTTP ${res.status} ${res.statusText}`,
        err.kind || KIND_BY_STATUS[res.status] || 'internal', err);
    }
    return raw ? res : res.json();
  }
}
