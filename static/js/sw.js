// Terloops service worker: the capture screens open and work with no network at all.
//   static files   – cache first (the cache name changes with every release)
//   start/session  – cache first, refreshed in the background when older than 15 min
//   field home     – network first, the cached copy when offline
//   API            – always the network; the pages keep their own queue in IndexedDB
// Pages say their language (Content-Language). When it changes (a page from the network in
// another language, or the language switch), the cached pages are fetched anew, and a cached
// page in another language is served from the network while there is one.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const STATIC = `terloops-static-${VERSION}`;
const PAGES = `terloops-pages-${VERSION}`;
const FRESH_FOR = 15 * 60 * 1000;
const CAPTURE_PAGE = /^\/studies\/[^/]+\/field\/(start|session)$/;
const HOME_PAGE = /^\/studies\/[^/]+\/field\/$/;
// Where the pages' language is kept (in the pages cache, so it outlives the worker).
const LANGUAGE = "/__terloops/language";

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

// The language the pages are in now, as the latest page from the network said.
let language = null;
// Responses served from the cache: they say nothing about the language now.
const fromCache = new WeakSet();

async function currentLanguage() {
  if (language === null) {
    const stored = await (await caches.open(PAGES)).match(LANGUAGE);
    language = stored ? await stored.text() : "";
  }
  return language;
}

// Remember the language the pages are in now.
async function remember(lang) {
  if (!lang || lang === (await currentLanguage())) return;
  language = lang;
  await (await caches.open(PAGES)).put(LANGUAGE, new Response(lang));
}

// Fetch anew the cached pages that are in another language.
async function refreshPages(lang) {
  const cache = await caches.open(PAGES);
  for (const request of await cache.keys()) {
    if (new URL(request.url).pathname === LANGUAGE) continue;
    const cached = await cache.match(request);
    if (cached && cached.headers.get("content-language") !== lang) {
      await store(cache, request.url).catch(() => {});
    }
  }
}

// Every page from the network says the language; cached pages in another one follow it.
async function learnLanguage(response) {
  const lang = response?.ok && !fromCache.has(response) && response.headers.get("content-language");
  if (!lang) return;
  await remember(lang);
  await refreshPages(lang);
}

function served(response) {
  fromCache.add(response);
  return response;
}

// The language switch: the page it leads back to may be cached in the old language, so the
// new language is known before the switch is sent, and the cached pages are fetched anew
// once the server has switched.
async function switchLanguage(event) {
  let lang = "";
  try {
    lang = String((await event.request.clone().formData()).get("locale") || "");
  } catch {
    // Not a form we can read: the next page from the network says the language.
  }
  await remember(lang);
  const response = await fetch(event.request);
  if (lang) event.waitUntil(refreshPages(lang));
  return response;
}

async function capturePage(request) {
  const cache = await caches.open(PAGES);
  const url = new URL(request.url);
  url.search = "";
  const cached = await cache.match(url.href);
  const lang = await currentLanguage();
  if (cached && lang && cached.headers.get("content-language") !== lang) {
    // Cached in another language than the pages are in now: the network's copy, if any.
    return store(cache, url.href).catch(() => served(cached));
  }
  if (cached) {
    const age = Date.now() - Number(cached.headers.get("x-terloops-cached-at") || 0);
    if (age > FRESH_FOR) store(cache, url.href).catch(() => {});
    return served(cached);
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
    const cached = await cache.match(key);
    return cached ? served(cached) : offline();
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

// Answer a page, and learn the pages' language from it if it came from the network.
function page(event, answer) {
  event.respondWith(answer);
  event.waitUntil(answer.then(learnLanguage).catch(() => {}));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname === "/language") {
    event.respondWith(switchLanguage(event));
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && CAPTURE_PAGE.test(url.pathname)) {
    page(event, capturePage(request));
  } else if (request.mode === "navigate" && HOME_PAGE.test(url.pathname)) {
    page(event, homePage(request));
  } else if (request.mode === "navigate") {
    page(event, fetch(request).catch(() => offline()));
  }
});

self.addEventListener("message", (event) => {
  const { type, urls } = event.data || {};
  if (type === "cache-pages") {
    event.waitUntil(caches.open(PAGES).then((cache) =>
      Promise.all(urls.map((url) => store(cache, url).catch(() => {})))));
  } else if (type === "forget-pages") {
    // On logout: pages hold the user's study data; the record queue stays in IndexedDB.
    language = null;
    event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((n) => n.startsWith("terloops-pages-")).map((n) => caches.delete(n)))));
  }
});
