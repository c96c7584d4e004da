// The two ways the console reaches the engine (docs/api.md): the wasm engine in a Web Worker (browser mode)
// or the dev server's HTTP API (server mode). Both expose call(method, params) → the same JSON documents.

import { lang } from './i18n.js';

/**
 * An error answered by the engine: kind is input, conflict, notfound, foreign (or, from the dev server,
 * forbidden, unauthorized, busy; or internal, wrongroot); details carries what some kinds name: root, for
 * wrongroot, the folder inside the zip that the engine suggests opening; entry, for foreign, what a refused
 * delete names.
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

const TOKEN_KEY = 'mobisess.token';

/**
 * The dev server's token, which every request of its API carries: it is in the address the server printed
 * (…/?token=…), taken from there once, dropped from the address bar (and so from the history, a bookmark, a
 * shared screen), and kept for this tab's session, so that a reload still has it. '' when the page was opened
 * without it.
 */
export function takeToken() {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given === null) {
    try { return sessionStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
  }
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  try { sessionStorage.setItem(TOKEN_KEY, given); } catch { /* storage off: this page keeps it until reloaded */ }
  return given;
}

const TOKEN_NOTICE = {
  en: {
    title: 'Open the address the dev server printed',
    before: 'This console works on a folder of your machine through the mobisess dev server, which answers only the page opened from the address it printed when it started:',
    after: 'Find that line in the terminal where devserver (or make run) runs, and open that address. A new token is made at each start: after a restart, open the new address.',
  },
  fr: {
    title: 'Ouvrez l\u2019adresse affichée par le serveur de développement',
    before: 'Cette console travaille sur un dossier de votre machine par le serveur de développement mobisess, qui ne répond qu\u2019à la page ouverte depuis l\u2019adresse qu\u2019il a affichée au démarrage :',
    after: 'Retrouvez cette ligne dans le terminal où tourne devserver (ou make run) et ouvrez cette adresse. Un nouveau jeton est créé à chaque démarrage : après un redémarrage, ouvrez la nouvelle adresse.',
  },
  es: {
    title: 'Abra la dirección que mostró el servidor de desarrollo',
    before: 'Esta consola trabaja sobre una carpeta de su equipo a través del servidor de desarrollo de mobisess, que solo responde a la página abierta desde la dirección que mostró al iniciarse:',
    after: 'Busque esa línea en la terminal donde se ejecuta devserver (o make run) y abra esa dirección. Cada inicio crea un token nuevo: tras un reinicio, abra la nueva dirección.',
  },
};

/** Replaces the page with what to do without the token: nothing of the folder is shown, or was ever fetched. */
function showTokenNeeded() {
  if (document.querySelector('[data-testid="token-needed"]')) return;
  const words = TOKEN_NOTICE[lang()] ?? TOKEN_NOTICE.en;
  const el = (tag, props, ...children) => {
    const e = Object.assign(document.createElement(tag), props);
    e.append(...children);
    return e;
  };
  const card = el('div', { className: 'drop-target' },
    el('p', { className: 'big' }, words.title),
    el('p', {}, words.before),
    el('p', {}, el('code', { className: 'mono' }, `listening on ${location.origin}/?token=…`)),
    el('p', {}, words.after));
  card.style.borderStyle = 'solid';
  const notice = el('div', { className: 'empty-state' }, card);
  notice.dataset.testid = 'token-needed';
  notice.setAttribute('role', 'alert');
  document.body.removeAttribute('aria-busy');
  document.body.replaceChildren(notice);
}

const KIND_BY_STATUS = { 400: 'input', 401: 'unauthorized', 403: 'forbidden', 404: 'notfound', 409: 'conflict', 412: 'conflict', 503: 'busy' };

class ServerTransport {
  mode = 'server';
  #token;
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
    if (!this.#token) return;
    this.#stream({
      disk: (text) => {
        let data = { paths: [], resync: true }; // a malformed event still means "something changed"
        try { data = JSON.parse(text); } catch { /* keep the resync */ }
        if (data.tab && data.tab === this.#tab) return;
        disk({ paths: data.paths ?? [], resync: !!data.resync });
      },
      refresh: (text) => {
        try { refresh(JSON.parse(text)); } catch { refresh(null); }
      },
    });
  }

  /**
   * Reads /api/events, the Server-Sent Events stream, as EventSource would (reconnecting with Last-Event-ID),
   * but with fetch: EventSource cannot send a header, and the token goes in a header as on every other route.
   * A cookie would be sent to every server of 127.0.0.1, whatever its port (another account's included), and a
   * token in the stream's address ends in logs; a header goes nowhere else.
   */
  async #stream(handlers) {
    let last = '';
    let retry = 2000;
    for (;;) {
      try {
        const headers = { 'X-Mobisess-Token': this.#token, Accept: 'text/event-stream' };
        if (last) headers['Last-Event-ID'] = last;
        const res = await fetch('/api/events', { headers, cache: 'no-store' });
        if (res.status === 401) return this.#unauthorized();
        if (res.ok && res.body) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          let name = '';
          let data = [];
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).replace(/\r$/, '');
              buf = buf.slice(nl + 1);
              if (line === '') { // the end of an event: dispatched when it has data
                if (data.length) handlers[name || 'message']?.(data.join('\n'));
                name = '';
                data = [];
                continue;
              }
              if (line.startsWith(':')) continue; // a comment: the keep-alive
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'event') name = val;
              else if (field === 'data') data.push(val);
              else if (field === 'id' && !val.includes('\0')) last = val;
              else if (field === 'retry' && /^\d+$/.test(val)) retry = Number(val);
            }
          }
        }
      } catch { /* the server stopped, or restarts: try again */ }
      await new Promise((resolve) => setTimeout(resolve, retry));
    }
  }

  /** The server refused the token (or the page has none): say where the address is, once, and stop. */
  #unauthorized(message) {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage off */ }
    showTokenNeeded();
    return new EngineError(message || 'the dev server needs the address it printed, with its token', 'unauthorized');
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
    if (!this.#token) throw this.#unauthorized();
    headers['X-Mobisess-Token'] = this.#token;
    if (verb !== 'GET') headers['X-Mobisess-Tab'] = this.#tab;
    let res;
    try {
      res = await fetch(url, { method: verb, body, headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new EngineError(`the dev server cannot be reached (${e.message})`, 'internal');
    }
    if (!res.ok) {
      let err = {};
      try { err = (await res.json()).error ?? {}; } catch { /* not JSON: use the status */ }
      if (res.status === 401) throw this.#unauthorized(err.message);
      throw new EngineError(err.message || `HTTP ${res.status} ${res.statusText}`,
        err.kind || KIND_BY_STATUS[res.status] || 'internal', err);
    }
    return raw ? res : res.json();
  }
}
