// @ts-check
// The engine's Web Worker (browser mode). Page ⇄ worker: see docs/api.md ("the worker protocol").
//
// Go-facing glue contract (the Go side lives in wasm/; wasm_exec.js and mobisess.wasm are served beside this file):
//   globalThis.mobisess = {
//     call(method, paramsJSON, bytes?: Uint8Array) → Promise<string | {json: string, bytes?: Uint8Array}>,
//     warmUp(times) → Promise: opens the embedded sample, enlarged, times, privately (see warmUp below),
//     onProgress: set here to (json) => void, json = '{"phase":"import|check|refresh","done":n,"total":n}',
//   }
// - The Go program registers the global before it blocks in main.
// - Bytes never travel inside the JSON: openZip's params.bytes is the third argument; download resolves
//   {json: '{"name":…}', bytes}, and the worker answers {name, bytes: ArrayBuffer}. The kept edits (the edits
//   method's answer, openZip's and openSample's params.edits) are the exception: small, their bytes in base64.
// - A failure rejects with an Error (or a string) whose message is '{"message":…,"kind":…}'; plain text is taken as
//   kind "internal". A result of the form {"error":{"message","kind"}} is treated the same way.
// worker.d.ts types what wasm_exec.js and the engine add to the global scope.
'use strict';

/**
 * A request of the page: the method, and its parameters with the bytes of a zip beside them.
 * @typedef {{id: number, method: string, params?: {bytes?: ArrayBuffer, [name: string]: unknown}}} Request
 */

/**
 * An error as the page takes it (transport.js): message and kind, and for wrongroot and foreign what they name.
 * @typedef {{message: string, kind: string, root?: string, entry?: string}} ErrorAnswer
 */

importScripts('wasm_exec.js');

// compile fetches and compiles mobisess.wasm.
async function compile() {
  const res = await fetch('mobisess.wasm');
  if (!res.ok) throw new Error(`cannot load mobisess.wasm (HTTP ${res.status})`);
  // compileStreaming needs Content-Type: application/wasm; a plain static server may not send it.
  const streaming = (res.headers.get('Content-Type') ?? '').startsWith('application/wasm');
  return streaming ? WebAssembly.compileStreaming(res) : WebAssembly.compile(await res.arrayBuffer());
}

/**
 * Runs the Go program of module and returns its globalThis.mobisess.
 * @param {WebAssembly.Module} module
 * @returns {Promise<MobisessEngine>}
 */
async function start(module) {
  const go = new Go();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  go.run(instance).then(() => { self.mobisessExited = true; });
  for (let i = 0; !globalThis.mobisess && i < 500; i++) await sleep(10);
  if (!globalThis.mobisess) throw new Error('the engine did not start (globalThis.mobisess is missing)');
  return globalThis.mobisess;
}

self.onmessage = onRequest;

const ready = (async () => {
  const engine = await start(await compile());
  /** @param {string} json */
  engine.onProgress = (json) => {
    try { postMessage({ progress: typeof json === 'string' ? JSON.parse(json) : json }); } catch { /* ignore */ }
  };
  return engine;
})();
ready.catch(() => {}); // reported on each call instead

// Requests received and not yet answered: the warm-up below gives way to them.
let waiting = 0;

/** @param {MessageEvent<Request>} event */
async function onRequest({ data }) {
  const { id, method, params = {} } = data;
  waiting++;
  try {
    const engine = await ready;
    if (self.mobisessExited) throw new Error('the engine has stopped; reload the page');
    const { bytes, ...rest } = params;
    const out = await engine.call(method, JSON.stringify(rest), bytes ? new Uint8Array(bytes) : undefined);
    // The answer goes to the page as the engine's JSON text, parsed there: a string crosses postMessage in one
    // copy, where a parsed State of 10k sessions would be cloned object by object on both sides.
    const json = typeof out === 'string' ? out : out.json;
    if (json.startsWith('{"error"')) {
      const result = JSON.parse(json);
      if (isErrorDocument(result)) throw result.error;
    }
    /** @type {{id: number, json: string, bytes?: ArrayBuffer}} */
    const answer = { id, json };
    /** @type {Transferable[]} */
    const transfer = [];
    if (out && typeof out === 'object' && out.bytes) {
      const b = out.bytes;
      const buffer = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer;
      answer.bytes = /** @type {ArrayBuffer} */ (buffer); // the engine's memory is never shared
      transfer.push(answer.bytes);
    }
    postMessage(answer, transfer);
  } catch (err) {
    postMessage({ id, error: toError(err) });
  } finally {
    waiting--;
    afterFirstAnswer();
  }
}

