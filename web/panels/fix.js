// @ts-check
// The engine's fix of a file's error (File.actions.fix): the row that offers it in the file panel, and the
// dialog that previews what it will change, with which of the file's place, content and token agreed.

import { $, arr, h, icon } from '../dom.js';
import { t } from '../i18n.js';
import * as V from '../views.js';

/** @import { Fix, IDWitnesses, Witness } from '../types.js' */

/** @type {Witness[]} */
const WITNESSES = ['place', 'content', 'token'];

/**
 * The engine's fix of the open file's error: a button that previews and applies it, or why there is none. Where
 * the file's place, content and token agree two by two on no value of an id, there is no single right fix: the
 * engine's choices, one per side that can be trusted, each a button of its own that previews it.
 * @param {Fix | undefined} fix
 * @param {(fix: Fix) => void} onPreview
 */
export function fixRow(fix, onPreview) {
  if (!fix) return '';
  if (fix.kind === 'none' && arr(fix.choices).length) {
    return h('div', { class: 'fix-row fix-choices', 'data-testid': 'fix-choices' },
      h('span', { class: 'fix-why', 'data-testid': 'no-fix' }, fix.title.charAt(0).toUpperCase() + fix.title.slice(1)),
      h('span', { class: 'hint' }, t('fix.choose')),
      ...arr(fix.choices).map((c) => h('button', {
        type: 'button', class: 'btn small', 'data-testid': 'fix-choice', 'data-choice': c.choice, title: c.title,
        onclick: () => onPreview(c),
      }, t(`fix.trust.${c.choice}`))));
  }
  if (fix.kind === 'none') return h('div', { class: 'fix-row fix-none', 'data-testid': 'no-fix' }, t('fix.none', { why: fix.title }));
  return h('div', { class: 'fix-row' },
    h('button', { type: 'button', class: 'btn', 'data-testid': 'fix', onclick: () => onPreview(fix) }, t('btn.fix')),
    h('span', {}, fix.title));
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
