{% load static %}// Gazette service worker: static files from the cache (their names carry a hash), and offline reading
// of the front page, the articles read last and the articles the reader saved, with their small images.
//
// Invariants:
// 1. Pages are network-first: online, the reader always gets the server's page; a kept copy is shown
//    only when the network fails.
// 2. No kept page belongs to a reader: a signed-in reader's page (Cache-Control: no-store) is fetched
//    again without cookies, and that anonymous copy is what is kept. What was read and saved is still
//    personal, so logging in, signing up and logging out empty every kept page and image.
// 3. Every cache name carries the version, which changes with the static files and with this file.
//    A new version copies the kept pages over (fetched again, since the old copies name old static
//    files) and deletes every older cache, so no deploy leaves a page without its styles.
const VERSION = "{{ version }}";
const STATIC = `gazette-${VERSION}-static`;
const PAGES = `gazette-${VERSION}-pages`; // the front page and the articles read last
const SAVED = `gazette-${VERSION}-saved`; // the articles saved on this device
const IMAGES = `gazette-${VERSION}-images`;
const OFFLINE = "{% url 'web:offline' %}";
const FRONT = "{% url 'web:front' %}";
const ARTICLE_PREFIX = "{{ article_prefix|escapejs }}";
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const ARTICLE = new RegExp(`^${literal(ARTICLE_PREFIX)}(\\d+)/`);
const SAVE = new RegExp(`^${literal("{{ saved_prefix|escapejs }}")}(\\d+)/(save|unsave)/$`);
const ACCOUNT_CHANGES = ["{% url 'accounts:login' %}", "{% url 'accounts:logout' %}", "{% url 'accounts:signup' %}"];
const STATIC_PREFIX = "{% get_static_prefix %}";
const PRECACHE = [OFFLINE, "{% static 'gazette/site.css' %}", "{% static 'gazette/site.js' %}", "{% static 'gazette/vendor/htmx.min.js' %}", "{% static 'gazette/icons/icon.svg' %}"];
const RECENT_MAX = {{ recent_max }}; // articles read last, besides the front page
const SAVED_MAX = {{ saved_max }};
const IMAGES_MAX = {{ images_max }};
const IMAGE_MAX_BYTES = {{ image_max_bytes }};

function articleKey(pathname) {
  const match = ARTICLE.exec(pathname);
  // One entry an article, whichever of its addresses (with or without the slug) was opened.
  return match ? new URL(`${ARTICLE_PREFIX}${match[1]}/`, self.location.origin).href : null;
}

function pageKey(url) {
  if (url.origin !== self.location.origin) return null;
  if (url.pathname === FRONT) return new URL(FRONT, self.location.origin).href;
  return articleKey(url.pathname);
}

// A signed-in reader's page is sent with no-store (gazette/web/caching.py); "private" alone only
// means the page handed out a CSRF token.
function personal(response) {
  return (response.headers.get("Cache-Control") || "").toLowerCase().includes("no-store");
}

// The page as a signed-out reader sees it, or null when it is not a plain 200 page. The copy fetched
// without cookies cannot be anyone's.
async function anonymous(key, response) {
  if (response && response.status === 200 && !response.redirected && !personal(response)) return response;
  const again = await fetch(key, { credentials: "omit" });
  return again.status === 200 ? again : null;
}

async function trim(cacheName, max, keep) {
  const cache = await caches.open(cacheName);
  // keys() lists entries in the order they were put, so the oldest come first.
  const keys = (await cache.keys()).filter((request) => request.url !== keep);
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((request) => cache.delete(request)));
}

async function pageKeep(key, response) {
  const page = await anonymous(key, response);
  if (!page) return;
  const copy = page.clone();
  const cache = await caches.open(PAGES);
  await cache.delete(key); // put after delete moves the entry to the end: the newest
  await cache.put(key, page);
  await trim(PAGES, RECENT_MAX, new URL(FRONT, self.location.origin).href);
  // A saved article read again is kept fresh there too.
  const saved = await caches.open(SAVED);
  if (await saved.match(key, { ignoreVary: true })) await saved.put(key, copy);
}

async function savedKeep(pk, saving) {
  const key = new URL(`${ARTICLE_PREFIX}${pk}/`, self.location.origin).href;
  const cache = await caches.open(SAVED);
  if (!saving) {
    await cache.delete(key);
    return;
  }
  const page = await anonymous(key, null);
  if (page) {
    await cache.put(key, page);
    await trim(SAVED, SAVED_MAX, null);
  }
}

