// node bench/browser/node_open.js WASM_DIR ZIP [RUNS]
// The engine alone in Node: loads WASM_DIR/wasm_exec.js and WASM_DIR/mobisess.wasm, then times
// mobisess.call('openZip', '{"name":…}', bytes) RUNS times (a fresh engine each run, like a fresh page).
// Prints one line per run: "openZip MS" (milliseconds), then "instantiate MS" for the first start-up.
'use strict';

const fs = require('fs');
const path = require('path');

const [wasmDir, zipPath, runsArg] = process.argv.slice(2);
if (!wasmDir || !zipPath) {
  console.error('usage: node node_open.js WASM_DIR ZIP [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 5);

globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.TextEncoder ??= require('util').TextEncoder;
globalThis.TextDecoder ??= require('util').TextDecoder;
globalThis.performance ??= require('perf_hooks').performance;
globalThis.crypto ??= require('crypto');
require(path.resolve(wasmDir, 'wasm_exec.js'));

async function start(module) {
  delete globalThis.mobisess;
  const go = new Go();
  const instance = await WebAssembly.instantiate(module, go.importObject);
  go.run(instance);
  for (let i = 0; !globalThis.mobisess && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
  if (!globalThis.mobisess) throw new Error('the engine did not start');
  return globalThis.mobisess;
}

(async () => {
  const wasm = fs.readFileSync(path.resolve(wasmDir, 'mobisess.wasm'));
  const zip = new Uint8Array(fs.readFileSync(zipPath));
  const name = JSON.stringify({ name: path.basename(zipPath) });
  let t = performance.now();
  const module = await WebAssembly.compile(wasm);
  console.log(`compile ${(performance.now() - t).toFixed(1)}`);
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const engine = await start(module);
    if (i === 0) console.log(`instantiate ${(performance.now() - t).toFixed(1)}`);
    t = performance.now();
    const out = await engine.call('openZip', name, zip);
    const ms = performance.now() - t;
    const st = JSON.parse(typeof out === 'string' ? out : out.json);
    if (st && st.error) throw new Error(JSON.stringify(st.error));
    console.log(`openZip ${ms.toFixed(1)}`);
  }
  process.exit(0); // the Go programs block in select{} forever
})().catch((err) => {
  console.error(err && err.message ? err.message : err);
  process.exit(1);
});
