// The outbox: every write made in the field is stored in IndexedDB first, with an Idempotency-Key
// made here, and sent in order when the network allows. The server applies each key once, so a
// write replayed after a lost answer is never doubled; nothing is dropped until the server answers.
// Storage and delivery live in outbox-core.js, which the service worker shares for background sync.
import { cookie } from "../shared/session.js";
import "./outbox-core.js";

const core = self.fieldlineOutbox;
const SYNC_TAG = "fieldline-outbox";
const RETRY_EVERY_MS = 15_000;
const listeners = new Set();
const deliveredListeners = new Set();

// The page always sends the cookie's current token; the worker, which cannot read cookies,
// uses the copy kept in IndexedDB by setUser().
const csrf = async () => cookie("fl_csrf");

let user;

/** Whose writes this page queues and sends: the signed-in staff member's id. */
export async function setUser(id) {
  user = id;
  await core.setMeta("user", id);
  await core.setMeta("csrf", cookie("fl_csrf"));
  notify();
  flush();
}

/**
 * Queues a write and returns its Idempotency-Key at once. `label` is what the user sees while it
 * waits; `meta` ({job, action} or {visit, action, …}) lets pages show the write's effect early.
 * A file goes as `form` instead of a body ({fields, file: {field, name, type, data}}, the data an
 * ArrayBuffer), sent as multipart/form-data.
 */
export async function send(method, url, body, label, meta = null, form = null) {
  const entry = {
    method,
    url,
    body: body === undefined ? null : body,
    label: label || `${method} ${url}`,
    meta,
    user,
    key: crypto.randomUUID(),
    queuedAt: new Date().toISOString(),
  };
  if (form) entry.form = form;
  await core.add(entry);
  notify();
  askForBackgroundSync();
  flush();
  return entry.key;
}

export async function pending() {
  return user === undefined ? [] : core.pendingFor(user);
}

/** Problems the server reported for queued writes (e.g. the job was reassigned meanwhile). */
export async function conflicts() {
  return (await core.all("outbox-log")).filter((entry) => entry.user === user);
}

export async function dismissConflict(seq) {
  await core.dismiss(seq);
  notify();
}

/** When the outbox last heard from the server (an ISO time), or null. */
export function lastSync() {
  return localStorage.getItem("fl_last_sync");
}

/** Why sending is held up ("signed-out"), "offline"/"retry" while it waits, or null. */
export async function blocked() {
  return (await core.getMeta("blocked")) || null;
}

/** Calls back with {pending, conflicts, lastSync, blocked} whenever the outbox changes. */
export function subscribe(callback) {
  listeners.add(callback);
  notify();
  return () => listeners.delete(callback);
}

/** Calls back with {entry, ok, status, data} for each write the server answered. */
export function onDelivered(callback) {
  deliveredListeners.add(callback);
  return () => deliveredListeners.delete(callback);
}

async function notify() {
  const synced = await core.getMeta("lastSync");
  // Kept in localStorage too, so that lastSync() can answer at once.
  if (synced) localStorage.setItem("fl_last_sync", synced);
  const state = {
    pending: await pending(),
    conflicts: await conflicts(),
    lastSync: lastSync(),
    blocked: await blocked(),
  };
  listeners.forEach((callback) => callback(state));
}

async function askForBackgroundSync() {
  // Where supported, the browser wakes the worker when the network returns even if the app was
  // closed meanwhile; elsewhere the pages send on "online", on load and every few seconds.
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/");
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // Not allowed (e.g. no worker yet): the page's own retries still run.
  }
}

let flushing = null;
let again = false;

/** Sends the queued writes in order; stops at the first one the network could not carry. */
export function flush() {
  if (user === undefined) return Promise.resolve();
  if (flushing) {
    again = true; // a write queued during a run is sent by a run right after it
    return flushing;
  }
  flushing = core
    .flush(csrf)
    .catch(() => ({ stopped: "error" }))
    .then((result) => {
      flushing = null;
      notify();
      if (again && !result?.stopped) {
        again = false;
        return flush();
      }
      again = false;
      return undefined;
    });
  return flushing;
}

new BroadcastChannel(core.CHANNEL).addEventListener("message", (event) => {
  if (event.data?.type === "delivered") deliveredListeners.forEach((callback) => callback(event.data));
  notify();
});
window.addEventListener("online", () => flush());
setInterval(() => {
  if (navigator.onLine) flush();
}, RETRY_EVERY_MS);
