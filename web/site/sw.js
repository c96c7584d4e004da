// @ts-check
// The static site's service worker: it keeps the console working offline after a first visit.
//
// It caches the console's files of one version, and nothing else: the user's zips, edits and settings never pass
// through here (they stay in the page and in its own storage). `make site` writes BUILD below: the cache's name,
// which changes with the content of any file, and each file with its SHA-256 in subresource-integrity form. A new
// version changes this script, so the browser installs it on the next visit: it fills a new cache, taking the
// files that did not change (the wasm, most often) from the old one rather than the network, checks each file
// it downloads against its hash, then drops the old caches.
'use strict';

/** @type {{cache: string, assets: Record<string, string>}} */
// @ts-expect-error: the line `make site` writes, with the build's files; the template itself is never served
const BUILD = null; // written by `make site`: {cache: "mobisess-…", assets: {"index.html": "sha256-…", …}}

const sw = /** @type {ServiceWorkerGlobalScope & typeof globalThis} */ (globalThis);
const PREFIX = 'mobisess-';
const SCOPE = new URL('./', sw.location.href).href; // the site's root, wherever it is hosted
const INTEGRITY = 'X-Mobisess-Integrity';

sw.addEventListener('install', (event) => event.waitUntil(install().then(() => sw.skipWaiting())));
sw.addEventListener('activate', (event) => event.waitUntil(activate()));
sw.addEventListener('fetch', onFetch);

async function install() {
  const cache = await caches.open(BUILD.cache);
  const older = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== BUILD.cache);
  await Promise.all(Object.entries(BUILD.assets).map(async ([name, integrity]) => {
    const key = new URL(name, SCOPE).href;
    const have = await cache.match(key);
    if (have?.headers.get(INTEGRITY) === integrity) return; // an install that was interrupted got this far
    for (const old of older) {
      const copy = await (await caches.open(old)).match(key);
      if (copy && copy.headers.get(INTEGRITY) === integrity) return cache.put(key, copy);
    }
    // no-cache: revalidated with the host, so that a stale copy in the HTTP cache is not taken; integrity:
    // the browser refuses a file that is not this version's (a host still serving the old one), and the
    // install fails, to be tried again on the next visit, rather than mix two versions.
    const res = await fetch(key, { cache: 'no-cache', integrity });
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
    // Only the type is kept of the host's headers: the body is already decoded, so its Content-Encoding and
    // Content-Length no longer apply.
    const headers = { 'Content-Type': res.headers.get('Content-Type') ?? 'application/octet-stream', [INTEGRITY]: integrity };
    return cache.put(key, new Response(await res.blob(), { headers }));
  }));
}

async function activate() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== BUILD.cache).map((name) => caches.delete(name)));
  await sw.clients.claim();
}

/** @param {FetchEvent} event */
function onFetch(event) {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(SCOPE)) return;
  let name = req.url.slice(SCOPE.length).replace(/[?#].*$/, '');
  if (req.mode === 'navigate' && name === '') name = 'index.html';
  if (!(name in BUILD.assets)) return; // not the console's: the network answers, as without a service worker
  event.respondWith(cached(new URL(name, SCOPE).href, req));
}

/**
 * Answers from this version's cache; the network is the fallback if the cache was cleared meanwhile.
 * @param {string} key
 * @param {Request} req
 */
async function cached(key, req) {
  const cache = await caches.open(BUILD.cache);
  return (await cache.match(key)) ?? fetch(req);
}
