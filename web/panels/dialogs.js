// @ts-check
// The dialogs that ask: a confirmation, and the form of a new session (the engine writes it as 4D would).

import { $, arr } from '../dom.js';

/**
 * @import { CreateParams, Status } from '../types.js'
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 */

/**
 * Asks text, with okLabel on the button that agrees; resolves whether the user agreed.
 * @param {string} text
 * @param {string} okLabel
 * @returns {Promise<boolean>}
 */
export function confirmDialog(text, okLabel) {
  const dialog = $('#confirm-dialog', HTMLDialogElement);
  $('#confirm-text').textContent = text;
  $('[data-testid="confirm-ok"]').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/**
 * The dialog of a new session; returns what opens it.
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 */
export function mountCreate({ store, actions }) {
  const dialog = $('#create-dialog', HTMLDialogElement);
  const form = $('#create-form', HTMLFormElement);
  const field = {
    applicationId: $('[name="applicationId"]', HTMLInputElement, form), teamId: $('[name="teamId"]', HTMLInputElement, form),
    os: $('[name="os"]', HTMLSelectElement, form), status: $('[name="status"]', HTMLSelectElement, form),
    email: $('[name="email"]', HTMLInputElement, form),
  };

  // An Android app has no team: the field is off and empty while Android is chosen, and gets its text back for
  // another system.
  function syncOS() {
    const team = field.teamId;
    const android = field.os.value === 'Android';
    if (android && !team.disabled) [team.dataset.kept, team.value] = [team.value, ''];
    else if (!android && team.disabled) team.value = team.dataset.kept ?? '';
    team.disabled = android;
    team.placeholder = android ? '' : 'FAKETEAMID';
  }
  field.os.addEventListener('change', syncOS);

  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'ok') return;
    /** @type {CreateParams} */
    const params = {
      applicationId: field.applicationId.value.trim(), teamId: field.teamId.value.trim(),
      status: /** @type {Status} */ (field.status.value), email: field.email.value.trim(), os: field.os.value,
    };
    actions.create(params);
  });

  /** Opens the dialog, filled from the open file's session or else a session of the app folder in view. */
  return function openCreate() {
    const doc = store.file.doc;
    const app = store.currentApp();
    const sample = (doc && store.idx.sessions.get(doc.path)) ?? arr(store.state?.disk?.sessions).find((x) => x.app === app);
    field.applicationId.value = sample?.applicationId ?? '';
    field.teamId.disabled = false;
    field.teamId.value = sample?.teamId ?? '';
    field.os.value = [...field.os.options].some((o) => o.value === sample?.os) ? sample?.os ?? 'iOS' : 'iOS';
    syncOS();
    field.status.value = 'accepted';
    field.email.value = '';
    dialog.returnValue = '';
    dialog.showModal();
  };
}
