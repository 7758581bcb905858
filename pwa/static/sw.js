// Fieldline's service worker. Served at /sw.js (not /static/) so that its scope is the whole site.
// Today it shows the pushes a customer gets about a followed request. The staff PWA (issue 4)
// extends this same file with the app-shell cache, the outbox and its own push types: one origin,
// one scope, so one worker; add to it rather than registering a second one.
//
// Words: a push carries none ({type, work_order_id, status}); it would have to guess a language.
// Instead the tracking page, before it subscribes, hands this worker its texts already translated
// by the server in the language the customer chose (?lang=, cookie or Accept-Language), with the
// page's URL. They are kept in IndexedDB because a worker is stopped between events and loses its
// globals. So every word still comes from the gettext catalog, and a customer who reads Chinese on
// an English phone gets Chinese notifications.

const DB_NAME = "fieldline-push"; // its own database: the outbox of issue 4 versions separately
const FOLLOWS = "follows"; // one record per followed work order, keyed by workOrderId

self.addEventListener("install", () => {
  // Nothing cached yet, so nothing a waiting worker must protect: take over at once.
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // The page that registered us is controlled at once, so it hears about pushes without a reload.
  event.waitUntil(self.clients.claim());
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

// --- pushes ------------------------------------------------------------------------------------

async function statusNotification(payload) {
  const id = Number(payload.work_order_id);
  const follow = await withFollows("readonly", (store) => store.get(id)).catch(() => undefined);
  const status = String(payload.status || "");
  if (!follow) return { title: "Fieldline", options: { tag: `request-${id}` } };
  const label = follow.statuses?.[status] || status;
  return {
    title: follow.title.replace("{status}", label),
    options: {
      body: follow.hints?.[status] || "",
      lang: follow.lang,
      // One notification per request: a newer status replaces the older one, and still alerts.
      tag: `request-${id}`,
      renotify: true,
      data: { url: follow.url },
    },
  };
}

// One renderer per payload type; the staff app adds its own (e.g. "offer").
const RENDERERS = { status: statusNotification };

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
