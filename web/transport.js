// @ts-check
// The two ways the console reaches the engine (docs/api.md): the wasm engine in a Web Worker (browser mode)
// or the dev server's HTTP API (server mode). Both expose call(method, params) → the same JSON documents.

import { h } from './dom.js';
import { lang } from './i18n.js';

/**
 * @import { Method, Params, Result, AnyParams, ErrorKind, ErrorDocument, Progress, RefreshReport, Lang, Settings } from './types.js'
 */

/**
 * What the dev server tells of the folder: files changed on disk (resync: events were missed, reload
 * everything), a refresh it ran itself (auto refresh; null when its report could not be read), and its settings
 * when a page changed them.
 * @typedef {object} ServerEvents
 * @property {(event: {paths: string[], resync: boolean}) => void} disk
 * @property {(report: RefreshReport | null) => void} refresh
 * @property {(settings: Settings) => void} settings
 */

/** @typedef {{resolve: (result: any) => void, reject: (err: EngineError) => void}} Waiting */

/**
 * What the worker posts (docs/api.md, "the worker protocol"): progress, or the answer to request id, the engine's
 * JSON (with the bytes of a download beside it) or its error.
 * @typedef {{progress: Progress, id?: undefined} | {progress?: undefined, id: number, json?: string, bytes?: ArrayBuffer, error?: ErrorDocument}} WorkerAnswer
 */

/**
 * An error answered by the engine: kind is input, conflict, notfound, foreign (or, from the dev server,
 * forbidden, unauthorized, busy; or internal, wrongroot); details carries what some kinds name: root, for
 * wrongroot, the folder inside the zip that the engine suggests opening; entry, for foreign, what a refused
 * delete names.
 */
export class EngineError extends Error {
  /** @type {string | undefined} */
  root;
  /** @type {string | undefined} */
  entry;

  /**
   * @param {string} message
   * @param {ErrorKind} [kind]
   * @param {{root?: string, entry?: string}} [details]
   */
  constructor(message, kind = 'internal', { root, entry } = {}) {
    super(message);
    this.kind = kind;
    if (root) this.root = root;
    if (entry) this.entry = entry;
  }
}

/**
 * @param {'browser' | 'server'} mode
 * @param {string} token server mode: the dev server's token
 */
export function createTransport(mode, token) {
  return mode === 'server' ? new ServerTransport(token) : new WorkerTransport();
}

class WorkerTransport {
  mode = 'browser';
  #worker = new Worker(new URL('./worker.js', import.meta.url));
  #seq = 0;
  /** @type {Map<number, Waiting>} */
  #pending = new Map();
  /** @type {(p: Progress) => void} */
  #progress = () => {};
  /** @type {EngineError | null} set when the worker script itself failed (e.g. wasm_exec.js missing): later calls fail at once */
  #dead = null;

  constructor() {
    /** @param {MessageEvent<WorkerAnswer>} ev */
    this.#worker.onmessage = ({ data }) => {
      if (data.progress) return this.#progress(data.progress);
      const p = this.#pending.get(data.id);
      if (!p) return;
      this.#pending.delete(data.id);
      if (data.error) return p.reject(new EngineError(data.error.message, data.error.kind, data.error));
      let result;
      try {
        result = JSON.parse(data.json ?? '');
      } catch (err) {
        return p.reject(new EngineError(`the engine answered what is not JSON: ${err instanceof Error ? err.message : err}`, 'internal'));
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

  /** @param {(p: Progress) => void} fn */
  onProgress(fn) { this.#progress = fn; }
  /** @param {ServerEvents} _handlers */
  onEvents(_handlers) {} // the browser engine works on an in-memory copy: nothing changes behind its back

  /**
   * @template {Method} M
   * @param {M} method
   * @param {Params<M>} [params]
   * @returns {Promise<Result<M>>}
   */
  call(method, params) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = ++this.#seq;
    /** @type {AnyParams} */
    const p = params ?? {};
    const transfer = p.bytes instanceof ArrayBuffer ? [p.bytes] : [];
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, params: p }, transfer);
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

/** @type {Record<Lang, {title: string, before: string, after: string}>} */
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
  const words = TOKEN_NOTICE[lang()];
  const card = h('div', { class: 'drop-target' },
    h('p', { class: 'big' }, words.title),
    h('p', {}, words.before),
    h('p', {}, h('code', { class: 'mono' }, `listening on ${location.origin}/?token=…`)),
    h('p', {}, words.after));
  card.style.borderStyle = 'solid';
  const notice = h('div', { class: 'empty-state', 'data-testid': 'token-needed', role: 'alert' }, card);
  document.body.removeAttribute('aria-busy');
  document.body.replaceChildren(notice);
}

/** @type {Record<number, ErrorKind>} */
const KIND_BY_STATUS = { 400: 'input', 401: 'unauthorized', 403: 'forbidden', 404: 'notfound', 409: 'conflict', 412: 'conflict', 503: 'busy' };

class ServerTransport {
  mode = 'server';
  #token;
  // This tab, named on each change it asks for: the server tags the disk events of those changes with it, and
  // the tab ignores them (it has their result); every other tab is told.
  #tab = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

