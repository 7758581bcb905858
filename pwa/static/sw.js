// Fieldline's service worker. Served at /sw.js (not /static/) so that its scope is the whole site.
// One origin, one scope, so one worker for everyone:
// - customers: the pushes about a followed request (below, "what the page tells us");
// - staff (the PWA): the app shell and the day's data kept for offline use, the outbox replayed on
//   background sync (outbox-core.js, shared with the pages), and job offers pushed to engineers.
//
// Words: a push carries none ({type, work_order_id, status}); it would have to guess a language.
// Instead the tracking page, before it subscribes, hands this worker its texts already translated
// by the server in the language the customer chose (?lang=, cookie or Accept-Language), with the
// page's URL. They are kept in IndexedDB because a worker is stopped between events and loses its
// globals. So every word still comes from the gettext catalog, and a customer who reads Chinese on
// an English phone gets Chinese notifications. The staff app does the same on every page load
// (the "push-texts" record of the outbox's database).

// The server writes the static files' version here as it serves this file (backend/assets.py):
// a new version makes a new worker, which keeps the new shell and drops the old one. Files at a
// versioned address never change, so they are answered from the cache without asking.
const ASSET_VERSION = "__ASSET_VERSION__";
const PINNED = /^\/(static|vendor)\/v[0-9a-f]{12}\//;
const versioned = (path) => path.replace(/^\/(static|vendor)\//, `/$1/${ASSET_VERSION}/`);

importScripts(versioned("/static/js/staff/outbox-core.js"));
// What each push says (statusNotification, RENDERERS, …): the words of the notifications.
importScripts(versioned("/static/js/shared/sw-notifications.js"));

const DB_NAME = "fieldline-push"; // its own database: the outbox of issue 4 versions separately
const FOLLOWS = "follows"; // one record per followed work order, keyed by workOrderId

// --- the app shell and the day's data, for offline use ------------------------------------------

const SHELL_CACHE = `fieldline-shell-${ASSET_VERSION}`;
// Pages and API answers of the signed-in person; the pages empty it on sign-out.
const DATA_CACHE = "fieldline-data";
const SHELL = [
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/icons/favicon-32.png",
  "/static/icons/icon-192.png",
  "/static/js/shared/session.js",
  "/static/js/shared/text.js",
  "/static/js/staff/login.js",
  "/static/js/staff/register.js",
  "/static/js/staff/outbox.js",
  "/static/js/staff/outbox-core.js",
  "/static/js/staff/shell.js",
  "/static/js/staff/dom.js",
  "/static/js/staff/geo.js",
  "/static/js/staff/map.js",
  "/static/js/staff/tracker.js",
  "/static/js/staff/push.js",
  "/static/js/staff/jobs.js",
  "/static/js/staff/engineer.js",
  "/static/js/staff/job.js",
  "/static/js/staff/proof.js",
  "/static/css/proof.css",
  "/static/js/staff/visits.js",
  "/static/js/staff/rep-tracking.js",
  "/static/js/staff/rep.js",
  "/static/js/staff/visit.js",
  "/static/js/staff/accounts.js",
  "/static/js/staff/today.js",
  "/static/js/staff/leads.js",
  "/static/js/staff/account.js",
  "/static/js/staff/pool.js",
  "/static/js/staff/pipeline.js",
  "/static/js/staff/contract_draft.js",
  "/static/js/staff/day.js",
  "/static/js/staff/route.js",
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
  "/vendor/signature_pad/signature_pad.umd.min.js",
];
// What the staff app reads; anything else (the customer's pages, boards, …) is left to the
// network as if there were no worker.
// The rep's sales screens (leads, pool, pipeline, an account) open offline too, with the answers
// their pages asked the worker to keep (keepOffline).
const APP_PAGES =
  /^\/(login|engineer|engineer\/jobs|rep|rep\/today|rep\/accounts|rep\/accounts\/\d+|rep\/route|rep\/leads|rep\/pool|rep\/pipeline|jobs\/\d+|visits\/\d+)$/;
const APP_API =
  /^\/api\/(me|me\/jobs|me\/day|me\/today|work-orders\/\d+|engineers\/\d+\/stock|devices\/\d+\/coverage|visits|visits\/\d+|accounts|users\/\d+\/route|leads|pool|stages|opportunities|contracts|devices|accounts\/\d+|accounts\/\d+\/(contacts|timeline))$/;
// A slow network is worse than a saved copy: after this long the copy is shown, and the answer,
// when it comes, refreshes the cache for next time.
const NETWORK_PATIENCE_MS = 4000;

self.addEventListener("install", (event) => {
  // Each file on its own: one that fails to load must not stop the worker (and the customers'
  // notifications) from installing; it is cached the first time a page loads it.
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) =>
        Promise.all(SHELL.map((url) => cache.add(versioned(url)).catch(() => undefined))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // The page that registered us is controlled at once, so it hears about pushes without a reload.
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("fieldline-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function cacheKey(request, url) {
  // A page is the same page in any language (?lang=): keep one copy, the latest.
  return request.mode === "navigate" ? url.origin + url.pathname : request.url;
}

async function fromCache(request, url, cacheName) {
  const key = cacheKey(request, url);
  const cache = await caches.open(cacheName);
  let hit = (await cache.match(key)) || (await caches.match(key));
  if (!hit && request.mode === "navigate") {
    // Every job (visit) page is the same shell, reading its id from the address: any saved one
    // serves for a job first opened offline, e.g. from a notification.
    const family = url.pathname.replace(/\d+$/, "");
    if (family !== url.pathname) {
      const keys = await cache.keys();
      const sibling = keys.find((k) => new URL(k.url).pathname.startsWith(family));
      if (sibling) hit = await cache.match(sibling);
    }
  }
  if (!hit) return null;
  if (!url.pathname.startsWith("/api/")) return hit;
  // Tell the page that this is a saved copy, so it can say so.
  const headers = new Headers(hit.headers);
  headers.set("X-Fieldline-Saved", "1");
  return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
}

async function networkFirst(event, url, cacheName) {
  const { request } = event;
  const network = fetch(request).then(async (response) => {
    // Only a real answer is kept: not a redirect to the sign-in page, not an error.
    if (response.ok && response.type === "basic" && !response.redirected) {
      const cache = await caches.open(cacheName);
      await cache.put(cacheKey(request, url), response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  let timer;
  const patience = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_PATIENCE_MS, "slow");
  });
  try {
    const first = await Promise.race([network, patience]);
    if (first !== "slow") return first;
    return (await fromCache(request, url, cacheName)) || (await network);
  } catch (error) {
    const saved = await fromCache(request, url, cacheName);
    if (saved) return saved;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A file at a versioned address: the cache's copy, else the network's (kept). A page saved
 * under an older version asks for files of that version, which a newer shell replaced: offline,
 * today's copy of the same file serves. */
async function cacheFirst(request, url) {
  const cache = await caches.open(SHELL_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const today = url.pathname.replace(PINNED, `/$1/${ASSET_VERSION}/`);
    const saved = await cache.match(url.origin + today);
    if (saved) return saved;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return; // writes go through the outbox, never a cache
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // map tiles: the browser's own cache
  if (PINNED.test(url.pathname)) {
    event.respondWith(cacheFirst(request, url));
    return;
  }
  let cacheName = null;
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/vendor/")) {
    cacheName = SHELL_CACHE;
  } else if (url.pathname === "/manifest.webmanifest") {
    cacheName = SHELL_CACHE;
  } else if (request.mode === "navigate" && APP_PAGES.test(url.pathname)) {
    cacheName = DATA_CACHE;
  } else if (APP_API.test(url.pathname)) {
    cacheName = DATA_CACHE;
  }
  if (cacheName) event.respondWith(networkFirst(event, url, cacheName));
});

/** Fetches the day's pages and data into the cache (the page asks after it has loaded). */
async function warm(urls) {
  const cache = await caches.open(DATA_CACHE);
  await Promise.all(
    urls.map(async (href) => {
      const url = new URL(href, self.location.origin);
      const page = !url.pathname.startsWith("/api/");
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) {
        await cache.put(page ? url.origin + url.pathname : url.href, response);
      }
    }),
  );
}

// --- the outbox, replayed when the browser says the network is back ------------------------------

const outbox = self.fieldlineOutbox;

/** Sends the outbox with no page open: the session cookie rides along, the CSRF token is the
 * copy the pages keep in IndexedDB. */
async function replayOutbox() {
  const result = await outbox.flush(async () => (await outbox.getMeta("csrf")) || "");
  // A rejected sync is retried by the browser later; a refused write is in the log already.
  if (result.stopped === "offline" || result.stopped === "retry") throw new Error(result.stopped);
  return result;
}

self.addEventListener("sync", (event) => {
  if (event.tag === "fieldline-outbox") event.waitUntil(replayOutbox());
});

// --- what the page tells us ------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(FOLLOWS, { keyPath: "workOrderId" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function withFollows(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(FOLLOWS, mode);
      const request = work(tx.objectStore(FOLLOWS));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const HANDLERS = {
  // {type: "warm", urls: [...]}: the staff app's pages and data for the day
  warm: (message) => warm(message.urls),
  // {type: "follow", follow: {workOrderId, url, lang, title, statuses, hints}}
  follow: (message) => withFollows("readwrite", (store) => store.put(message.follow)),
  // {type: "unfollow", workOrderId}
  unfollow: (message) => withFollows("readwrite", (store) => store.delete(message.workOrderId)),
};

self.addEventListener("message", (event) => {
  const handle = HANDLERS[event.data?.type];
  if (!handle) return;
  // The page waits for the answer on the port: a push may come right after it subscribes.
  const reply = event.ports[0];
  event.waitUntil(
    handle(event.data).then(
      () => reply?.postMessage({ ok: true }),
      (error) => reply?.postMessage({ ok: false, error: String(error) }),
    ),
  );
});

// --- pushes (what each says: js/shared/sw-notifications.js) -------------------------------------

async function tellOpenPages(payload) {
  // An open tracking page refreshes itself at once instead of at its next 30-second poll.
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) client.postMessage({ type: "push", payload });
}

async function onPush(event) {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    // Not JSON: still shown below, since every push must show something (userVisibleOnly).
  }
  const render = RENDERERS[payload.type];
  const { title, options } = render ? await render(payload) : { title: "Fieldline", options: {} };
  await Promise.all([self.registration.showNotification(title, options), tellOpenPages(payload)]);
}

self.addEventListener("push", (event) => event.waitUntil(onPush(event)));

async function focusOrOpen(url) {
  if (!url) return;
  const target = new URL(url, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  // The same page in another language (?lang=) is still the same page.
  const open = windows.find((client) => new URL(client.url).pathname === target.pathname);
  if (open) {
    await open.focus();
    return;
  }
  await self.clients.openWindow(target.href);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(focusOrOpen(event.notification.data?.url));
});

// --- a subscription renewed by the browser --------------------------------------------------------

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function resubscribe(event) {
  // The push service replaced (or expired) the subscription: make a new one with the same
  // server key and tell the server, for the signed-in staff member and for every followed request.
  let subscription = event.newSubscription;
  if (!subscription) {
    const response = await fetch("/api/public/push/key");
    const { public_key: key } = await response.json();
    subscription = await self.registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(key),
    });
  }
  const body = JSON.stringify(subscription);
  const json = { "Content-Type": "application/json" };
  const csrf = await outbox.getMeta("csrf").catch(() => undefined);
  const sends = [];
  if (csrf) {
    sends.push(
      fetch("/api/push/subscriptions", {
        method: "POST",
        headers: { ...json, "X-CSRF-Token": csrf },
        credentials: "same-origin",
        body,
      }),
    );
  }
  const follows = await withFollows("readonly", (store) => store.getAll()).catch(() => []);
  for (const follow of follows) {
    // The follow's page is /q/<token>/requests/<id>; its API twin takes the new subscription.
    const match = /^\/q\/([^/]+)\/requests\/(\d+)/.exec(new URL(follow.url, self.location.origin).pathname);
    if (!match) continue;
    const path = `/api/public/devices/${match[1]}/requests/${match[2]}/push`;
    sends.push(fetch(path, { method: "POST", headers: json, credentials: "omit", body }));
  }
  await Promise.allSettled(sends);
}

self.addEventListener("pushsubscriptionchange", (event) => event.waitUntil(resubscribe(event)));
