// SSP Handleguide's service worker: the app works with no network after one visit.
//
// This is the template. pwa/build.mjs (a trunk post_build hook) writes dist/sw.js from it with
// VERSION and PRECACHE filled in: every file of the build with its SHA-256, and a version that
// is a hash over all of them. Any change to the build output gives a new sw.js, so the browser
// installs a new worker with a new cache; the old cache is deleted when the new worker takes
// over.
//
// Strategy: cache first. Every file of the build is fetched once, at install, and checked
// against its hash (subresource integrity), so the cache always holds one whole build.
// - Navigations to app routes (a path without a file extension: /, /guide, /concerns/<id> …)
//   get the cached index.html: the single-page-app fallback, online and offline alike.
// - Every other same-origin GET is answered from the cache, else from the network.
// A new release therefore reaches the page only through a new worker. That worker installs in
// the background and then WAITS: it takes over only when the page asks (the user pressed
// "genindlæs" in the update notice) or when every tab of the app is closed. Nothing is swapped
// under a teacher in the middle of the guide.

const VERSION = "__VERSION__";
const PRECACHE = /* __PRECACHE__ */ [];

const PREFIX = "ssp-handleguide-";
const CACHE = PREFIX + VERSION;
/** trunk's content hash in a file name (main-0123456789abcdef.css): such a file never changes.
 *  trunk writes the 64-bit hash as hex without leading zeros, so one build in 16 has 15 digits
 *  (app-a21ec12a1d86687_bg.wasm); 8 is the floor, so "icon-192.png" is not taken for a hash. */
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        await Promise.all(
          PRECACHE.map(async ({ url, integrity }) => {
            // A hashed file may come from the HTTP cache (the page has just loaded it); any
            // other is revalidated with the server. Either way the integrity check refuses a
            // file that is not from this build.
            const cacheMode = HASHED.test(url) ? "default" : "no-cache";
            let response = await fetch(new Request(url, { cache: cacheMode, integrity }));
            if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
            // A host that redirects (e.g. /index.html → /) would leave a redirected response,
            // which the browser refuses for a navigation: keep the body and headers only.
            if (response.redirected) {
              const { status, statusText, headers } = response;
              response = new Response(await response.blob(), { status, statusText, headers });
            }
            await cache.put(url, response);
          }),
        );
      } catch (error) {
        // Half a build is no use offline: drop it. The browser tries again on a later visit.
        await caches.delete(CACHE);
        throw error;
      }
      // No skipWaiting() here: see the "message" handler.
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      // On the first install, take over the open page, so it works offline without a reload.
      // (It runs the very build this worker has just cached.)
      await self.clients.claim();
    })(),
  );
});

// The page asks for the update when the user chooses to reload (src/ui/update_notice.rs).
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  const isAppRoute = request.mode === "navigate" && !/\.[^/]*$/.test(url.pathname);
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(isAppRoute ? "/index.html" : request);
      return cached || fetch(request);
    })(),
  );
});
