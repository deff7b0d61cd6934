// The service worker: keeps the app on the device so that, after one visit, it loads and checks
// files with the network off.
//
// pkg/precache.js (written by scripts/precache.mjs at build time) lists every file with its
// sha256 and a version. Installing a version downloads the eager files (page, scripts, header-only
// and pixel engines, briefs) and verifies each hash; the detection engine and the models (~16 MiB,
// only for briefs with faces / plates rules) are lazy: kept the first time the page fetches them.
// Files are cached under their hash, so a new version reuses every unchanged file — including
// lazy ones already fetched — and downloads only what changed.
//
// A new version waits until the page asks it to take over (the "new version — reload" notice)
// or every tab of the app is closed: a page never runs with scripts from two versions.
/* eslint-env serviceworker */
importScripts('pkg/precache.js');

const { version, files } = /** @type {{ version: string, files: { url: string, sha256: string, lazy: boolean }[] }} */ (self.PRECACHE);
const CACHE = `preflight-${version}`;
const scope = new URL(self.registration.scope);
const byPath = new Map(files.map((f) => [new URL(f.url, scope).pathname, f]));
/** The cache key of a file: its URL plus its hash (so a key never names other bytes). */
const keyOf = (f) => new URL(`${f.url}?sha256=${f.sha256}`, scope).href;

async function sha256(/** @type {ArrayBuffer} */ buf) {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetches a file from the server, bypassing the HTTP cache. `matches` says whether its bytes are
 * the ones the list names (false when www/ was edited without re-running scripts/precache.mjs).
 */
async function download(f) {
  const res = await fetch(new URL(f.url, scope), { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${f.url}: HTTP ${res.status}`);
  const body = await res.arrayBuffer();
  const response = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  return { response, matches: (await sha256(body)) === f.sha256 };
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(files.map(async (f) => {
      if (await cache.match(keyOf(f))) return;
      const earlier = await caches.match(keyOf(f));     // the same bytes, kept by an earlier version
      if (earlier) return cache.put(keyOf(f), earlier);
      if (f.lazy) return;
      const { response, matches } = await download(f);
      if (!matches) throw new Error(`${f.url} is not the file pkg/precache.js lists: run \`node scripts/precache.mjs\``);
      await cache.put(keyOf(f), response);
    }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('preflight-') && name !== CACHE) await caches.delete(name);
    // The first version takes the open page at once, so that the lazy files it fetches during
    // this first visit are kept too.
    await self.clients.claim();
  })());
});

/** @type {Map<string, Promise<Response>>} one download per file, however many ask at once */
const downloading = new Map();

/** A file of the list: from the cache, else downloaded once and kept (if its hash matches). */
async function cached(f) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(keyOf(f));
  if (hit) return hit;
  let pending = downloading.get(f.url);
  if (!pending) {
    pending = download(f).then(async ({ response, matches }) => {
      if (matches) await cache.put(keyOf(f), response.clone());
      else console.warn(`preflight sw: ${f.url} is not the file pkg/precache.js lists; served, not kept`);
      return response;
    }).finally(() => downloading.delete(f.url));
    downloading.set(f.url, pending);
  }
  return (await pending).clone();
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  const path = req.mode === 'navigate' && url.pathname === scope.pathname ? `${scope.pathname}index.html` : url.pathname;
  const f = byPath.get(path);
  if (f) event.respondWith(cached(f));
  // Anything else (examples, files outside the app) goes to the network as usual.
});

self.addEventListener('message', (event) => {
  const type = event.data?.type;
  if (type === 'take-over') self.skipWaiting();
  // The page uses a brief with faces / plates rules: keep the detection files even if the page
  // fetched them before this worker controlled it (a first visit that chose such a brief at once).
  else if (type === 'keep-detection') {
    event.waitUntil(Promise.all(files.filter((f) => f.lazy).map((f) => cached(f).catch(() => null))));
  }
});
