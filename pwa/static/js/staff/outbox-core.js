// The outbox's storage and delivery, shared by the pages (outbox.js) and the service worker
// (sw.js replays it on background sync). One function expression that sets a single global, so the
// same file runs as a classic worker script (importScripts) and as an ES module (import), and its
// names never clash with the worker's own top-level declarations.
(() => {
  const DB_NAME = "fieldline";
  const VERSION = 2; // 1: outbox, outbox-log; 2: meta (CSRF token, user, last sync, push texts)
  const OUTBOX = "outbox";
  const LOG = "outbox-log";
  const META = "meta";
  // Pages and the worker each have their own copy of this code: they tell each other through a
  // channel, and take turns through a lock so that one write is never in flight twice at once.
  const CHANNEL = "fieldline-outbox";
  const LOCK = "fieldline-outbox";

  let opening = null;

  function open() {
    opening ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of [OUTBOX, LOG]) {
          if (!db.objectStoreNames.contains(name)) {
            db.createObjectStore(name, { keyPath: "seq", autoIncrement: true });
          }
        }
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of the app (another tab, a new worker) needs the database: let go.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
    return opening;
  }

  /** Runs work(stores) in one transaction; resolves with its result once the transaction commits. */
  async function tx(names, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((name) => [name, transaction.objectStore(name)]));
      const result = work(stores);
      transaction.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const getMeta = (key) => tx([META], "readonly", (s) => s[META].get(key));
  const setMeta = (key, value) => tx([META], "readwrite", (s) => s[META].put(value, key));
  const all = (name) => tx([name], "readonly", (s) => s[name].getAll());

  let channel = null;
  function announce(message) {
    channel ??= new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
  }

  async function add(entry) {
    const seq = await tx([OUTBOX], "readwrite", (s) => s[OUTBOX].add(entry));
    announce({ type: "changed" });
    return seq;
  }

  async function dismiss(seq) {
    await tx([LOG], "readwrite", (s) => s[LOG].delete(seq));
    announce({ type: "changed" });
  }

  /** The writes of `user` still to send, oldest first (another user's wait for his next sign-in). */
  async function pendingFor(user) {
    return (await all(OUTBOX)).filter((entry) => entry.user === user);
  }

  /**
   * A form with a file (a photo) as multipart bytes. The boundary comes from the write's key, not
   * from chance as FormData's would: a replay sends the very same bytes, which is how the server
   * knows it for the same request. `form` is {fields: {name: value}, file: {field, name, type,
   * data: ArrayBuffer}}, kept in IndexedDB as it is.
   */
  function multipart(key, form) {
    const boundary = `fieldline-${key}`;
    const text = new TextEncoder();
    let head = "";
    for (const [name, value] of Object.entries(form.fields || {})) {
      head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    const { file } = form;
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n`;
    head += `Content-Type: ${file.type}\r\n\r\n`;
    const body = new Blob([text.encode(head), file.data, text.encode(`\r\n--${boundary}--\r\n`)]);
    return { body, type: `multipart/form-data; boundary=${boundary}` };
  }

  async function deliver(entry, csrf) {
    const headers = { "Idempotency-Key": entry.key, "X-CSRF-Token": csrf };
    let body;
    if (entry.form) {
      const built = multipart(entry.key, entry.form);
      headers["Content-Type"] = built.type;
      body = built.body;
    } else if (entry.body !== null) {
      headers["Content-Type"] = "application/json";
      // The stored object is serialised the same way every time: a replay sends the same
      // bytes, which the server needs to recognise it as the same request.
      body = JSON.stringify(entry.body);
    }
    return fetch(entry.url, { method: entry.method, headers, credentials: "same-origin", body });
  }

  // Why a queue stopped: the write stays and is tried again later.
  function stopReason(response) {
    if (response.status >= 500 || response.status === 429) return "retry";
    if (response.status === 401) return "signed-out";
    return null;
  }

  async function isStaleCsrf(response) {
    // A 403 for the CSRF token (the session was renewed meanwhile) is not the write's fault:
    // it is sent again with the fresh token after the next sign-in or page load.
    if (response.status !== 403) return false;
    const detail = (await response.clone().json().catch(() => ({}))).detail || "";
    return /CSRF/.test(detail);
  }

  async function flushLocked(csrf) {
    const user = await getMeta("user");
    if (user === undefined) return { sent: 0, stopped: "signed-out" };
    let sent = 0;
    for (const entry of await pendingFor(user)) {
      let response;
      try {
        response = await deliver(entry, await csrf());
      } catch {
        return { sent, stopped: "offline" };
      }
      const stopped = stopReason(response) || ((await isStaleCsrf(response)) ? "signed-out" : null);
      if (stopped) {
        await setMeta("blocked", stopped);
        announce({ type: "changed" });
        return { sent, stopped };
      }
      const data = await response.json().catch(() => null);
      const now = new Date().toISOString();
      await tx([OUTBOX, LOG, META], "readwrite", (s) => {
        s[OUTBOX].delete(entry.seq);
        s[META].put(now, "lastSync");
        s[META].delete("blocked");
        if (!response.ok) {
          // Refused for good (the job was reassigned, the visit is gone, …): kept in the log
          // until the user has seen it, never dropped silently.
          s[LOG].add({
            user: entry.user,
            label: entry.label,
            meta: entry.meta || null,
            status: response.status,
            detail: data?.detail || "",
            at: now,
          });
        }
      });
      sent += 1;
      announce({ type: "delivered", entry, ok: response.ok, status: response.status, data });
    }
    return { sent, stopped: null };
  }

  /** Sends the user's queued writes in order; stops at the first the network could not carry. */
  function flush(csrf) {
    const run = () => flushLocked(csrf);
    return self.navigator.locks ? self.navigator.locks.request(LOCK, run) : run();
  }

  self.fieldlineOutbox = {
    CHANNEL,
    open,
    add,
    all,
    dismiss,
    pendingFor,
    getMeta,
    setMeta,
    flush,
  };
})();
