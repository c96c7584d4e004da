// @ts-check
// Rendering of the engine's documents (docs/api.md). Pure functions of their inputs: every rule comes from
// the engine; these only lay its reports out.

import { h, arr, baseName, icon } from './dom.js';
import { t, plural, lang } from './i18n.js';

/**
 * @import { Session, CheckError, Change, Code, RefreshReport, FileDoc, Words } from './types.js'
 * @import { Index } from './state.js'
 * @import { Item } from './panels/disk.js'
 * @import { Child } from './dom.js'
 */

/**
 * Opens a file of the folder at a place of it: the place of an error or a violation, when it has one.
 * @typedef {(path: string, line?: number, column?: number) => void} OnOpen
 */

/** @param {string} status */
export const statusChip = (status) =>
  h('span', { class: `chip st-${status === 'accepted' ? 'ok' : status === 'pending' ? 'warn' : 'muted'}` },
    status === 'accepted' || status === 'pending' ? t(`status.${status}`) : status || '?');

// The tooltip is the engine's message for the error: the page keeps no wording of the mobi codes of its own.
/** @param {{code: number, message?: string}} e */
export const codeChip = (e) => h('span', { class: 'chip danger mono', title: e.message ?? '' }, `mobi ${e.code}`);

/** @param {number | undefined} line @param {number | undefined} column */
const pos = (line, column) => (line ? `${line}:${column || 1}` : '');

/**
 * JSON value as one short line ("(added)" when absent).
 * @param {Change} change
 * @param {'old' | 'new'} key
 */
export function formatValue(change, key) {
  if (!(key in change)) return h('span', { class: 'muted' }, t(key === 'old' ? 'report.absentOld' : 'report.absentNew'));
  let s = JSON.stringify(change[key]);
  if (s.length > 160) s = s.slice(0, 157) + '…';
  return h('code', { class: 'val' }, s);
}

/**
 * The badge that says how a disk file differs from memory (state.pending), or its plain memory state.
 * onRow: the badge sits on a disk row, the only place that carries the differs-badge test id.
 * @param {string} path
 * @param {Index} idx
 * @param {boolean} [onRow]
 */
export function memoryCell(path, idx, onRow = false) {
  const p = idx.pending.get(path);
  if (p) {
    const title = p.kind === 'updated'
      ? p.changes.map((c) => c.pointer).join(', ')
      : p.kind === 'removed' ? removedReason(p) : t('badge.notLoaded.title');
    return h('span', { class: `badge b-${p.kind}`, 'data-testid': onRow ? 'differs-badge' : null, 'data-kind': p.kind, title },
      t(`badge.${p.kind}`) + (p.kind === 'updated' ? ` ${p.changes.length}` : ''));
  }
  if (idx.memory.has(path)) return h('span', { class: 'badge b-same', title: t('badge.same.title') }, t('badge.same'));
  return h('span', { class: 'muted' }, '—');
}

/**
 * Why a session is (or would be) removed from memory: the engine's message, with its mobi code when it has one.
 * @param {{code?: number, message?: string}} r
 */
export function removedReason(r) {
  return r.code ? `mobi ${r.code}: ${r.message ?? ''}` : r.message ?? '';
}

// title: the whole value, for a cell cut short with an ellipsis. c-os, c-sim, c-lang, c-ip: columns a narrow
// disk pane hides (style.css)
/** @param {Child} content @param {string} [cls] @param {string} [title] */
const cell = (content, cls = '', title) => h('span', { class: `cell ${cls}`, role: 'gridcell', title: title || null }, content);

/**
 * One row of the disk tree: an app header, a session, an error file or a skipped entry.
 * @param {Item} item
 * @param {{idx: Index, selected: string, collapsed: ReadonlySet<string>}} ctx
 */
