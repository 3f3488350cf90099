// ScanLog service worker: a versioned app shell, navigations answered with it, /api/ network-only.
// The server fills in VERSION (a hash of the shell) and SHELL (the files) when serving this file.
const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const CACHE = `scanlog-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  // Bypass the HTTP cache so the new version's files are the ones stored.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('scanlog-shell-') && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// A new version waits until the user taps "Update" (so nothing reloads under their thumb).
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  if (url.pathname.startsWith('/api/')) return; // network only: never a cached answer
  if (event.request.mode === 'navigate') {
    if (url.pathname !== '/') return; // the tutor pages are server-rendered
    event.respondWith(caches.match('/', { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
  }
});
