// Route tracking while the app is open: watchPosition, fixes filtered by accuracy and movement,
// sent in batches through the outbox (so a batch made offline is sent later, once). A web app
// cannot track in the background: the pages say so, and nothing here pretends otherwise.
import { fix, metresBetween } from "./geo.js";
import * as outbox from "./outbox.js";
import { say, sayCount } from "../shared/text.js";

// Fixes worse than this say little about where the person went (the server drops them too).
const MAX_ACCURACY_M = 100;
// Standing still: a fix this close to the last one kept is the same place…
const MIN_MOVE_M = 15;
// …unless this much time has passed, so a long stop still shows on the route.
const STILL_EVERY_MS = 5 * 60_000;
const BATCH_SIZE = 10;
const BATCH_EVERY_MS = 60_000;

const listeners = new Set();
let watchId = null;
let timer = null;
let buffer = [];
let last = null;
let kept = 0;
let failed = false;

function tell() {
  const state = { on: watchId !== null, kept, waiting: buffer.length, failed };
  listeners.forEach((callback) => callback(state));
}

/** Calls back with {on, kept, waiting, failed} whenever tracking changes. */
export function onTracking(callback) {
  listeners.add(callback);
  tell();
  return () => listeners.delete(callback);
}

/** The state as words, for the pages' status line. */
export function describe(state) {
  if (!state.on) return say("tracking.off");
  if (state.failed) return say("tracking.error");
  return say("tracking.on", { kept: state.kept, waiting: state.waiting });
}

function keep(position) {
  failed = false;
  const point = fix(position);
  if (!(point.accuracy <= MAX_ACCURACY_M)) {
    tell();
    return;
  }
  if (last) {
    const moved = metresBetween(last, point);
    const waited = Date.parse(point.at) - Date.parse(last.at);
    if (moved < MIN_MOVE_M && waited < STILL_EVERY_MS) return;
  }
  last = point;
  kept += 1;
  buffer.push({ at: point.at, lat: point.lat, lng: point.lng, accuracy: point.accuracy });
  if (buffer.length >= BATCH_SIZE) send();
  tell();
}

/** Queues the fixes gathered so far as one batch. */
export function send() {
  if (!buffer.length) return;
  const pings = buffer;
  buffer = [];
  outbox.send("POST", "/api/me/locations", { pings }, sayCount("label.pings", pings.length), {
    pings: pings.length,
  });
  tell();
}

export function start() {
  if (watchId !== null || !("geolocation" in navigator)) return;
  watchId = navigator.geolocation.watchPosition(
    keep,
    () => {
      failed = true;
      tell();
    },
    { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
  );
  timer = setInterval(() => {
    if (buffer.length && Date.now() - Date.parse(buffer[0].at) >= BATCH_EVERY_MS) send();
  }, 5_000);
  tell();
}

export function stop() {
  if (watchId === null) return;
  navigator.geolocation.clearWatch(watchId);
  clearInterval(timer);
  watchId = null;
  send();
  tell();
}

// The page may be closed after this: what was gathered goes into the outbox (IndexedDB) now.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") send();
});
window.addEventListener("pagehide", send);