export function diskRow(item, ctx) {
  const { idx } = ctx;
  if (item.type === 'app') {
    const open = !ctx.collapsed.has(item.name);
    const counts = [plural('n.sessions', item.sessions)];
    if (item.errors) counts.push(plural('n.errors', item.errors));
    if (item.skipped) counts.push(plural('n.skipped', item.skipped));
    if (item.differs) counts.push(plural('n.differ', item.differs));
    return h('div', {
      class: 'row row-app', role: 'row', 'data-app': item.name, 'aria-expanded': String(open),
    },
    cell([h('span', { class: `chev${open ? ' open' : ''}` }, icon('chevron')),
      h('span', { class: 'app-name mono' }, item.name || t('tree.root')),
      h('span', { class: 'app-counts', title: counts.join(' · ') }, counts.join(' · '))], 'span-all'));
  }
  const path = item.type === 'session' ? item.s.path : item.type === 'error' ? item.e.path : item.k.path;
  const common = { role: 'row', 'data-path': path, 'aria-selected': String(ctx.selected === path) };
  const sel = ctx.selected === path ? ' selected' : '';
  if (item.type === 'session') {
    const s = item.s;
    const os = [s.os, s.osVersion].filter(Boolean).join(' ');
    return h('div', { ...common, class: `row row-session${sel}`, 'data-testid': 'session-row', 'data-status': s.status },
      cell(statusChip(s.status)),
      cell(s.id, 'mono', s.path),
      cell(s.email || h('span', { class: 'muted' }, t('guest')), '', s.email),
      cell(s.device ?? '', '', [s.device, s.deviceId].filter(Boolean).join(' · ')),
      cell(os, 'c-os', os),
      cell(s.simulator ? h('span', { class: 'sim', title: t('col.simulator') }, 'sim') : '', 'c-sim'),
      cell(s.language ?? '', 'mono c-lang', s.language),
      cell(s.ip ?? '', 'mono c-ip', s.ip),
      cell(memoryCell(s.path, idx, true)));
  }
  if (item.type === 'error') {
    const e = item.e;
    return h('div', { ...common, class: `row row-error${sel}`, 'data-code': e.code },
      cell(codeChip(e)),
      cell(baseName(e.path), 'mono', e.path),
      cell([e.message, e.line ? h('span', { class: 'mono muted' }, ` (${pos(e.line, e.column)})`) : ''], 'span-msg', e.cause || e.message),
      cell(memoryCell(e.path, idx, true)));
  }
  const k = item.k;
  return h('div', { ...common, class: `row row-skipped${sel}` },
    cell(h('span', { class: 'chip muted' }, t('skipped'))),
    cell(baseName(k.path), 'mono', k.path),
    cell([k.reason, ' ', h('span', { class: 'kind' }, t(`skip.${k.kind}`))], 'span-msg muted', k.reason),
    cell(''));
}

/**
 * One session in memory.
 * @param {Session} m
 * @param {{idx: Index, selected: string}} ctx
 */
export function memoryRow(m, ctx) {
  const p = ctx.idx.pending.get(m.path);
  const onDisk = ctx.idx.sessions.has(m.path) || ctx.idx.errors.has(m.path);
  return h('div', {
    class: `row row-mem${ctx.selected === m.path ? ' selected' : ''}${onDisk ? '' : ' gone'}`, role: 'row',
    'data-testid': 'memory-row', 'data-path': m.path, 'data-status': m.status,
  },
  cell(statusChip(m.status)),
  cell([m.id, h('span', { class: 'muted app-suffix' }, ` ${m.app}`)], 'mono', m.path),
  cell(m.email || h('span', { class: 'muted' }, t('guest'))),
  cell(p ? memoryCell(m.path, ctx.idx) : ''));
}

/**
 * The details that tell how to fix an error: cause, violations, expected location, token mismatches.
 * withToken false leaves the mismatches out (the editor shows them in the token inspector).
 * @param {CheckError} e
 * @param {OnOpen} onGo
 * @param {boolean} [withToken]
 */
