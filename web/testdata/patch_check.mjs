// node web/testdata/patch_check.mjs WEB_DIR — run by patch_test.go.
// The page patches what it made of the State with each Delta's rows (state.js patchState, the disk list's
// patchItems, the memory list's patchMemoryItems, the filters' patchFacetCounts): after every row, what it holds
// must be what it would make of the patched State from scratch (indexState, diskItems, memoryItems, facetCounts),
// whatever the view.
globalThis.document = { querySelector() { return null; }, documentElement: { lang: 'en' } };
globalThis.localStorage = { getItem() { return null; }, setItem() {}, removeItem() {} };
globalThis.location = { hash: '', pathname: '/', search: '' };
globalThis.history = { replaceState() {} };
globalThis.navigator = { language: 'en' };
const web = process.argv[2];
const { diskItems, patchItems } = await import(`${web}/panels/disk.js`);
const { memoryItems, patchMemoryItems } = await import(`${web}/panels/memory.js`);
const { indexState, patchState, compareListed } = await import(`${web}/state.js`);
const { facetCounts, patchFacetCounts } = await import(`${web}/facets.js`);

const fail = (msg) => { console.log(`FAIL ${msg}`); process.exitCode = 1; };
const session = (app, id, status) => ({ path: `${app}/${id}`, app, id, status, email: `${id}@example.com` });
const error = (app, id) => ({ path: `${app}/${id}`, component: 'mobi', code: 2, message: 'not well formed' });
const APPS = ['a', 'b', 'b.c'];

// A State of three app folders whose names sort differently as paths and as folders (b/… and b.c/…).
function newState() {
  const st = {
    lang: 'en', source: 'test', mode: 'browser', readonly: false,
    disk: { sessions: [], errors: [], skipped: [{ path: 'key.mobileapp', reason: 'root', kind: 'root-file' }], apps: [], summary: {} },
    memory: { count: 0, sameAsDisk: [], sessions: [] },
    pending: { updated: [], unchanged: [], notLoaded: [], removed: [], errors: [] },
    apps: [],
  };
  for (const app of APPS) {
    for (let i = 0; i < 24; i++) {
      const id = ((i * 37) % 101).toString(16).padStart(4, '0');
      if (i % 6 === 0) st.disk.errors.push(error(app, id));
      else {
        const s = session(app, id, i % 2 ? 'accepted' : 'pending');
        st.disk.sessions.push(s);
        if (i % 5) { st.memory.sameAsDisk.push(s.path); st.pending.unchanged.push({ path: s.path }); }
        else st.pending.notLoaded.push({ path: s.path });
      }
    }
  }
  const byListed = (x, y) => compareListed(x.path, y.path);
  st.disk.sessions.sort(byListed); st.disk.errors.sort(byListed); st.pending.unchanged.sort(byListed); st.pending.notLoaded.sort(byListed);
  st.memory.sameAsDisk.sort();
  st.pending.errors = st.disk.errors;
  counts(st);
  return st;
}

// The counts the engine gives whole with each Delta.
function counts(st) {
  st.apps = APPS.map((name) => ({
    name, sessions: st.disk.sessions.filter((s) => s.app === name).length,
    errors: st.disk.errors.filter((e) => e.path.startsWith(`${name}/`)).length, skipped: 0,
  }));
  const s = st.disk.sessions.length, e = st.disk.errors.length;
  return { apps: st.apps, summary: { apps: APPS.length, files: s + e, sessions: s, errors: e, skipped: 1 } };
}

// The row of a step: a session saved (same or other than memory), an error, a file deleted or gone from memory.
function rowOf(step) {
  const app = APPS[step % APPS.length];
  const id = ((step * 53) % 101).toString(16).padStart(4, '0');
  const path = `${app}/${id}`;
  const s = session(app, id, step % 3 ? 'accepted' : 'pending');
  switch (step % 5) {
    case 0: return { path, session: s, sameAsDisk: true };
    case 1: return { path, session: s, memory: session(app, id, 'pending'), updated: { path, changes: [{ pointer: '/status', old: 'pending', new: s.status }] } };
    case 2: return { path, error: error(app, id), memory: s, removed: { path, reason: 'invalid', code: 2, message: 'invalid' } };
    case 3: return { path, session: s, notLoaded: true };
    default: return { path };
  }
}

const key = (items) => JSON.stringify(items.map((it) => (it.type === 'app' ? `${it.name}:${it.sessions}/${it.errors}/${it.differs}` : `${it.type}:${it.path}`)));
const lookups = (idx) => JSON.stringify({
  sessions: [...idx.sessions.keys()].sort(), errors: [...idx.errors.keys()].sort(), memory: idx.memoryList.map((m) => m.path),
  hay: [...idx.hay.entries()].sort(), pending: [...idx.pending.entries()].sort(), differs: [...idx.differs.entries()].sort(),
  rows: idx.rows.map((r) => `${r.type} ${r.path} ${r.app} ${r.differs} ${r.hay}`),
});
const VIEW = { q: '', app: '', status: '', code: '', differs: '', skipped: '1', sort: 'path', dir: 'asc', file: '' };
const facetKey = (c) => JSON.stringify(Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? v : [v.all, [...v.by.entries()].sort()]]));
let patched = 0;
let countsPatched = 0;
for (const view of [
  VIEW, { ...VIEW, sort: 'status', dir: 'desc' }, { ...VIEW, q: '00', status: 'pending' }, { ...VIEW, app: 'b', skipped: '' },
  { ...VIEW, differs: '1', sort: 'memory' }, { ...VIEW, code: '2' },
]) {
  const st = newState();
  const idx = indexState(st);
  let disk = diskItems(st, idx, view, new Set());
  let memory = [...memoryItems(idx, view)];
  const facets = facetCounts(idx.rows, view);
  for (let step = 0; step < 60; step++) {
    const row = rowOf(step);
    const delta = { lang: 'en', rows: [row], memoryCount: 0, ...counts({ ...st, disk: { ...st.disk } }) };
    const changes = patchState(st, idx, delta);
    Object.assign(delta, counts(st));
    st.apps = delta.apps; st.disk.apps = delta.apps; st.disk.summary = delta.summary;
    const name = `${JSON.stringify(view)} step ${step} (${JSON.stringify(row).slice(0, 80)})`;
    if (lookups(idx) !== lookups(indexState(st))) { fail(`lookups after ${name}`); break; }
    const before = facetKey(facets);
    patchFacetCounts(facets, changes, view);
    const want = facetKey(facetCounts(indexState(st).rows, view));
    if (facetKey(facets) !== want) { fail(`facet counts after ${name}:\n${facetKey(facets)}\n${want}`); break; }
    if (facetKey(facets) !== before) countsPatched++;
    const items = patchItems(disk, st, idx, view, new Set(), [row]);
    const fresh = diskItems(st, idx, view, new Set());
    if (items) patched++;
    if (items && key(items) !== key(fresh)) { fail(`disk list after ${name}:\n${key(items)}\n${key(fresh)}`); break; }
    disk = items ?? fresh;
    memory = patchMemoryItems(memory, idx, view, [row]);
    if (JSON.stringify(memory.map((m) => m.path + m.status)) !== JSON.stringify(memoryItems(idx, view).map((m) => m.path + m.status))) {
      fail(`memory list after ${name}`);
      break;
    }
  }
}
if (patched < 100) fail(`the disk list was patched ${patched} times: the check checks little`);
if (countsPatched < 100) fail(`the facet counts changed ${countsPatched} times: the check checks little`);
console.log(`checked, ${patched} patches of the disk list, ${countsPatched} changes of the facet counts`);
