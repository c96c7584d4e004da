// @ts-check
// The footer: which mobisess this is (version.json, written by `make site` and served by the dev server), and on
// the static site, the service worker that keeps the console working offline (site/sw.js). The dev server's
// page registers none: it is served fresh on every start.

import { $ } from './dom.js';

const foot = $('#foot');

async function showVersion() {
  try {
    const res = await fetch('version.json', { cache: 'no-cache' });
    if (!res.ok) return;
    const { version, commit } = await res.json();
    $('#foot-version').textContent = `mobisess ${version}`;
    if (commit) {
      $('#foot-commit').textContent = commit.slice(0, 7);
      $('#foot-commit').title = commit;
    }
    foot.dataset.version = version;
  } catch { /* the footer stays short: the console works without it */ }
}

async function keepOffline() {
  const script = document.querySelector('meta[name="mobisess-service-worker"]')?.getAttribute('content');
  if (!script || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  const hadController = !!sw.controller;
  // A new version took over while this page runs what it loaded: say so, and let the user reload when it suits.
  sw.addEventListener('controllerchange', () => {
    if (hadController) $('#foot-update').hidden = false;
  });
  try {
    await sw.register(script);
    await sw.ready; // installed: every file of this version is in the cache
    $('#foot-offline').hidden = false;
  } catch (err) {
    console.warn('mobisess: the console will not work offline:', err);
  }
}

$('#foot-update').addEventListener('click', () => location.reload());
showVersion();
keepOffline();