export function errorDetails(e, onGo, withToken = true) {
  const parts = [];
  if (e.cause) parts.push(h('div', { class: 'cause' }, e.cause));
  if (arr(e.violations).length) {
    parts.push(h('ul', { class: 'violations', 'aria-label': t('err.violations') },
      arr(e.violations).map((v) => h('li', {},
        h('button', {
          type: 'button', class: 'link mono', title: t('err.goto'),
          onclick: (ev) => { ev.stopPropagation(); onGo(e.path, v.line, v.column); },
        }, `${v.pointer || '/'}${v.line ? ` ${pos(v.line, v.column)}` : ''}`),
        ' ', v.message))));
  }
  if (e.expected) {
    parts.push(h('div', { class: 'expected' },
      t('err.expected'), ' ', h('code', {}, `${e.expected.folder}/${e.expected.file}`),
      ' ', t('err.actual'), ' ', h('code', {}, e.path)));
  }
  if (withToken && arr(e.mismatches).length) {
    parts.push(h('table', { class: 'mini' },
      h('thead', {}, h('tr', {}, ['tok.field', 'tok.property', 'tok.token', 'tok.file'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, arr(e.mismatches).map((m) => h('tr', { class: 'mismatch' },
        h('td', { class: 'mono' }, m.field), h('td', { class: 'mono' }, m.property),
        h('td', { class: 'mono' }, JSON.stringify(m.token ?? '')), h('td', { class: 'mono' }, JSON.stringify(m.file ?? '')))))));
  }
  return parts;
}

/**
 * The errors panel: one error-row per error (paged: `limit` rows, then a "more" button); total counts the errors
 * before the search and filters.
 * @param {HTMLElement} container
 * @param {CheckError[]} errors
 * @param {{total?: number, limit: number, onOpen: OnOpen, onMore: () => void}} opts
 */
export function renderErrors(container, errors, { total = errors.length, limit, onOpen, onMore }) {
  if (!errors.length) {
    container.replaceChildren(h('p', { class: 'empty-note' }, t(total ? 'errors.noMatch' : 'errors.none')));
    return;
  }
  /** @type {HTMLElement[]} */
  const rows = errors.slice(0, limit).map((e) => h('div', {
    class: 'err-row', 'data-testid': 'error-row', 'data-path': e.path, 'data-code': e.code, tabindex: '0',
    role: 'button', 'aria-label': `mobi ${e.code} ${e.path} ${e.message}`,
    onclick: () => onOpen(e.path, e.line, e.column),
    onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onOpen(e.path, e.line, e.column); } },
  },
  h('div', { class: 'err-head' },
    codeChip(e),
    h('span', { class: 'err-msg', title: e.message }, e.message),
    h('span', { class: 'err-pos mono' }, pos(e.line, e.column))),
  h('div', { class: 'err-details' }, h('div', { class: 'err-path mono', title: e.path }, e.path), errorDetails(e, onOpen))));
  if (errors.length > limit) {
    rows.push(h('button', { type: 'button', class: 'btn more', onclick: onMore },
      t('more', { shown: limit, total: errors.length })));
  }
  container.replaceChildren(...rows);
}

/** How many of a report's errors it lists: as many as the refresh's answer names (MaxErrorsShown). */
const REPORT_ERRORS = 200;

/** How many of a report's unchanged sessions it lists: as many as the refresh's answer names (MaxUnchangedShown). */
const REPORT_UNCHANGED = 500;

/**
 * The refresh report (or, before any refresh, the dry run in state.pending). onDisk(path) says whether a file is
 * on disk now: one that is gone since the report is named as gone, never offered to open. words are the
 * engine's words for the codes in the page's language now: a report from before a change of language is shown
 * in them, not in the words of then.
 * @param {HTMLElement} container
 * @param {RefreshReport | null} report
 * @param {{at: Date | null, preview: boolean, empty?: string, words?: Words, onOpen: (path: string) => void, onDisk?: (path: string) => boolean}} opts
 */
