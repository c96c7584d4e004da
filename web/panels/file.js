// @ts-check
// The file panel: the file open in the editor, what the engine says of it (its error in one line that opens on
// its details, with the engine's fix; its token), checked as the user types, the actions on it (save, format,
// accept, set pending, delete), a write refused because the file changed since it was read, the status bar,
// and F8 / Shift+F8 from problem to problem.

import { $, h } from '../dom.js';
import { t } from '../i18n.js';
import { Editor } from '../editor.js';
import { prefs } from '../state.js';
import * as V from '../views.js';
import { fixParts } from './fix.js';
import { errorItems } from './errors.js';

/**
 * @import { CheckError } from '../types.js'
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 * @import { Marker, Cursor } from '../editor.js'
 */

const EOL_NAMES = { '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR' };

/** How long the editor waits after the last keystroke before the engine checks its text. */
const INSPECT_DEBOUNCE_MS = 250;

/**
 * The editor's markers of an error: each violation placed in the file, else the error's own place; in the order
 * of the text.
 * @param {CheckError | null} err
 * @returns {Marker[]}
 */
export function markersFor(err) {
  if (!err) return [];
  /** @type {Marker[]} */
  const out = [];
  for (const v of err.violations ?? []) {
    if (v.line && v.line > 0) out.push({ line: v.line, column: v.column, message: `mobi ${err.code} ${v.pointer || '/'}: ${v.message}` });
  }
  if (!out.length && err.line && err.line > 0) out.push({ line: err.line, column: err.column, message: `mobi ${err.code}: ${err.cause || err.message}` });
  return out.sort((a, b) => a.line - b.line || (a.column ?? 1) - (b.column ?? 1));
}

/**
 * Whether marker m comes after (dir 1) or before (dir -1) the place at.
 * @param {Marker} m
 * @param {{line: number, column: number}} at
 * @param {1 | -1} dir
 */
const beyond = (m, at, dir) => dir * (m.line - at.line || (m.column ?? 1) - at.column) > 0;

/**
 * A foldable section of the right pane (the token, the memory): its toggle, remembered; folded, only its head
 * shows, with what it says in one line.
 * @param {HTMLElement} section
 * @param {HTMLButtonElement} toggle
 * @param {string} pref
 */
function foldable(section, toggle, pref) {
  // Unfolded by default where the window is tall enough for them beside the editor.
  const saved = prefs.get(pref);
  const set = (/** @type {boolean} */ open) => {
    section.classList.toggle('folded', !open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  set(saved ? saved === 'open' : innerHeight >= 1000);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    set(open);
    prefs.set(pref, open ? 'open' : 'folded');
  });
}

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {(text: string) => void} deps.toast
 */
