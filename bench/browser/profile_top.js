// node bench/browser/profile_top.js PROFILE.cpuprofile [N]
// Prints the N functions with the most self time in a V8 CPU profile (node --cpu-prof), WebAssembly included:
// with a wasm built without -ldflags='-s -w', Go's function names appear as V8 reports them.
'use strict';

const fs = require('fs');

const [file, nArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node profile_top.js PROFILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMs = new Map();
// timeDeltas[i] is the time from sample i-1 to sample i: charge it to sample i's function.
profile.samples.forEach((id, i) => {
  const f = byId.get(id).callFrame;
  const name = f.functionName || `(${f.url ? f.url.split('/').pop() : 'program'})`;
  selfMs.set(name, (selfMs.get(name) || 0) + (profile.timeDeltas[i] || 0) / 1000);
});
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
const rows = [...selfMs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(nArg || 40));
console.log(`total ${total.toFixed(0)} ms`);
for (const [name, ms] of rows) {
  console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}
