// @ts-check
// What the page says of its own work, above the panes: the progress of a call, the error of the last one, a zip
// whose root is not the folder meant, files changed on disk behind the page's back (server mode), and the
// passing notes (toasts).

import { $, h } from '../dom.js';
import { t, plural } from '../i18n.js';

/**
 * @import { Store } from '../state.js'
 * @import { Actions } from '../actions.js'
 */

/** How long a toast stays. */
const TOAST_MS = 2800;

/** The changed paths the disk banner names; it says how many there are in all. */
const DISK_NAMES = 6;

/**
 * @param {object} deps
 * @param {Store} deps.store
 * @param {Actions} deps.actions
 */
export function mountNotices({ store, actions }) {
  const el = {
    progress: $('[data-testid="progress"]'), progressLabel: $('#progress-label'),
    banner: $('[data-testid="error-banner"]'), bannerMsg: $('#error-banner-msg'),
    rootBanner: $('#root-banner'), rootBannerMsg: $('#root-banner-msg'), rootBannerOpen: $('#root-banner-open', HTMLButtonElement),
    diskBanner: $('#disk-banner'), diskBannerMsg: $('#disk-banner-msg'),
  };
  $('#error-banner-close').addEventListener('click', () => store.hideError());
  el.rootBannerOpen.addEventListener('click', actions.openWrongRoot);
  $('#root-banner-close').addEventListener('click', () => store.setWrongRoot(null));
  $('#disk-banner-reload').addEventListener('click', actions.reloadView);
  $('#disk-banner-close').addEventListener('click', () => store.hideDiskBanner());

  function renderActivity() {
    const { busy, progress, waiting } = store.activity;
    if (busy) document.body.setAttribute('aria-busy', 'true');
    else document.body.removeAttribute('aria-busy');
    el.progress.hidden = !busy || (!progress && !waiting);
    if (el.progress.hidden) return;
    el.progress.classList.toggle('indeterminate', !progress);
    if (!progress) {
      el.progress.removeAttribute('aria-valuenow');
      el.progressLabel.textContent = t('working');
      return;
    }
    const { phase, done, total } = progress;
    const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    el.progress.style.setProperty('--pct', `${pct}%`);
    el.progress.setAttribute('aria-valuenow', String(Math.round(pct)));
    el.progressLabel.textContent = `${t(`phase.${phase}`)} ${total ? `${done}/${total}` : ''}`;
  }

  function renderError() {
    const shown = store.error;
    el.banner.hidden = !shown;
    if (!shown) return;
    const { err, context } = shown;
    el.bannerMsg.replaceChildren(context ? h('strong', {}, `${context} `) : '', field(err, 'message') ?? String(err));
    el.banner.dataset.kind = field(err, 'kind') ?? 'internal';
  }

  function renderWrongRoot() {
    const w = store.wrongRoot;
    el.rootBanner.hidden = !w;
    if (!w) return;
    el.rootBannerMsg.textContent = w.root
      ? t('wrongRoot.inside', { name: w.file.name, root: w.root })
      : t('wrongRoot.appFolder', { name: w.file.name });
    el.rootBannerOpen.hidden = !w.root;
    el.rootBannerOpen.textContent = t('wrongRoot.open', { root: w.root });
  }

  function renderDisk() {
    const { changed, banner } = store.disk;
    el.diskBanner.hidden = !banner;
    if (!banner) return;
    const list = [...changed];
    el.diskBannerMsg.replaceChildren(
      h('strong', {}, list.length ? plural('disk.changed', list.length) : t('disk.resync')), ' ',
      h('span', { class: 'mono' }, list.slice(0, DISK_NAMES).join(', ') + (list.length > DISK_NAMES ? ', …' : '')));
  }

  store.on(['activity'], renderActivity);
  store.on(['error'], renderError);
  store.on(['wrongRoot', 'lang'], renderWrongRoot);
  store.on(['disk', 'lang'], renderDisk);
}

/**
 * What a thrown value says of itself: an Error's message, an EngineError's kind, or nothing.
 * @param {unknown} err
 * @param {'message' | 'kind'} name
 */
function field(err, name) {
  const v = typeof err === 'object' && err !== null && name in err ? /** @type {Record<string, unknown>} */ (err)[name] : undefined;
  return v == null ? undefined : String(v);
}

/**
 * A passing note, at the bottom of the window.
 * @param {string} text
 */
export function toast(text) {
  const n = h('div', { class: 'toast', 'data-testid': 'toast' }, text);
  $('#toasts').append(n);
  setTimeout(() => n.remove(), TOAST_MS);
}
