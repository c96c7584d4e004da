// @ts-check
// The file panel: the file open in the editor, what the engine says of it (its error with the engine's fix, its
// token), the actions on it (save, accept, set pending, delete), a write refused because the file changed since
// it was read, and the status bar.

import { $, h } from '../dom.js';
import { t } from '../i18n.js';
import { Editor } from '../editor.js';
import * as V from '../views.js';
import { fixRow } from './fix.js';

/**
 * @import { CheckError } from '../types.js'
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 * @import { Marker, Cursor } from '../editor.js'
 */

const EOL_NAMES = { '\n': 'LF', '\r\n': 'CRLF', '\r': 'CR' };

/**
 * The editor's markers of an error: each violation placed in the file, else the error's own place.
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
  return out;
}

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 */
export function mountFile({ store, actions }) {
  const el = {
    filePath: $('#file-path'), fileBadges: $('#file-badges'), fileError: $('#file-error'),
    save: $('[data-testid="save"]', HTMLButtonElement), accept: $('[data-testid="accept"]', HTMLButtonElement),
    setPending: $('[data-testid="set-pending"]', HTMLButtonElement),
    deleteSession: $('[data-testid="delete-session"]', HTMLButtonElement), deleteApp: $('[data-testid="delete-app"]', HTMLButtonElement),
    conflict: $('[data-testid="conflict"]'), conflictMsg: $('#conflict-msg'),
    editorBox: $('#editor-box'), editorStatus: $('#editor-status'), editorEmpty: $('#editor-empty'), tokenBody: $('#token-body'),
  };

  /** @type {Cursor} */
  let cursor = { line: 1, column: 1 };
  const editor = new Editor(el.editorBox, {
    label: t('editor.label'),
    onInput: () => store.setDirty(editor.value !== store.file.saved),
    onCursor: (c) => { cursor = c; renderStatus(); },
  });
  const save = () => actions.save(() => editor.value);

  el.save.addEventListener('click', save);
  el.accept.addEventListener('click', () => actions.setStatus('accepted'));
  el.setPending.addEventListener('click', () => actions.setStatus('pending'));
  el.deleteSession.addEventListener('click', () => { const f = store.file.doc; if (f) actions.remove(f.path); });
  el.deleteApp.addEventListener('click', () => { const a = store.currentApp(); if (a) actions.remove(a); });
  $('#conflict-reload').addEventListener('click', actions.reloadFile);
  $('#conflict-overwrite').addEventListener('click', actions.overwrite);
  $('#conflict-cancel').addEventListener('click', () => store.setConflict(null));
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') { e.preventDefault(); save(); }
  });
  window.addEventListener('beforeunload', (e) => { if (store.file.dirty) e.preventDefault(); });

  function renderFile() {
    const f = store.file.doc;
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
    // the engine says which status changes apply, and why none does (docs/api.md, File.actions)
    const actionsOf = f?.actions;
    el.accept.disabled = !actionsOf?.accept;
    el.setPending.disabled = !actionsOf?.pending;
    el.accept.title = actionsOf?.blocked || t('tip.accept');
    el.setPending.title = actionsOf?.blocked || t('tip.pending');
    el.deleteSession.disabled = !f || ro;
    renderAppActions();
    if (f) editor.setMarkers(markersFor(err));

    el.fileError.hidden = !err;
    if (err) {
      const m = markersFor(err)[0];
      el.fileError.replaceChildren(
        h('div', { class: 'fe-head' }, V.codeChip(err), ' ', h('strong', {}, err.message),
          m ? h('button', { type: 'button', class: 'link mono', onclick: () => editor.goTo(m.line, m.column) }, `${m.line}:${m.column || 1}`) : ''),
        // the engine's fix first: its actions stay in sight when the error's details fill the box
        fixRow(actionsOf?.fix, actions.applyFix),
        ...V.errorDetails(err, (_p, line, column) => editor.goTo(line ?? 0, column), false));
    }
    V.renderToken(el.tokenBody, f);
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
      if (store.file.dirty) parts.push(h('span', { class: 'warn' }, t('editor.modified')));
      if (store.disk.changed.has(f.path)) parts.push(h('span', { class: 'warn' }, t('editor.changedOnDisk')));
      if (cursor.marker) parts.push(h('span', { class: 'err-text' }, cursor.marker.message));
    }
    el.editorStatus.replaceChildren(...parts);
  }

  store.on(['file', 'state', 'dirty', 'conflict', 'selection', 'disk', 'lang', 'goto'], (changed, detail) => {
    if (detail.editor === 'set') editor.setDoc(store.file.saved);
    else if (detail.editor === 'replace') editor.replaceText(store.file.saved);
    if (changed.has('file') || changed.has('state') || changed.has('lang')) renderFile();
    else if (changed.has('dirty')) renderSave();
    else if (changed.has('selection')) renderAppActions();
    if (changed.has('conflict') || changed.has('lang')) renderConflict();
    if (changed.has('dirty') || changed.has('disk') || changed.has('lang') || changed.has('state') || changed.has('file')) renderStatus();
    if (changed.has('goto')) {
      const target = detail.line && detail.line > 0 ? { line: detail.line, column: detail.column } : markersFor(store.fileError())[0];
      if (target) editor.goTo(target.line, target.column);
    }
  });
  renderFile();
  renderStatus();
}
