// The route of a day: the line on a map and its length (both from GET /api/users/{id}/route).
import { $ } from "./dom.js";
import { makeMap } from "./map.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, me, startShell } from "./shell.js";
import { isoDay, number, say, time } from "../shared/text.js";

await startShell();
let map = null;
let line = null;

async function show(date) {
  const found = await load(`/api/users/${me.id}/route?date=${date}`);
  const km = $("route-km");
  if (!found.ok) {
    km.textContent = say("load_failed");
    return;
  }
  const { geometry, properties } = found.data;
  km.dataset.km = String(properties.distance_km);
  km.textContent = say("route.km", { km: number(properties.distance_km, 2) });
  const facts = $("route-facts");
  if (!geometry) {
    facts.textContent = say("route.none");
  } else {
    facts.textContent = say("route.facts", {
      used: properties.points_used,
      points: properties.points,
      start: time(properties.started_at),
      end: time(properties.ended_at),
    });
  }
  map ??= makeMap($("route-map"), me.tileUrl);
  if (!map) return;
  line?.remove();
  line = null;
  if (!geometry) return;
  // GeoJSON is [lng, lat]; Leaflet wants [lat, lng].
  const points = geometry.coordinates.map(([lng, lat]) => [lat, lng]);
  line = window.L.polyline(points, { color: "#0f5c8c", weight: 5 }).addTo(map);
  map.fitBounds(line.getBounds(), { padding: [24, 24], maxZoom: 16 });
}

const picker = $("route-date");
picker.value = isoDay();
picker.max = isoDay();
picker.addEventListener("change", () => picker.value && show(picker.value));
startRepTracking();
await show(picker.value);
await keepOffline([`/api/users/${me.id}/route?date=${picker.value}`]);
