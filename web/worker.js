// The engine's Web Worker (browser mode). Page ⇄ worker: see docs/api.md ("the worker protocol").
//
// Go-facing glue contract (the Go side lives in wasm/; wasm_exec.js and mobisess.wasm are served beside this file):
//   globalThis.mobisess = {
//     call(method, paramsJSON, bytes?: Uint8Array) → Promise<string | {json: string, bytes?: Uint8Array}>,
//     onProgress: set here to (json) => void, json = '{"phase":"import|check|refresh","done":n,"total":n}',
//   }
// - The Go program registers the global before it blocks in main.
// - Bytes never travel inside the JSON: openZip's params.bytes is the third argument; download resolves
//   {json: '{"name":…}', bytes}, and the worker answers {name, bytes: ArrayBuffer}.
// - A failure rejects with an Error (or a string) whose message is '{"message":…,"kind":…}'; plain text is taken as
//   kind "internal". A result of the form {"error":{"message","kind"}} is treated the same way.
/* global Go */
'use strict';

importScripts('wasm_exec.js');

const ready = (async () => {
  const go = new Go();
  const res = await fetch('mobisess.wasm');
  if (!res.ok) throw new Error(`cannot load mobisess.wasm (HTTP ${res.status})`);
  // instantiateStreaming needs Content-Type: application/wasm; a plain static server may not send it.
  const streaming = (res.headers.get('Content-Type') ?? '').startsWith('application/wasm');
  const { instance } = streaming
    ? await WebAssembly.instantiateStreaming(res, go.importObject)
    : await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
  go.run(instance).then(() => { self.mobisessExited = true; });
  for (let i = 0; !globalThis.mobisess && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
  if (!globalThis.mobisess) throw new Error('the engine did not start (globalThis.mobisess is missing)');
  globalThis.mobisess.onProgress = (json) => {
    try { postMessage({ progress: typeof json === 'string' ? JSON.parse(json) : json }); } catch { /* ignore */ }
  };
  return globalThis.mobisess;
})();
ready.catch(() => {}); // reported on each call instead

self.onmessage = async ({ data }) => {
  const { id, method, params = {} } = data;
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
    const answer = { id, json };
    const transfer = [];
    if (out && typeof out === 'object' && out.bytes) {
      const b = out.bytes;
      answer.bytes = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer;
      transfer.push(answer.bytes);
    }
    postMessage(answer, transfer);
  } catch (err) {
    postMessage({ id, error: toError(err) });
  }
};

function isErrorDocument(x) {
  return x && typeof x === 'object' && Object.keys(x).length === 1 && x.error && typeof x.error.message === 'string';
}

function toError(err) {
  if (err && typeof err === 'object' && !(err instanceof Error) && typeof err.message === 'string') {
    return { message: err.message, kind: err.kind || 'internal' };
  }
  const text = err instanceof Error ? err.message : String(err);
  try {
    const e = JSON.parse(text);
    if (e && typeof e.message === 'string') return { message: e.message, kind: e.kind || 'internal' };
  } catch { /* plain text */ }
  return { message: text, kind: 'internal' };
}
