// One visit: check in with GPS (distance to the customer, on or off site), notes, outcome, next
// step, check-out. A check-in made offline shows the phone's own distance estimate until synced.
import { $, fillWith, h, showError } from "./dom.js";
import { locate, metresBetween } from "./geo.js";
import { dot, fit, makeMap } from "./map.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, me, showRecord, startShell } from "./shell.js";
import { dateTime, distance, say, table } from "../shared/text.js";
import { checkIn, checkOut, seenVisit } from "./visits.js";

const outbox = await startShell();
const visitId = Number($("visit").dataset.visitId);
let visit = null;
let pending = [];
let map = null;
let layers = [];

function checkInText(seen) {
  if (visit.distance_m != null) {
    return say(visit.on_site ? "visit.on_site" : "visit.off_site", { distance: distance(visit.distance_m) });
  }
  if (seen.checkIn && visit.lat != null) {
    return say("visit.estimate", { distance: distance(metresBetween(seen.checkIn, visit)) });
  }
  if (seen.status !== "planned" && visit.lat == null) return say("visit.no_position");
  return "";
}

function renderMap(seen) {
  map ??= makeMap($("visit-map"), me.tileUrl);
  if (!map) return;
  layers.forEach((layer) => layer.remove());
  const points = [];
  if (visit.lat != null) {
    layers = [dot(map, visit.lat, visit.lng, visit.account_name)];
    points.push([visit.lat, visit.lng]);
  } else layers = [];
  const at = visit.checkin_lat != null ? { lat: visit.checkin_lat, lng: visit.checkin_lng } : seen.checkIn;
  if (at) {
    layers.push(dot(map, at.lat, at.lng, say("visit.your_check_in"), visit.on_site === false ? "#b3261e" : "#1b6b34"));
    points.push([at.lat, at.lng]);
  }
  fit(map, points);
}

function render() {
  if (!visit) return;
  const seen = seenVisit(visit, pending);
  $("visit-title").textContent = visit.account_name;
  $("visit-when").textContent = say("visits.planned_at", { time: dateTime(visit.planned_at) });
  const chip = $("visit-status");
  chip.textContent = table("visit_status")[seen.status] || seen.status;
  chip.className = `chip visit-${seen.status}`;
  chip.dataset.status = seen.status;
  $("visit-grade").textContent = say("grade", { grade: visit.grade });
  $("visit-address").textContent = visit.address || "";

  const result = $("checkin-result");
  result.textContent = checkInText(seen);
  result.className = visit.on_site === false ? "flag" : visit.on_site ? "ok" : "";
  result.dataset.onSite = visit.on_site == null ? "" : String(visit.on_site);
  if (visit.checkin_at) result.append(h("br"), h("small", {}, say("visit.checked_in_at", { time: dateTime(visit.checkin_at) })));
  $("checkin-button").hidden = seen.status !== "planned";
  $("checkout").hidden = seen.status !== "checked_in";
  const done = seen.status === "checked_out";
  $("summary").hidden = !done;
  if (done) {
    const queued = pending.find((entry) => entry.meta?.visit === visit.id && entry.meta.action === "check-out");
    const notes = queued ? queued.body : visit;
    fillWith($("summary-facts"),
      [[say("visit.notes"), notes.notes], [say("visit.outcome"), table("outcomes")[notes.outcome] || notes.outcome],
        [say("visit.next_step"), notes.next_step],
        [say("visit.checked_out"), visit.checkout_at ? dateTime(visit.checkout_at) : say("waiting")]]
        .filter(([, value]) => value)
        .flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
  }
  renderMap(seen);
}

$("checkin-button").addEventListener("click", async () => {
  const button = $("checkin-button");
  showError($("checkin-error"), "");
  button.disabled = true;
  try {
    // Off site is allowed: the check-in is kept and flagged for the supervisor by the server.
    await checkIn(visit, await locate());
  } catch (problem) {
    showError($("checkin-error"), problem.message);
  } finally {
    button.disabled = false;
  }
});

$("checkout-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const body = {};
  for (const name of ["notes", "outcome", "next_step"]) {
    const value = form.elements.namedItem(name).value.trim();
    if (value) body[name] = value;
  }
  checkOut(visit, body);
});

async function refresh() {
  const found = await load(`/api/visits/${visitId}`);
  const loaded = showRecord(found, "visit", visit);
  if (!loaded) return;
  visit = loaded;
  render();
}

outbox.subscribe((state) => {
  const before = pending.length;
  pending = state.pending;
  render();
  if (pending.length < before) refresh();
});

startRepTracking();
await refresh();
await keepOffline([`/api/visits/${visitId}`, "/rep"]);