// Once the console has its first answer (the sample), the engine is warmed up: none of it delays the first view.
let started = false;
function afterFirstAnswer() {
  if (started) return;
  started = true;
  ready.then(warmUp, () => {});
}

// The browser runs the engine first from a baseline compiler and optimises only the functions that have run hot,
// so the first zip a person opens would take about 1.6 times as long as the next. Once the console has its first
// answer (the sample), and only while no request waits, the engine opens its own sample in a workspace of its own
// (api.WarmUp: the sample with each session copied 25 times, ~110 files), one open a round: a zip that arrives
// meanwhile waits for one round at most (on a 2-core test machine, 0.5 s for the first, on cold code, most of it
// compiling functions that zip would compile anyway; then 10-90 ms). 30 rounds: about as much work as opening
// 3,300 session files, which left the first zip as fast as the next in the benchmark.
const WARM_UP_ROUNDS = 30;
const WARM_UP_OPENS_PER_ROUND = 1;
// What the warm-up did: the benchmark reads it.
const warmUpStats = { rounds: 0, ms: 0, done: false, maxRounds: WARM_UP_ROUNDS };

/** @param {MobisessEngine} engine */
async function warmUp(engine) {
  while (warmUpStats.rounds < WARM_UP_ROUNDS) {
    // Through a macrotask, so that a request already posted is taken before the next round.
    await sleep(0);
    while (waiting > 0) await sleep(50);
    if (self.mobisessExited || typeof engine.warmUp !== 'function') return;
    const start = performance.now();
    try {
      await engine.warmUp(WARM_UP_OPENS_PER_ROUND);
    } catch {
      return; // only speed is at stake: the requests report any real failure
    }
    warmUpStats.rounds++;
    warmUpStats.ms += performance.now() - start;
  }
  warmUpStats.done = true;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {unknown} x
 * @returns {x is {error: ErrorAnswer}}
 */
function isErrorDocument(x) {
  if (!x || typeof x !== 'object' || Object.keys(x).length !== 1 || !('error' in x)) return false;
  const e = x.error;
  return !!e && typeof e === 'object' && 'message' in e && typeof e.message === 'string';
}

// toError is the engine's error as the page takes it: message and kind, and for a zip whose root is probably not
// the folder meant (kind wrongroot), the folder inside it to open instead.
/**
 * @param {unknown} err
 * @returns {ErrorAnswer}
 */
function toError(err) {
  if (!(err instanceof Error)) {
    const e = errorOf(err);
    if (e) return e;
  }
  const text = err instanceof Error ? err.message : String(err);
  try {
    const e = errorOf(JSON.parse(text));
    if (e) return e;
  } catch { /* plain text */ }
  return { message: text, kind: 'internal' };
}

/**
 * An error document ({message, kind, root?, entry?}) as the page takes it, or null when x is none.
 * @param {unknown} x
 * @returns {ErrorAnswer | null}
 */
function errorOf(x) {
  if (!x || typeof x !== 'object' || !('message' in x) || typeof x.message !== 'string') return null;
  const { kind, root, entry } = /** @type {{kind?: unknown, root?: unknown, entry?: unknown}} */ (x);
  return {
    message: x.message, kind: typeof kind === 'string' && kind ? kind : 'internal',
    ...(typeof root === 'string' && root && { root }), ...(typeof entry === 'string' && entry && { entry }),
  };
}
