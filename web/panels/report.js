// @ts-check
// The refresh report: what the last refresh did (marked out of date once files changed since), or before any,
// what a refresh would do now (the State's dry run).

import { $ } from '../dom.js';
import * as V from '../views.js';

/**
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 */

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 * @param {() => string} deps.nothingOpen what the panel says before anything is open
 */
export function mountReport({ store, actions, nothingOpen }) {
  const el = { panel: $('[data-testid="refresh-report"]'), body: $('#report-body'), stale: $('[data-testid="report-stale"]') };
  $('[data-testid="refresh-again"]').addEventListener('click', actions.refresh);

  function render() {
    const { doc, at, stale } = store.report;
    const preview = !doc;
    el.panel.classList.toggle('preview', preview);
    el.panel.classList.toggle('stale', !preview && stale);
    el.stale.hidden = preview || !stale;
    V.renderReport(el.body, doc ?? store.state?.pending ?? null, {
      at, preview, empty: nothingOpen(), words: store.state?.words, onOpen: (p) => actions.openFile(p), onDisk: (p) => store.onDisk(p),
    });
  }

  /** A refresh just ran: the report says so, and comes into view. */
  function flash() {
    el.panel.classList.remove('flash');
    void el.panel.offsetWidth; // restart the animation
    el.panel.classList.add('flash');
    el.panel.scrollIntoView({ block: 'nearest' });
  }

  store.on(['state', 'report', 'lang', 'refreshed', 'words'], (changed) => {
    // a language alone, with a folder open: the engine's words come with the rows said again, and render then
    if (changed.size === 1 && changed.has('lang') && store.state) return;
    render();
    if (changed.has('refreshed')) flash();
  });
  render();
}
