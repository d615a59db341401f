// Terloops service worker: the capture screens open and work with no network at all.
//   static files   – cache first (the cache name changes with every release)
//   start/session  – cache first, refreshed in the background when older than 15 min
//   field home     – network first, the cached copy when offline
//   API            – always the network; the pages keep their own queue in IndexedDB
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const STATIC = `terloops-static-${VERSION}`;
const PAGES = `terloops-pages-${VERSION}`;
const FRESH_FOR = 15 * 60 * 1000;
const CAPTURE_PAGE = /^\/studies\/[^/]+\/field\/(start|session)$/;
const HOME_PAGE = /^\/studies\/[^/]+\/field\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const pages = await caches.open(PAGES);
    for (const name of names) {
      if (name === STATIC || name === PAGES) continue;
      if (name.startsWith("terloops-pages-")) {
        // Keep the capture pages available offline across a release: fetch them anew.
        const old = await caches.open(name);
        for (const request of await old.keys()) {
          await store(pages, request.url).catch(async () => {
            await pages.put(request, await old.match(request));
          });
        }
      }
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function cacheable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

// A copy of a response that remembers when it was cached.
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("x-terloops-cached-at", String(Date.now()));
  return new Response(await response.blob(), { status: 200, headers });
}

async function store(cache, url) {
  const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (!cacheable(response)) throw new Error(`not cacheable: ${url}`);
  const copy = await stamped(response);
  await cache.put(url, copy.clone());
  return copy;
}

async function capturePage(request) {
  const cache = await caches.open(PAGES);
  const url = new URL(request.url);
  url.search = "";
  const cached = await cache.match(url.href);
  if (cached) {
    const age = Date.now() - Number(cached.headers.get("x-terloops-cached-at") || 0);
    if (age > FRESH_FOR) store(cache, url.href).catch(() => {});
    return cached;
  }
  return store(cache, url.href).catch(() => fetch(request));
}

async function homePage(request) {
  const cache = await caches.open(PAGES);
  const key = new URL(request.url).origin + new URL(request.url).pathname;
  let response;
  try {
    response = await fetch(request);
  } catch {
    return (await cache.match(key)) || offline();
  }
  if (!cacheable(response)) return response;
  const copy = await stamped(response);
  await cache.put(key, copy.clone());
  return copy;
}

async function staticFile(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (cacheable(response)) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

function offline() {
  return new Response(
    "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>Offline</title><p>Offline. / Geen verbinding.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && CAPTURE_PAGE.test(url.pathname)) {
    event.respondWith(capturePage(request));
  } else if (request.mode === "navigate" && HOME_PAGE.test(url.pathname)) {
    event.respondWith(homePage(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offline()));
  }
});

self.addEventListener("message", (event) => {
  const { type, urls } = event.data || {};
  if (type === "cache-pages") {
    event.waitUntil(caches.open(PAGES).then((cache) =>
      Promise.all(urls.map((url) => store(cache, url).catch(() => {})))));
  } else if (type === "forget-pages") {
    // On logout: pages hold the user's study data; the record queue stays in IndexedDB.
    event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((n) => n.startsWith("terloops-pages-")).map((n) => caches.delete(n)))));
  }
});
