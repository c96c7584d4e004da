// @ts-check
// The engine's fix of a file's error (File.actions.fix): what offers it in the file panel, and the dialog that
// previews what it will change, with which of the file's place, content and token agreed; and the preview of
// every fix of the folder at once (Fix all).

import { $, arr, h, icon } from '../dom.js';
import { t, plural } from '../i18n.js';
import * as V from '../views.js';

/**
 * @import { Fix, FixReport, FileFixes, IDWitnesses, Witness } from '../types.js'
 * @import { Child } from '../dom.js'
 */

/** @type {Witness[]} */
const WITNESSES = ['place', 'content', 'token'];

/**
 * The engine's fix of the open file's error, in two parts: what the error's one line offers (head: a button that
 * previews and applies the fix; where the file's place, content and token agree two by two on no value of an id,
 * the engine's choices, one button per side that can be trusted, each previewed), and what the line says when it
 * is opened (body: what the fix does, or why there is none). blocked, when not "", is why the buttons cannot be
 * used now (the editor holds unsaved text: a fix applies to the file as saved).
 * @param {Fix | undefined} fix
 * @param {(fix: Fix) => void} onPreview
 * @param {string} blocked
 * @returns {{head: Child, body: Child}}
 */
export function fixParts(fix, onPreview, blocked) {
  if (!fix) return { head: '', body: '' };
  const why = fix.title.charAt(0).toUpperCase() + fix.title.slice(1);
  if (fix.kind === 'none' && arr(fix.choices).length) {
    return {
      head: h('span', { class: 'fix-row fix-choices', 'data-testid': 'fix-choices' },
        h('span', { class: 'sr-only', 'data-testid': 'no-fix' }, why),
        ...arr(fix.choices).map((c) => h('button', {
          type: 'button', class: 'btn small', 'data-testid': 'fix-choice', 'data-choice': c.choice,
          title: blocked || c.title, disabled: !!blocked, onclick: () => onPreview(c),
        }, t(`fix.trust.${c.choice}`)))),
      body: h('div', { class: 'fix-row fix-why', 'aria-hidden': 'true' }, why, ' ', h('span', { class: 'hint' }, t('fix.choose'))),
    };
  }
  if (fix.kind === 'none') return { head: '', body: h('div', { class: 'fix-row fix-none', 'data-testid': 'no-fix' }, t('fix.none', { why: fix.title })) };
  return {
    head: h('button', {
      type: 'button', class: 'btn small', 'data-testid': 'fix', title: blocked || fix.title, disabled: !!blocked,
      onclick: () => onPreview(fix),
    }, t('btn.fix')),
    body: h('div', { class: 'fix-row fix-title' }, t('fix.what', { what: fix.title })),
  };
}

/**
 * What the file's place, content and token say of each id, as the engine compared them (Fix.witnesses): the
 * values that agree with the one the fix keeps are marked, the others stand out; a row per id, only those on
 * which the witnesses differ (all three when none does).
 * @param {IDWitnesses[] | undefined} witnesses
 */
function witnessTable(witnesses) {
  const rows = arr(witnesses);
  if (!rows.length) return '';
  /** @param {IDWitnesses} w */
  const differs = (w) => WITNESSES.some((side) => !arr(w.agree).includes(side));
  const shown = rows.some(differs) ? rows.filter(differs) : rows;
  /** @param {IDWitnesses} w @param {Witness} side */
  const cell = (w, side) => {
    const v = w[side];
    if (v == null) {
      return h('td', { class: 'muted', 'data-witness': side }, t(side === 'token' ? 'witness.undecodable' : 'witness.unread'));
    }
    const agrees = arr(w.agree).includes(side);
    return h('td', { class: `mono ${agrees ? 'agree' : 'differ'}`, 'data-witness': side, 'data-agree': String(agrees), title: JSON.stringify(v) },
      agrees ? icon('check') : icon('close'), ' ', JSON.stringify(v),
      h('span', { class: 'sr-only' }, ` (${t(agrees ? 'witness.agrees' : 'witness.differs')})`));
  };
  return h('table', { class: 'mini witness-table', 'data-testid': 'witness-table' },
    h('caption', {}, t('fix.witnesses')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('witness.id')),
      ...WITNESSES.map((side) => h('th', { scope: 'col' }, t(`witness.${side}`))),
      h('th', { scope: 'col' }, t('witness.kept')))),
    h('tbody', {}, shown.map((w) => h('tr', { 'data-id': w.id },
      h('th', { scope: 'row', class: 'mono' }, w.id),
      ...WITNESSES.map((side) => cell(w, side)),
      w.value == null ? h('td', { class: 'muted' }, t('witness.none')) : h('td', { class: 'mono kept' }, JSON.stringify(w.value))))));
}

