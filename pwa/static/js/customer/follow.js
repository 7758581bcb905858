// "Notify me of updates" on the tracking page: this browser follows the request by Web Push.
// The worker (/sw.js) shows the pushes; this module asks for permission, subscribes, and tells
// the API. The server keeps one request per browser: following another one replaces it.

const WORKER = "/sw.js";
const KEY_URL = "/api/public/push/key";
const REMEMBERED = "fl-follow:"; // + work order id → the push endpoint that follows it
// A phone that cannot reach its push service (no Google services, a blocking network) may never
// settle subscribe(): the customer gets an answer instead of a button that spins forever.
const SUBSCRIBE_TIMEOUT_MS = 20_000;
const WORKER_TIMEOUT_MS = 10_000;

function support() {
  const able = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (able) return Notification.permission === "denied" ? "denied" : "ok";
  // iOS (and iPadOS, which calls itself a Mac) offers Push only to apps on the Home Screen.
  const agent = navigator.userAgent;
  const apple = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
  return apple ? "ios" : "unsupported";
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (char) => char.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  const old = buffer ? new Uint8Array(buffer) : new Uint8Array();
  return old.length === bytes.length && old.every((byte, i) => byte === bytes[i]);
}

function withTimeout(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// Settles once the worker has stored the texts, so a push right after subscribing finds them.
function tellWorker(worker, message) {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => (event.data?.ok ? resolve() : reject(new Error(event.data?.error)));
    worker.postMessage(message, [channel.port2]);
  });
}

// localStorage can be switched off (or full); following still works, only not remembered.
const memory = {
  recall(id) {
    try {
      return localStorage.getItem(REMEMBERED + id);
    } catch {
      return null;
    }
  },
  keep(id, endpoint) {
    try {
      // The server moved this endpoint to this request, so no other request is followed any more.
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith(REMEMBERED) && localStorage.getItem(key) === endpoint) localStorage.removeItem(key);
      }
      localStorage.setItem(REMEMBERED + id, endpoint);
    } catch {
      // not remembered: the next visit shows the button again
    }
  },
  forget(id) {
    try {
      localStorage.removeItem(REMEMBERED + id);
    } catch {
      // nothing was kept
    }
  },
};

/**
 * Wires the #follow block of the tracking page.
 * api: {say(key), sendJson(method, url, body), problem(result)} from device.js, so messages and
 * failed answers read the same as everywhere else on the page.
 */
export function wireFollow(widget, api) {
  const { say, sendJson, problem } = api;
  const id = widget.dataset.workOrder;
  const idle = widget.querySelector("[data-idle]");
  const on = widget.querySelector("[data-on]");
  const note = widget.querySelector("[data-follow-note]");
  const texts = JSON.parse(document.getElementById("fl-push")?.textContent || "{}");

  function show(state, message = "", failed = false) {
    idle.hidden = state !== "idle";
    on.hidden = state !== "on";
    note.textContent = message;
    // The page's one look for "this did not work", as under the forms.
    note.classList.toggle("form-error", failed);
    note.classList.toggle("hint", !failed);
    widget.dataset.state = state; // for tests and styles: idle | on | none
  }

  async function busy(button, work) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = say("push.wait");
    try {
      await work();
    } catch {
      // A browser API failing in a way not handled above: say so, keep the page usable.
      show(widget.dataset.state || "idle", say("push.failed"), true);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  // Returns {subscription}, or {message} saying why there is none.
  async function subscribe() {
    let registration;
    try {
      await navigator.serviceWorker.register(WORKER, { scope: "/" });
      registration = await withTimeout(navigator.serviceWorker.ready, WORKER_TIMEOUT_MS);
      const record = { workOrderId: Number(id), url: widget.dataset.url, lang: document.documentElement.lang };
      const told = tellWorker(registration.active, { type: "follow", follow: { ...record, ...texts } });
      await withTimeout(told, WORKER_TIMEOUT_MS);
    } catch {
      return { message: say("push.failed") };
    }
    const answer = await sendJson("GET", KEY_URL);
    if (answer.status !== 200) return { message: problem(answer) };
    const key = keyBytes(answer.data.public_key);
    try {
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
        // Made for another server key (it was rotated): the push service would refuse our pushes.
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await withTimeout(
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        SUBSCRIBE_TIMEOUT_MS,
      );
      return { subscription };
    } catch {
      return { message: say("push.failed") };
    }
  }

  async function follow() {
    // Asked first, while the tap still counts as one: Safari refuses a request made later.
    const permission = await Notification.requestPermission();
    if (permission === "denied") return show("none", say("push.denied"), true);
    if (permission !== "granted") return show("idle", say("push.dismissed"));
    const { subscription, message } = await subscribe();
    if (!subscription) return show("idle", message, true);
    const result = await sendJson("POST", widget.dataset.action, subscription.toJSON());
    if (result.status !== 201) return show("idle", problem(result), true);
    memory.keep(id, subscription.endpoint);
    show("on");
  }

  async function unfollow() {
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = await registration?.pushManager.getSubscription();
    const endpoint = subscription?.endpoint || memory.recall(id);
    if (endpoint) {
      const result = await sendJson("DELETE", widget.dataset.action, { endpoint });
      // 404: the server had already let go (another request followed since, or the QR rotated).
      if (result.status !== 204 && result.status !== 404) return show("on", problem(result), true);
    }
    // Also ends the browser's subscription, so nothing can push to it any more. When the staff
    // app shares this worker it subscribes again on its own start.
    await subscription?.unsubscribe().catch(() => false);
    registration?.active?.postMessage({ type: "unfollow", workOrderId: Number(id) });
    memory.forget(id);
    show("idle", say("push.stopped"));
  }

  // What this browser can do, and whether it already follows this request.
  async function restore() {
    const able = support();
    if (able === "ios") return show("none", say("push.ios"));
    if (able === "unsupported") return show("none", say("push.unsupported"));
    if (able === "denied") return show("none", say("push.denied"));
    const endpoint = memory.recall(id);
    if (endpoint && Notification.permission === "granted") {
      const registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
      const current = await registration?.pushManager.getSubscription().catch(() => null);
      if (current?.endpoint === endpoint) return show("on");
    }
    memory.forget(id); // the browser or the customer ended it meanwhile
    show("idle");
  }

  const followButton = widget.querySelector("[data-follow]");
  const stopButton = widget.querySelector("[data-unfollow]");
  followButton.addEventListener("click", () => busy(followButton, follow));
  stopButton.addEventListener("click", () => busy(stopButton, unfollow));
  restore();
}