async function pageFromCache(key) {
  for (const name of [SAVED, PAGES]) {
    const hit = await (await caches.open(name)).match(key, { ignoreVary: true });
    if (hit) return hit;
  }
  return caches.match(OFFLINE);
}

async function imageFetch(request) {
  const cache = await caches.open(IMAGES);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // A third-party image without CORS is opaque: its size is unknown and the browser counts it as
  // megabytes against the quota, so only images whose size can be read are kept.
  if (response.status === 200 && response.type !== "opaque") {
    const length = Number(response.headers.get("Content-Length") || 0);
    const copy = response.clone();
    const size = length || (await copy.clone().blob()).size;
    if (size > 0 && size <= IMAGE_MAX_BYTES) {
      await cache.put(request, copy);
      await trim(IMAGES, IMAGES_MAX, null);
    }
  }
  return response;
}

async function staticFetch(request) {
  const cache = await caches.open(STATIC);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.status === 200) await cache.put(request, response.clone());
  return response;
}

async function forgetReader() {
  await Promise.all([PAGES, SAVED, IMAGES].map((name) => caches.delete(name)));
}

// What the old version kept, fetched again for this one; a page that cannot be fetched now keeps its
// old copy, and one that is gone (404) is dropped.
async function migrate(oldName, newName) {
  const from = await caches.open(oldName);
  const to = await caches.open(newName);
  for (const request of await from.keys()) {
    try {
      const fresh = await fetch(request.url, { credentials: "omit" });
      if (fresh.status === 200) await to.put(request, fresh);
      else if (fresh.status >= 500) await to.put(request, await from.match(request));
    } catch (error) {
      await to.put(request, await from.match(request));
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    const old = keys.filter((key) => key.startsWith("gazette-") && !key.startsWith(`gazette-${VERSION}-`));
    for (const kind of ["pages", "saved", "images"]) {
      const mine = `gazette-${VERSION}-${kind}`;
      for (const name of old.filter((key) => key.endsWith(`-${kind}`))) {
        if (kind === "images") continue; // images are cheap to fetch again, and not tied to a version
        await migrate(name, mine);
      }
    }
    await Promise.all(keys.filter((key) => !key.startsWith(`gazette-${VERSION}-`)).map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  // The Saved page lists the reader's saved articles: those not kept yet are fetched.
  const data = event.data || {};
  if (data.type === "saved" && Array.isArray(data.ids)) {
    event.waitUntil((async () => {
      const cache = await caches.open(SAVED);
      for (const pk of data.ids.slice(0, SAVED_MAX)) {
        const key = new URL(`${ARTICLE_PREFIX}${Number(pk)}/`, self.location.origin).href;
        if (!(await cache.match(key, { ignoreVary: true }))) await savedKeep(Number(pk), true);
      }
    })().catch(() => {}));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const ours = url.origin === self.location.origin;
  if (request.method === "POST" && ours) {
    if (ACCOUNT_CHANGES.includes(url.pathname)) {
      // Emptied before the request goes out, so no page of the last reader outlives the change.
      event.respondWith(forgetReader().catch(() => {}).then(() => fetch(request))
        .catch(() => (request.mode === "navigate" ? caches.match(OFFLINE) : Response.error())));
      return;
    }
    const save = SAVE.exec(url.pathname);
    if (save) {
      const answer = fetch(request);
      event.respondWith(answer);
      event.waitUntil(answer.then((response) => {
        const done = response.type === "opaqueredirect" || (response.status >= 200 && response.status < 400);
        return done ? savedKeep(save[1], save[2] === "save") : null;
      }).catch(() => {}));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    const key = pageKey(url);
    if (!key || url.search) {
      // An article's address with a query (?utm_…) is still that article; the front page's later
      // pages are not its first.
      const article = key && url.pathname !== FRONT;
      event.respondWith(fetch(request).catch(() => (article ? pageFromCache(key) : caches.match(OFFLINE))));
      return;
    }
    // The copy is taken before the page reads the body.
    const network = fetch(request).then((response) => ({ response, copy: response.clone() }));
    event.respondWith(network.then(({ response }) => response, () => pageFromCache(key)));
    event.waitUntil(network.then(({ response, copy }) => (response.status === 200 ? pageKeep(key, copy) : null)).catch(() => {}));
    return;
  }
  if (ours && url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFetch(request));
    return;
  }
  // Only this site's images (the media proxy's among them): the worker may connect to no other host.
  if (ours && request.destination === "image") {
    event.respondWith(imageFetch(request).catch(() => caches.match(request, { cacheName: IMAGES })));
  }
});
