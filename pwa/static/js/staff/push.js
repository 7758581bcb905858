// Job alerts by Web Push: subscribed only after the engineer taps the button (browsers ask for
// permission only after a user gesture), then the subscription is given to the server. The
// worker (sw.js) shows every push as a notification and opens the job when it is tapped.
import { api } from "../shared/session.js";
import { registerWorker } from "./register.js";
import { say } from "../shared/text.js";

const REMEMBERED = "fl-push-endpoint"; // the endpoint this phone gave the server
// A browser that cannot reach its push service may never answer subscribe(): give up after this.
const SUBSCRIBE_PATIENCE_MS = 20_000;

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function onIosTab() {
  // Safari on iPhone and iPad offers push only to apps added to the Home Screen.
  return /iPhone|iPad|iPod/.test(navigator.userAgent) && !navigator.standalone;
}

async function currentSubscription() {
  const registration = await registerWorker();
  return registration ? registration.pushManager.getSubscription() : null;
}

async function turnOn() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return permission === "denied" ? "denied" : "dismissed";
  const registration = await registerWorker();
  if (!registration) return "failed";
  const key = await fetch("/api/public/push/key").then((r) => r.json());
  const subscribing = registration.pushManager.subscribe({
    userVisibleOnly: true, // every push shows a notification: the worker promises that
    applicationServerKey: keyBytes(key.public_key),
  });
  const subscription = await Promise.race([
    subscribing,
    new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), SUBSCRIBE_PATIENCE_MS)),
  ]);
  const saved = await api("POST", "/api/push/subscriptions", subscription.toJSON());
  if (!saved.ok) return "failed";
  localStorage.setItem(REMEMBERED, subscription.endpoint);
  return "on";
}

async function turnOff() {
  const subscription = await currentSubscription();
  if (subscription) {
    await api("DELETE", "/api/push/subscriptions", { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }
  localStorage.removeItem(REMEMBERED);
  return "stopped";
}

/** Wires the alerts button and its note (#push, #push-note). */
export async function wirePush(button, note) {
  const show = (state) => {
    button.dataset.state = state;
    const on = state === "on";
    button.textContent = say(on ? "push.off_button" : "push.on_button");
    button.disabled = false;
    button.hidden = ["unsupported", "ios", "denied"].includes(state);
    if (state !== "idle") note.textContent = say(`push.${state}`);
  };
  if (onIosTab() || !supported()) {
    show(onIosTab() ? "ios" : "unsupported");
    return;
  }
  if (Notification.permission === "denied") {
    show("denied");
    return;
  }
  const existing = await currentSubscription().catch(() => null);
  show(existing && existing.endpoint === localStorage.getItem(REMEMBERED) ? "on" : "idle");

  button.addEventListener("click", async () => {
    const wasOn = button.dataset.state === "on";
    button.disabled = true;
    button.textContent = say("push.wait");
    let state;
    try {
      state = wasOn ? await turnOff() : await turnOn();
    } catch {
      state = "failed"; // no push service reachable, or it refused
    }
    show(state === "dismissed" ? "idle" : state);
  });
}
