// node web/testdata/say_check.mjs WEB_DIR EN.json DELTA.json FR.json — run by patch_test.go.
// A change of language moves no row: the page says the State's words again in place (state.js, sayAgain). The
// engine's State in English, said again with the Delta of setLang, must be its State in French, and what the
// page looks things up with (indexState) must be what it would make of that State.
import { readFileSync } from 'node:fs';

globalThis.document = { querySelector() { return null; }, documentElement: { lang: 'en' } };
globalThis.localStorage = { getItem() { return null; }, setItem() {}, removeItem() {} };
globalThis.location = { hash: '', pathname: '/', search: '' };
globalThis.history = { replaceState() {} };
globalThis.navigator = { language: 'en' };
const [web, enFile, deltaFile, frFile] = process.argv.slice(2);
const { indexState, sayAgain, Store } = await import(`${web}/state.js`);

const fail = (msg) => { console.log(`FAIL ${msg}`); process.exitCode = 1; };
const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
const st = read(enFile);
const delta = read(deltaFile);
const fr = read(frFile);
const lookups = (idx) => JSON.stringify({
  errors: [...idx.errors.entries()].sort(), hay: [...idx.hay.entries()].sort(), pending: [...idx.pending.entries()].sort(),
  rows: idx.rows.map((r) => JSON.stringify(r)),
});

if (JSON.stringify(st) === JSON.stringify(fr)) fail('the States in English and in French are the same: the check checks nothing');
if (!delta.said?.length) fail('the Delta of setLang says nothing again');
const idx = indexState(st);
const changes = sayAgain(st, idx, delta);
fr.pending.errors = fr.disk.errors; // said once by the engine, held once by the page
if (JSON.stringify(st) !== JSON.stringify(fr)) fail(`the State said again:\n${JSON.stringify(st)}\nwant\n${JSON.stringify(fr)}`);
if (lookups(idx) !== lookups(indexState(fr))) fail('the lookups said again are not those made of the State in French');
if (!changes.length || changes.some(({ before, after }) => before.hay === after.hay)) fail(`the search text changed: ${JSON.stringify(changes)}`);

// The store redraws the same rows in other words, unless the search matches other rows in them: then it makes
// its lists again. "location" is in an English message and in no French one; a path is in both.
const told = [];
for (const [q, want] of [['location', 'state'], [delta.said[0].path, 'words'], ['', 'words']]) {
  const store = new Store();
  store.setState(read(enFile));
  store.view.q = q;
  store.on(['state', 'words'], (changed) => told.push(changed.has('state') ? 'state' : 'words'));
  store.sayAgain(read(deltaFile));
  const got = told.pop();
  if (got !== want) fail(`a search for "${q}" said again told ${got}, want ${want}`);
  if (JSON.stringify(store.state.disk.errors.map((e) => e.message)) !== JSON.stringify(fr.disk.errors.map((e) => e.message))) fail(`the store's errors for "${q}" are not said in French`);
}
console.log(`said again: ${delta.said.length} rows' own words, ${changes.length} search texts changed`);
