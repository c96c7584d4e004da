// @ts-check
// What the filters of the disk list select, and how many files each of their values would show: the count of a
// value is taken under the other filters, as Datasette's facets count ("pending (2)" is what choosing pending
// shows, the search, the app and the rest as they are). Filtering and counting are here and nowhere else, as
// pure functions of the rows (made once per State) and the view, so that the engine can answer them instead
// when a folder is too large to hold in the page.

import { arr, appOf } from './dom.js';

/**
 * @import { State, Session, CheckError, Skipped } from './types.js'
 */

/**
 * One file of the disk list, as the filters see it: what it is, with what they compare (its status, its error's
 * code, whether it differs from memory), and the text the search matches, lower-cased.
 * @typedef {{path: string, app: string, hay: string, differs: boolean} &
 *   ({type: 'session', s: Session} | {type: 'error', e: CheckError} | {type: 'skipped', k: Skipped})} Row
 */

/**
 * The view's filters, as facets.js reads them (state.js's View has more).
 * @typedef {{q: string, app: string, status: string, code: string, differs: string, skipped: string}} Filters
 */

/** @typedef {'app' | 'status' | 'code' | 'differs' | 'skipped' | 'q'} Facet */

/**
 * How many files each value of each filter would show, under the other filters: all, the count with the filter
 * cleared.
 * @typedef {object} FacetCounts
 * @property {{all: number, by: Map<string, number>}} app by app folder ("" for the root's own entries)
 * @property {{all: number, by: Map<string, number>}} status by a session's status
 * @property {{all: number, by: Map<string, number>}} code by an error's code ("1" to "4")
 * @property {number} differs the files that differ from memory
 * @property {number} skipped the entries that are not session files
 */

/**
 * The rows of a State, sessions then errors then skipped entries, in the engine's order.
 * @param {State | null} st
 * @param {(path: string) => boolean} differs whether a file on disk differs from memory
 * @param {(path: string) => string} hay what the search matches of a file, lower-cased
 * @returns {Row[]}
 */
export function rowsOf(st, differs, hay) {
  /** @type {Row[]} */
  const rows = [];
  for (const s of arr(st?.disk?.sessions)) rows.push({ type: 'session', s, path: s.path, app: appOf(s.path), hay: hay(s.path), differs: differs(s.path) });
  for (const e of arr(st?.disk?.errors)) rows.push({ type: 'error', e, path: e.path, app: appOf(e.path), hay: hay(e.path), differs: differs(e.path) });
  for (const k of arr(st?.disk?.skipped)) rows.push({ type: 'skipped', k, path: k.path, app: appOf(k.path), hay: hay(k.path), differs: false });
  return rows;
}

/**
 * Each filter: whether a row passes it as the view sets it. A status is a session's, a code an error's: the
 * other rows do not pass a filter set to one; a skipped entry never differs from memory.
 * @type {Record<Facet, (r: Row, f: Filters, q: string) => boolean>}
 */
const PASSES = {
  app: (r, f) => !f.app || r.app === f.app,
  status: (r, f) => !f.status || (r.type === 'session' && r.s.status === f.status),
  code: (r, f) => !f.code || (r.type === 'error' && String(r.e.code) === f.code),
  differs: (r, f) => !f.differs || r.differs,
  skipped: (r, f) => !!f.skipped || r.type !== 'skipped',
  q: (r, _f, q) => !q || r.hay.includes(q),
};
const FACETS = /** @type {Facet[]} */ (Object.keys(PASSES));

/** @param {Filters} f @returns {string} the search as it is matched: trimmed and lower-cased */
export const queryOf = (f) => f.q.trim().toLowerCase();

/**
 * The rows the view shows, in their order.
 * @param {Row[]} rows
 * @param {Filters} f
 * @returns {Row[]}
 */
export function filterRows(rows, f) {
  const q = queryOf(f);
  return rows.filter((r) => FACETS.every((name) => PASSES[name](r, f, q)));
}

/**
 * How many rows each value of each filter would show, under the other filters, in one pass over the rows: a row
 * that fails no filter counts for every facet, one that fails one filter only counts for that filter's facet.
 * @param {Row[]} rows
 * @param {Filters} f
 * @returns {FacetCounts}
 */
export function facetCounts(rows, f) {
  const q = queryOf(f);
  /** @type {FacetCounts} */
  const out = {
    app: { all: 0, by: new Map() }, status: { all: 0, by: new Map() }, code: { all: 0, by: new Map() },
    differs: 0, skipped: 0,
  };
  for (const r of rows) countRow(out, r, f, q, 1);
  return out;
}

/**
 * The counts patched with rows that changed, each as it was (null: new) and as it is (null: gone): what
 * facetCounts would count of the patched rows, in the work of the rows that changed.
 * @param {FacetCounts} counts counted under f
 * @param {{before: Row | null, after: Row | null}[]} changes
 * @param {Filters} f
 */
export function patchFacetCounts(counts, changes, f) {
  const q = queryOf(f);
  for (const { before, after } of changes) {
    if (before) countRow(counts, before, f, q, -1);
    if (after) countRow(counts, after, f, q, 1);
  }
}

/**
 * Counts a row (by 1) or takes it back (by -1): a row that fails no filter counts for every facet, one that fails
 * one filter only counts for that filter's facet, one that fails more for none.
 * @param {FacetCounts} out
 * @param {Row} r
 * @param {Filters} f
 * @param {string} q the search as it is matched
 * @param {1 | -1} by
 */
function countRow(out, r, f, q, by) {
  /** @type {Facet | null} */
  let failed = null;
  let failures = 0;
  for (const name of FACETS) {
    if (!PASSES[name](r, f, q) && ++failures === 1) failed = name;
    if (failures > 1) return;
  }
  /** @param {Map<string, number>} m @param {string} k */
  const bump = (m, k) => {
    const n = (m.get(k) ?? 0) + by;
    if (n) m.set(k, n); else m.delete(k);
  };
  /** @param {Facet} name */
  const counts = (name) => failures === 0 || failed === name;
  if (counts('app')) { out.app.all += by; bump(out.app.by, r.app); }
  if (counts('status')) {
    out.status.all += by;
    if (r.type === 'session') bump(out.status.by, r.s.status);
  }
  if (counts('code')) {
    out.code.all += by;
    if (r.type === 'error') bump(out.code.by, String(r.e.code));
  }
  if (counts('differs') && r.differs) out.differs += by;
  if (counts('skipped') && r.type === 'skipped') out.skipped += by;
}
