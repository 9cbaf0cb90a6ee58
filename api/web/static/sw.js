// pakka's service worker: keeps the app shell (HTML, modules, styles, icons) so the app opens offline and on
// slow connections. API calls (/v1/...) always go to the network and are never stored: they carry personal data.
// Shell files are answered from the cache at once and refreshed in the background (stale-while-revalidate);
// the page itself is fetched first from the network, the cached copy used when the network is gone.

// The server fills these in (api/routes/web.py): every file of the shell, and a digest of their contents, so
// a changed file is a new cache and the old one is dropped on activation.
const CACHE = 'pakka-shell-' + '__SHELL_DIGEST__';
const SHELL = ['/', '/manifest.webmanifest', ...__SHELL_FILES__];

self.addEventListener('install', (event) => {
  // One missing file must not stop the rest from being kept, so each is added on its own.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isShell(url) {
  return url.origin === self.location.origin &&
    (url.pathname === '/' || url.pathname === '/manifest.webmanifest' || url.pathname.startsWith('/static/'));
}

// Only the shell page itself is kept under '/': another page opened directly (/static/app.js in the address
// bar) must never replace it.
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const isShellPage = new URL(request.url).pathname === '/';
  try {
    const response = await fetch(request);
    if (response.ok && isShellPage) cache.put('/', response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(isShellPage ? '/' : request, {ignoreSearch: true});
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, {ignoreSearch: true});
  const refreshed = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    });
  if (cached) {
    event.waitUntil(refreshed.catch(() => undefined));
    return cached;
  }
  return refreshed;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (!isShell(url)) return; // the API, generated sites and previews: straight to the network
  if (request.mode === 'navigate' || url.pathname === '/') event.respondWith(networkFirst(request));
  else event.respondWith(staleWhileRevalidate(request, event));
});
