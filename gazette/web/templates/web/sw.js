{% load static %}// Gazette service worker: an offline page, and static files from the cache (their names carry a hash).
const CACHE = "gazette-{{ version }}";
const OFFLINE = "{% url 'web:offline' %}";
const PRECACHE = [OFFLINE, "{% static 'gazette/site.css' %}", "{% static 'gazette/site.js' %}", "{% static 'gazette/icons/icon.svg' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