export function renderReport(container, report, { at, preview, empty = t('nothingOpen'), words, onOpen, onDisk = () => true }) {
  if (!report) {
    container.replaceChildren(h('p', { class: 'empty-note' }, empty));
    return;
  }
  const upd = arr(report.updated), rem = arr(report.removed), nl = arr(report.notLoaded);
  /** @param {{code?: Code, message?: string}} e */
  const said = (e) => (e.code && words?.codes?.[e.code]) || e.message || '';
  // the refresh's answer names the first unchanged sessions and errors, and counts them all; a preview names all
  const unch = arr(report.unchanged), unchanged = report.unchangedCount ?? unch.length;
  const errs = arr(report.errors).map((e) => ({ ...e, message: said(e) })), errors = report.errorsCount ?? errs.length;
  /** @param {number} n */
  const num = (n) => n.toLocaleString(lang());
  /** @param {string} cls @param {string} key @param {number} n */
  const count = (cls, key, n) => h('span', { class: `badge ${n ? cls : 'b-same'}` }, plural(key, n));
  /** @param {string} path */
  const link = (path) => (onDisk(path)
    ? h('button', { type: 'button', class: 'link mono', onclick: () => onOpen(path) }, path)
    : h('span', { class: 'gone' }, h('span', { class: 'mono' }, path), ' ', h('span', { class: 'muted' }, `(${t('report.gone')})`)));
  const head = h('div', { class: 'report-head' },
    h('strong', {}, preview ? t('report.preview') : t('report.done', { time: at?.toLocaleTimeString(lang()) ?? '' })),
    h('span', { class: 'counts' },
      count('b-updated', 'n.updated', upd.length),
      count('b-removed', 'n.removed', rem.length),
      count('b-notLoaded', 'n.notLoaded', nl.length),
      count('b-same', 'n.unchanged', unchanged),
      count('b-error', 'n.errors', errors)));
  /** @type {HTMLElement[]} */
  const sections = [head];
  /** @param {string} key @param {number} n @param {Child} body */
  const section = (key, n, body) => sections.push(h('section', { class: 'rep-sec', 'data-section': key },
    h('h3', {}, `${t(`report.${key}`)} (${n})`), body));
  if (upd.length) {
    section('updated', upd.length, upd.map((u) => h('div', { class: 'rep-item' }, link(u.path),
      h('table', { class: 'mini changes' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('report.pointer')), h('th', { scope: 'col' }, t('report.old')), h('th', { scope: 'col' }, t('report.new')))),
        h('tbody', {}, arr(u.changes).map((c) => h('tr', { 'data-pointer': c.pointer },
          h('td', { class: 'mono' }, c.pointer), h('td', {}, formatValue(c, 'old')), h('td', {}, formatValue(c, 'new')))))))));
  }
  if (rem.length) {
    section('removed', rem.length, h('ul', { class: 'plain' }, rem.map((r) => h('li', {},
      h('span', { class: 'mono' }, r.path), ' — ',
      removedReason({ code: r.code, message: r.reason === 'deleted' ? words?.deleted || r.message : said(r) })))));
  }
  if (nl.length) section('notLoaded', nl.length, h('ul', { class: 'plain' }, nl.map((n) => h('li', {}, link(n.path)))));
  if (errors) {
    // the first ones: the errors panel pages through them all, and a folder of 100k sessions holds thousands
    const shown = errs.slice(0, REPORT_ERRORS);
    section('errors', errors, h('ul', { class: 'plain' }, shown.map((e) => h('li', { class: onDisk(e.path) ? null : 'gone' },
      codeChip(e), ' ', link(e.path), ' ', e.message)),
    shown.length < errors ? h('li', { class: 'muted' }, t('n.shown', { shown: num(shown.length), total: num(errors) })) : null));
  }
  if (unchanged) {
    const shown = unch.slice(0, REPORT_UNCHANGED);
    sections.push(h('details', { class: 'rep-sec', 'data-section': 'unchanged' }, h('summary', {}, `${t('report.unchanged')} (${num(unchanged)})`),
      h('ul', { class: 'plain mono' }, shown.map((u) => h('li', {}, u.path)),
        shown.length < unchanged ? h('li', { class: 'muted' }, t('n.shown', { shown: num(shown.length), total: num(unchanged) })) : null)));
  }
  if (sections.length === 1) sections.push(h('p', { class: 'empty-note' }, t('report.nothing')));
  container.replaceChildren(...sections);
}

/**
 * What the token inspector says in one line, shown beside its title when it is folded.
 * @param {FileDoc | null} file
 */
export function tokenBadge(file) {
  const tok = file?.token;
  if (!tok) return '';
  const bad = arr(tok.fields).filter((f) => !f.match).length;
  return h('span', { class: `badge ${tok.error || bad ? 'b-error' : 'b-same'}` },
    tok.error ? t('tok.undecodable') : bad ? plural('n.mismatches', bad) : t('tok.ok'));
}

/**
 * The token inspector: file.token.fields as a table, mismatches highlighted.
 * @param {HTMLElement} container
 * @param {FileDoc | null} file
 */
export function renderToken(container, file) {
  const tok = file?.token;
  if (!file) { container.replaceChildren(h('p', { class: 'empty-note' }, t('tok.noFile'))); return; }
  if (!tok) { container.replaceChildren(h('p', { class: 'empty-note' }, t('tok.none'))); return; }
  const fields = arr(tok.fields);
  container.replaceChildren(
    h('div', { class: 'tok-raw' }, tokenBadge(file), h('code', { class: 'mono', title: tok.raw }, tok.raw || '""')),
    tok.error ? h('p', { class: 'tok-error' }, tok.error) : '',
    fields.length ? h('table', { class: 'mini tok-table' },
      h('thead', {}, h('tr', {}, ['tok.field', 'tok.property', 'tok.token', 'tok.file', 'tok.match'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, fields.map((f) => h('tr', { class: f.match ? '' : 'mismatch', 'data-field': f.field, 'data-match': String(!!f.match) },
        h('td', { class: 'mono', title: f.field }, f.field), h('td', { class: 'mono', title: f.property }, f.property),
        h('td', { class: 'mono', title: JSON.stringify(f.token ?? '') }, JSON.stringify(f.token ?? '')),
        h('td', { class: 'mono', title: JSON.stringify(f.file ?? '') }, JSON.stringify(f.file ?? '')),
        h('td', { class: 'match' }, f.match ? icon('check') : icon('close'),
          h('span', { class: 'sr-only' }, f.match ? t('tok.yes') : t('tok.no'))))))) : '');
}