/**
 * The lines of a fix's preview: the move, each value of the content that changes, and a token written anew by
 * the fields that change in it (`/token · teamID: "FAKETEAMID" → "UTT7VDX8W5"`) rather than two encoded tokens.
 * @param {Fix} fix
 */
function fixDetails(fix) {
  const lines = [];
  if (fix.kind === 'move') lines.push(h('div', {}, t('fix.move', { from: fix.from ?? '', to: fix.to ?? '' })));
  const rows = arr(fix.witnesses);
  for (const c of arr(fix.changes)) {
    const fields = c.pointer === '/token' && rows.length && rows.every((w) => w.token != null)
      ? rows.filter((w) => w.value != null && w.token !== w.value) : null;
    if (fields) {
      for (const w of fields) {
        lines.push(h('div', { 'data-token-field': w.field },
          t('fix.tokenField', { field: w.field, old: JSON.stringify(w.token), new: JSON.stringify(w.value) })));
      }
      continue;
    }
    lines.push(h('div', {}, `${c.pointer || '/'}: `, V.formatValue(c, 'old'), ' → ', V.formatValue(c, 'new')));
  }
  return lines;
}

/**
 * Shows what a fix will change, as the engine proposes it; resolves whether the user applies it.
 * @param {Fix} fix
 * @returns {Promise<boolean>}
 */
export function previewFix(fix) {
  $('#fix-what').textContent = fix.title;
  $('#fix-witnesses').replaceChildren(witnessTable(fix.witnesses));
  $('#fix-details').replaceChildren(...fixDetails(fix));
  const dialog = $('#fix-dialog', HTMLDialogElement);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/**
 * The preview of every fix of the folder at once (fixAllPreview): the files the engine fixes, each with what
 * changes (the move, each value, a token's fields), then the files it leaves and why (no fix without guessing;
 * where the witnesses give no single value, the choices, taken one file at a time). Resolves whether the user
 * applies the fixes shown.
 * @param {FixReport} report
 * @returns {Promise<boolean>}
 */
export function previewFixAll(report) {
  const files = arr(report.files);
  const fixing = files.filter((f) => f.fixes[0] && f.fixes[0].kind !== 'none');
  const left = files.filter((f) => !f.fixes[0] || f.fixes[0].kind === 'none');
  /** @param {FileFixes} f */
  const file = (f) => {
    const applied = f.fixes.filter((x) => x.kind !== 'none');
    const last = f.fixes[f.fixes.length - 1];
    const why = last && last.kind === 'none'
      ? h('div', { class: 'fa-left' }, arr(last.choices).length ? t('fixAll.choices', { why: last.title }) : t('fix.none', { why: last.title }))
      : '';
    return h('section', { class: 'fa-file', 'data-testid': 'fix-all-file', 'data-path': f.path, 'data-state': applied.length ? 'fix' : 'left' },
      h('div', { class: 'fa-head' }, V.codeChip(f.error), ' ', h('span', { class: 'mono' }, f.path)),
      applied.map((x) => h('div', { class: 'fa-fix' }, h('div', { class: 'fa-title' }, x.title), h('div', { class: 'fix-details mono' }, ...fixDetails(x)))),
      why);
  };
  $('#fix-all-what').textContent = fixing.length
    ? t('fixAll.what', { fixing: plural('n.files', fixing.length), left: plural('n.files', left.length) })
    : t('fixAll.nothing');
  $('#fix-all-list').replaceChildren(
    fixing.length ? h('h3', {}, t('fixAll.fixing', { n: fixing.length })) : '', ...fixing.map(file),
    left.length ? h('h3', {}, t('fixAll.left', { n: left.length })) : '', ...left.map(file));
  const apply = $('[data-testid="fix-all-apply"]', HTMLButtonElement);
  apply.textContent = fixing.length ? t('fixAll.apply', { files: plural('n.files', fixing.length) }) : t('fixAll.applyNone');
  apply.disabled = !fixing.length;
  const dialog = $('#fix-all-dialog', HTMLDialogElement);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' && fixing.length > 0), { once: true }));
}