export function mountFile({ store, actions, toast }) {
  const el = {
    filePath: $('#file-path'), fileBadges: $('#file-badges'), fileError: $('#file-error'),
    save: $('[data-testid="save"]', HTMLButtonElement), format: $('[data-testid="format"]', HTMLButtonElement),
    accept: $('[data-testid="accept"]', HTMLButtonElement), setPending: $('[data-testid="set-pending"]', HTMLButtonElement),
    deleteSession: $('[data-testid="delete-session"]', HTMLButtonElement), deleteApp: $('[data-testid="delete-app"]', HTMLButtonElement),
    conflict: $('[data-testid="conflict"]'), conflictMsg: $('#conflict-msg'),
    editorBox: $('#editor-box'), editorStatus: $('#editor-status'), editorEmpty: $('#editor-empty'),
    token: $('[data-testid="token-inspector"]'), tokenBody: $('#token-body'), tokenSummary: $('#token-summary'),
  };
  foldable(el.token, $('[data-testid="token-toggle"]', HTMLButtonElement), 'tokenOpen');
  foldable($('section.memory'), $('[data-testid="memory-toggle"]', HTMLButtonElement), 'memoryOpen');
  /** Whether the error's line shows its details, remembered. */
  let errorOpen = prefs.get('fileErrorOpen') === '1';

  /** @type {Cursor} */
  let cursor = { line: 1, column: 1 };
  let inspectTimer = 0;
  const editor = new Editor(el.editorBox, {
    label: t('editor.label'),
    onInput: () => {
      store.setDirty(editor.value !== store.file.saved);
      clearTimeout(inspectTimer);
      if (store.file.dirty) {
        const text = editor.value;
        inspectTimer = setTimeout(() => actions.inspect(text, () => editor.value), INSPECT_DEBOUNCE_MS);
      }
    },
    onCursor: (c) => { cursor = c; renderStatus(); },
  });
  const save = () => actions.save(() => editor.value);

  async function format() {
    if (!store.file.doc || store.state?.readonly) return;
    const text = editor.value;
    const formatted = await actions.format(text);
    if (formatted === undefined || editor.value !== text) return; // refused (the banner says why), or typed over
    if (formatted === text) toast(t('toast.formattedAlready'));
    else editor.edit(formatted);
  }

  /**
   * F8 / Shift+F8: the next (previous) problem, after (before) the caret in the open file, else the first (last)
   * of the next (previous) file with an error, in the errors panel's order, round to the start (end).
   * @param {1 | -1} dir
   */
  async function goToProblem(dir) {
    const open = store.file.doc;
    const marks = open ? markersFor(store.fileError()) : [];
    const here = (dir > 0 ? marks : [...marks].reverse()).find((m) => beyond(m, cursor, dir));
    if (here) { editor.goTo(here.line, here.column); return; }
    const errors = errorItems(store.state, store.idx, store.view);
    if (!errors.length && !marks.length) return;
    const i = open ? errors.findIndex((e) => e.path === open.path) : -1;
    const next = errors.length ? errors[i < 0 ? (dir > 0 ? 0 : errors.length - 1) : (i + dir + errors.length) % errors.length] : null;
    if (!next || next.path === open?.path) {
      const round = dir > 0 ? marks[0] : marks[marks.length - 1];
      if (round) editor.goTo(round.line, round.column);
      return;
    }
    await actions.openFile(next.path);
    if (store.file.doc?.path !== next.path) return; // the user kept the edits of the file open
    const there = markersFor(store.fileError());
    const first = dir > 0 ? there[0] : there[there.length - 1];
    if (first) editor.goTo(first.line, first.column);
  }

  el.save.addEventListener('click', save);
  el.format.addEventListener('click', format);
  el.accept.addEventListener('click', () => actions.setStatus('accepted'));
  el.setPending.addEventListener('click', () => actions.setStatus('pending'));
  el.deleteSession.addEventListener('click', () => { const f = store.file.doc; if (f) actions.remove(f.path); });
  el.deleteApp.addEventListener('click', () => { const a = store.currentApp(); if (a) actions.remove(a); });
  $('#conflict-reload').addEventListener('click', actions.reloadFile);
  $('#conflict-overwrite').addEventListener('click', actions.overwrite);
  $('#conflict-cancel').addEventListener('click', () => store.setConflict(null));
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') { e.preventDefault(); save(); }
    else if (e.key === 'F8' && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); goToProblem(e.shiftKey ? -1 : 1); }
    else if (e.shiftKey && e.altKey && e.code === 'KeyF') { e.preventDefault(); format(); }
  });
  window.addEventListener('beforeunload', (e) => { if (store.file.dirty) e.preventDefault(); });

  /** The error of the text in the editor, in one line (its code, its message, its place, the fix), opening on the rest. */
  function renderError() {
    const err = store.fileError();
    el.fileError.hidden = !err;
    if (!err) return;
    const m = markersFor(err)[0];
    const blocked = store.file.dirty ? t('fix.saveFirst') : '';
    const fix = fixParts(store.said()?.actions?.fix, actions.applyFix, blocked);
    const details = V.errorDetails(err, (_p, line, column) => editor.goTo(line ?? 0, column), false);
    el.fileError.classList.toggle('open', errorOpen);
    el.fileError.replaceChildren(
      h('div', { class: 'fe-head' },
        V.codeChip(err),
        h('strong', { class: 'fe-msg', title: err.message }, err.message),
        m ? h('button', { type: 'button', class: 'link mono fe-pos', title: t('err.goto'), onclick: () => editor.goTo(m.line, m.column) }, `${m.line}:${m.column || 1}`) : '',
        fix.head,
        h('button', {
          type: 'button', class: 'btn icon-only ghost small fe-toggle', 'data-testid': 'file-error-toggle',
          'aria-expanded': String(errorOpen), 'aria-controls': 'file-error-body',
          title: t(errorOpen ? 'fe.less' : 'fe.more'), 'aria-label': t(errorOpen ? 'fe.less' : 'fe.more'),
          onclick: () => { errorOpen = !errorOpen; prefs.set('fileErrorOpen', errorOpen ? '1' : null); renderError(); },
        }, h('span', { class: 'chev' })),
      ),
      h('div', { class: 'fe-body', id: 'file-error-body' }, fix.body, ...details));
  }

  function renderFile() {
    const f = store.file.doc;
    const said = store.said();
    const ro = !!store.state?.readonly;
    const session = f && store.idx.sessions.get(f.path);
    const err = store.fileError();
    el.editorEmpty.hidden = !!f;
    el.editorBox.hidden = !f;
    el.filePath.textContent = f ? f.path : t('editor.none');
    el.filePath.title = f?.path ?? '';
    el.fileBadges.replaceChildren(
      session ? V.statusChip(session.status) : '',
      err ? V.codeChip(err) : '',
      f && (store.idx.pending.has(f.path) || store.idx.memory.has(f.path)) ? V.memoryCell(f.path, store.idx) : '');
    editor.setReadOnly(!f || ro);
    editor.setLabel(f ? t('editor.labelFile', { path: f.path }) : t('editor.label'));
    renderSave();
    // the engine says which status changes apply, and why none does (docs/api.md, File.actions): of the file as
    // saved, which is what they change
    const actionsOf = f?.actions;
    el.accept.disabled = !actionsOf?.accept;
    el.setPending.disabled = !actionsOf?.pending;
    el.accept.title = actionsOf?.blocked || t('tip.accept');
    el.setPending.title = actionsOf?.blocked || t('tip.pending');
    el.deleteSession.disabled = !f || ro;
    el.format.disabled = !f || ro;
    renderAppActions();
    if (f) editor.setMarkers(markersFor(err));
    renderError();
    V.renderToken(el.tokenBody, said);
    el.tokenSummary.replaceChildren(V.tokenBadge(said));
  }

  function renderSave() {
    el.save.disabled = !store.file.doc || !store.file.dirty || !!store.state?.readonly;
    el.filePath.classList.toggle('dirty', store.file.dirty);
  }

  /** Delete app applies to the open file's app folder, else the one selected or filtered. */
  function renderAppActions() {
    const app = store.currentApp();
    el.deleteApp.disabled = !app || !!store.state?.readonly;
    el.deleteApp.title = app ? t('tip.deleteApp', { app }) : t('tip.deleteAppNone');
  }

  function renderConflict() {
    const c = store.file.conflict;
    el.conflict.hidden = !c;
    if (!c) return;
    el.conflictMsg.textContent = t('conflict.msg');
    el.conflict.title = c.message;
  }

  function renderStatus() {
    const f = store.file.doc;
    const parts = [];
    if (f) {
      parts.push(h('span', {}, t('editor.pos', { line: cursor.line, column: cursor.column })));
      parts.push(h('span', {}, EOL_NAMES[store.file.eol]));
      if (store.state?.readonly) parts.push(h('span', { class: 'warn' }, t('readonly')));
      if (store.file.dirty) parts.push(h('span', { class: 'warn' }, t(store.file.said ? 'editor.modifiedChecked' : 'editor.modified')));
      if (store.disk.changed.has(f.path)) parts.push(h('span', { class: 'warn' }, t('editor.changedOnDisk')));
      if (cursor.marker) parts.push(h('span', { class: 'err-text' }, cursor.marker.message));
    }
    el.editorStatus.replaceChildren(...parts);
  }

  store.on(['file', 'state', 'dirty', 'conflict', 'selection', 'disk', 'lang', 'goto', 'said', 'words'], (changed, detail) => {
    if (detail.editor === 'set') editor.setDoc(store.file.saved);
    else if (detail.editor === 'replace') editor.replaceText(store.file.saved);
    if (changed.has('file') || changed.has('state') || changed.has('lang') || changed.has('said') || changed.has('words')) renderFile();
    else if (changed.has('dirty')) { renderSave(); renderError(); }
    else if (changed.has('selection')) renderAppActions();
    if (changed.has('conflict') || changed.has('lang')) renderConflict();
    if (changed.has('dirty') || changed.has('disk') || changed.has('lang') || changed.has('state') || changed.has('file') || changed.has('said') || changed.has('words')) renderStatus();
    if (changed.has('goto')) {
      const target = detail.line && detail.line > 0 ? { line: detail.line, column: detail.column } : markersFor(store.fileError())[0];
      if (target) editor.goTo(target.line, target.column);
    }
  });
  renderFile();
  renderStatus();
}