  /** @param {string} token */
  constructor(token) { this.#token = token; }

  /** @param {(p: Progress) => void} _fn */
  onProgress(_fn) {} // the HTTP API reports no progress: the page shows an indeterminate bar

  /**
   * The dev server's Server-Sent Events: disk({paths, resync}) when files change on disk, but for the changes
   * this tab made itself (resync: events were missed, reload everything); refresh(RefreshReport) when the server
   * refreshed memory itself (auto refresh); settings(Settings) when a page changed them.
   * @param {ServerEvents} handlers
   */
  onEvents({ disk, refresh, settings }) {
    if (!this.#token) return;
    this.#stream({
      disk: (text) => {
        /** @type {{paths?: string[], resync?: boolean, tab?: string}} */
        let data = { paths: [], resync: true }; // a malformed event still means "something changed"
        try { data = JSON.parse(text); } catch { /* keep the resync */ }
        if (data.tab && data.tab === this.#tab) return;
        disk({ paths: data.paths ?? [], resync: !!data.resync });
      },
      refresh: (text) => {
        try { refresh(JSON.parse(text)); } catch { refresh(null); }
      },
      settings: (text) => {
        try { settings(JSON.parse(text)); } catch { /* the next answer of settings tells them */ }
      },
    });
  }

  /**
   * Reads /api/events, the Server-Sent Events stream, as EventSource would (reconnecting with Last-Event-ID),
   * but with fetch: EventSource cannot send a header, and the token goes in a header as on every other route.
   * A cookie would be sent to every server of 127.0.0.1, whatever its port (another account's included), and a
   * token in the stream's address ends in logs; a header goes nowhere else.
   * @param {Record<string, (data: string) => void>} handlers by event name
   */
  async #stream(handlers) {
    let last = '';
    let retry = 2000;
    for (;;) {
      try {
        /** @type {Record<string, string>} */
        const headers = { 'X-Mobisess-Token': this.#token, Accept: 'text/event-stream' };
        if (last) headers['Last-Event-ID'] = last;
        const res = await fetch('/api/events', { headers, cache: 'no-store' });
        if (res.status === 401) return this.#unauthorized();
        if (res.ok && res.body) {
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          let name = '';
          /** @type {string[]} */
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

  /**
   * The server refused the token (or the page has none): say where the address is, once, and stop.
   * @param {string} [message]
   */
  #unauthorized(message) {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage off */ }
    showTokenNeeded();
    return new EngineError(message || 'the dev server needs the address it printed, with its token', 'unauthorized');
  }

  /**
   * @template {Method} M
   * @param {M} method
   * @param {Params<M>} [params]
   * @returns {Promise<Result<M>>}
   */
  async call(method, params) {
    /** @type {AnyParams} */
    const p = params ?? {};
    /** @param {string | undefined} path */
    const q = (path) => `?path=${encodeURIComponent(path ?? '')}`;
    switch (method) {
      case 'state': return this.#json('GET', '/api/state');
      case 'read': return this.#json('GET', '/api/file' + q(p.path));
      case 'remove': // DELETE takes no force: POST /api/remove does
        if (!p.force) return this.#json('DELETE', '/api/file' + q(p.path));
        return this.#json('POST', '/api/remove', JSON.stringify(p), { 'Content-Type': 'application/json' });
      case 'write': {
        // etag absent: force (If-Match: *); "" : create only (If-None-Match: *).
        /** @type {Record<string, string>} */
        const headers = { 'Content-Type': 'application/octet-stream' };
        if (p.etag === undefined) headers['If-Match'] = '*';
        else if (p.etag === '') headers['If-None-Match'] = '*';
        else headers['If-Match'] = `"${p.etag}"`;
        return this.#json('PUT', '/api/file' + q(p.path), p.content, headers);
      }
      case 'download': {
        const res = await this.#fetch('GET', '/api/download');
        const cd = res.headers.get('Content-Disposition') ?? '';
        const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)?.[1] ?? 'MobileApps.zip';
        /** @type {Result<'download'>} */
        const result = { name: decodeURIComponent(name), bytes: await res.arrayBuffer() };
        return /** @type {Result<M>} */ (result);
      }
      case 'openZip': {
        const url = `/api/openZip?name=${encodeURIComponent(p.name ?? '')}&lang=${encodeURIComponent(p.lang ?? '')}`;
        return this.#json('POST', url, p.bytes, { 'Content-Type': 'application/zip' });
      }
      default:
        return this.#json('POST', `/api/${method}`, JSON.stringify(p), { 'Content-Type': 'application/json' });
    }
  }

  /**
   * A request whose answer is the engine's JSON: what the method answers (the dev server is the engine's border).
   * @param {string} verb
   * @param {string} url
   * @param {BodyInit} [body]
   * @param {Record<string, string>} [headers]
   * @returns {Promise<any>}
   */
  async #json(verb, url, body, headers) {
    return (await this.#fetch(verb, url, body, headers)).json();
  }

  /**
   * @param {string} verb
   * @param {string} url
   * @param {BodyInit} [body]
   * @param {Record<string, string>} [headers]
   * @returns {Promise<Response>}
   */
  async #fetch(verb, url, body, headers = {}) {
    if (!this.#token) throw this.#unauthorized();
    headers['X-Mobisess-Token'] = this.#token;
    if (verb !== 'GET') headers['X-Mobisess-Tab'] = this.#tab;
    let res;
    try {
      res = await fetch(url, { method: verb, body, headers, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new EngineError(`the dev server cannot be reached (${e instanceof Error ? e.message : e})`, 'internal');
    }
    if (!res.ok) {
      /** @type {Partial<ErrorDocument>} */
      let err = {};
      try { err = (await res.json()).error ?? {}; } catch { /* not JSON: use the status */ }
      if (res.status === 401) throw this.#unauthorized(err.message);
      throw new EngineError(err.message || `HTTP ${res.status} ${res.statusText}`,
        err.kind || KIND_BY_STATUS[res.status] || 'internal', err);
    }
    return res;
  }
}
