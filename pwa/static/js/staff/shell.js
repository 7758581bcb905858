// What every page of the staff app shares: who is signed in, the outbox's state on screen, the
// offline banner, sign-out, reading the API (from the worker's saved copy when offline), and
// asking the worker to keep the day's pages and data.
import { api } from "../shared/session.js";
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { registerWorker } from "./register.js";
import { lang, say, sayCount, table, template, time } from "../shared/text.js";

export const me = {
  id: Number(document.body.dataset.userId),
  app: document.body.dataset.app,
  tileUrl: document.body.dataset.tileUrl,
};

/** GET a JSON API path: {ok, status, data, saved}; saved says it is the worker's offline copy. */
export async function load(path) {
  try {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) {
      window.location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    }
    const data = await response.json().catch(() => null);
    const saved = response.headers.has("X-Fieldline-Saved");
    if (saved) $("saved-banner").hidden = false;
    return { ok: response.ok, status: response.status, data, saved };
  } catch {
    return { ok: false, status: 0, data: null, saved: false };
  }
}

// --- the outbox on screen ----------------------------------------------------------------------

function conflictText(entry) {
  const key = entry.status === 404 || entry.status === 409 ? `conflict.${entry.status}` : "conflict.other";
  return say(key, { what: entry.label });
}

function renderSync(state) {
  const waiting = state.pending.length;
  const chip = $("sync-chip");
  chip.hidden = waiting === 0 && state.conflicts.length === 0;
  chip.textContent = state.conflicts.length ? `! ${waiting}` : `⟳ ${waiting}`;
  chip.classList.toggle("bad", state.conflicts.length > 0);
  chip.setAttribute("aria-label", sayCount("sync.waiting", waiting));
  $("sync").dataset.pending = String(waiting);
  $("sync-state").textContent = waiting ? sayCount("sync.waiting", waiting) : say("sync.all_sent");
  const last = $("sync-last");
  last.textContent = state.lastSync ? say("sync.last", { time: time(state.lastSync) }) : say("sync.never");
  fillWith(
    $("sync-pending"),
    state.pending.map((entry) => h("li", { class: "pending" }, entry.label)),
    state.blocked === "signed-out" && waiting
      ? h("li", { class: "error" }, say("sync.signed_out"), " ",
          h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, say("sync.sign_in")))
      : null,
  );
  fillWith(
    $("sync-conflicts"),
    state.conflicts.map((entry) =>
      h("li", { class: "conflict", role: "alert" },
        h("span", {}, conflictText(entry)),
        entry.detail ? h("small", { lang: "en" }, ` (${entry.detail})`) : null,
        h("button", { type: "button", class: "link", onclick: () => outbox.dismissConflict(entry.seq) },
          say("sync.dismiss")),
      ),
    ),
  );
}

function showOnline() {
  $("offline-banner").hidden = navigator.onLine;
  document.body.classList.toggle("is-offline", !navigator.onLine);
}

async function signOut() {
  if ((await outbox.pending()).length && !window.confirm(say("logout.pending"))) return;
  await api("POST", "/api/auth/logout");
  // The next person on this phone must not see this one's saved pages and data.
  await caches.delete("fieldline-data").catch(() => undefined);
  window.location.assign("/login");
}

// --- the service worker ------------------------------------------------------------------------

async function tellWorker(message) {
  const registration = await registerWorker();
  const worker = registration?.active;
  if (!worker) return false;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(Boolean(event.data?.ok));
    worker.postMessage(message, [channel.port2]);
  });
}

/**
 * Asks the worker to keep these pages and API answers for offline use. When done, the body gets
 * data-offline-ready, which is how a test (or a curious user in DevTools) knows.
 */
// One record's page (a job, a visit), from load()'s answer: the record shown and returned, or
// "missing" (gone, or not this user's), or "could not load" while nothing was shown yet.
export function showRecord(found, name, shown) {
  $(`${name}-loading`).hidden = true;
  if (found.ok) {
    $(name).hidden = false;
    return found.data;
  }
  if (found.status === 404 || found.status === 403) {
    $(name).hidden = true;
    $(`${name}-missing`).hidden = false;
  } else if (!shown) {
    $(`${name}-loading`).hidden = false;
    $(`${name}-loading`).textContent = say("load_failed");
  }
  return null;
}

export async function keepOffline(urls) {
  const unique = [...new Set([location.pathname, ...urls])];
  if (await tellWorker({ type: "warm", urls: unique })) document.body.dataset.offlineReady = "1";
}

async function handPushTexts() {
  // The worker shows job offers in the user's language; it cannot ask the server for words
  // while waking up for a push, so the page leaves them in IndexedDB on every visit.
  const core = self.fieldlineOutbox;
  await core.setMeta("push-texts", {
    lang,
    offerTitle: template("push.offer_title"),
    offerBody: template("push.offer_body"),
    statusTitle: template("push.status_title"),
    statuses: table("job_status"),
    taskTitle: template("push.task_title"),
    taskRules: table("task_rules"),
    sales: table("sales").push || {},
  });
}

/** Starts the shared parts; resolves once the outbox knows whose writes it sends. */
export async function startShell() {
  $("logout").addEventListener("click", signOut);
  window.addEventListener("online", showOnline);
  window.addEventListener("offline", showOnline);
  showOnline();
  if (new URLSearchParams(location.search).has("lang")) {
    // The choice is in the cookie now; a clean address is the one the worker keeps.
    history.replaceState(null, "", location.pathname + location.hash);
  }
  await outbox.setUser(me.id);
  outbox.subscribe(renderSync);
  await handPushTexts().catch(() => undefined);
  return outbox;
}
