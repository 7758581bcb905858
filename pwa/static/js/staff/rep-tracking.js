// A rep's route is recorded on every page of the app while the switch (#tracking, on the home
// page) is on and the app is open; the choice is remembered on this phone.
import { $ } from "./dom.js";
import * as tracker from "./tracker.js";

const KEY = "fl-tracking";

function apply(on) {
  localStorage.setItem(KEY, on ? "1" : "0");
  if (on) tracker.start();
  else tracker.stop();
}

export function startRepTracking() {
  const button = $("tracking");
  const state = $("tracking-state");
  tracker.onTracking((now) => {
    if (button) button.setAttribute("aria-checked", String(now.on));
    if (state) state.textContent = tracker.describe(now);
  });
  button?.addEventListener("click", () => apply(button.getAttribute("aria-checked") !== "true"));
  apply(localStorage.getItem(KEY) === "1");
}
