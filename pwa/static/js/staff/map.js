// Maps with Leaflet (from the npm registry, served at /vendor/leaflet). The tile address is a
// setting (FIELDLINE_TILE_URL); without tiles, or without Leaflet at all, the page still works:
// markers and lines show on a blank map, or the map gives way to a note.
import { say } from "../shared/text.js";

const BRAND = "#0f5c8c";

/** A map in `container`, or null (with a note in its place) when Leaflet could not load. */
export function makeMap(container, tileUrl) {
  const L = window.L;
  if (!L) {
    container.classList.add("unavailable");
    container.textContent = say("map.unavailable");
    return null;
  }
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  const osm = /openstreetmap\.org/.test(tileUrl);
  const tiles = L.tileLayer(tileUrl, {
    maxZoom: 19,
    attribution: osm ? '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' : "",
  });
  // One note per map the first time a tile fails: offline, blocked, or a wrong tile address.
  tiles.once("tileerror", () => {
    container.classList.add("no-tiles");
    const note = container.parentElement?.querySelector(".map-note");
    if (note) note.hidden = false;
  });
  tiles.addTo(map);
  map.setView([31.2304, 121.4737], 11); // until fitted to what it shows
  return map;
}

/** A round marker (no images to load) with a label. */
export function dot(map, lat, lng, label, colour = BRAND) {
  if (!map) return null;
  return window.L.circleMarker([lat, lng], { radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 })
    .bindTooltip(label)
    .addTo(map);
}

/** Shows every [lat, lng] in `points`. */
export function fit(map, points) {
  if (!map || !points.length) return;
  if (points.length === 1) map.setView(points[0], 15);
  else map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
}
