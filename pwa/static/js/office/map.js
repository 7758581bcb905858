// Maps of the back office's forms (Leaflet from /vendor/leaflet, loaded by the page before its
// modules). Tiles come from the tile setting (data-tile-url); without them (offline, blocked)
// the map stays usable as a grid to click on, and the note after it says why it is blank.
const SHANGHAI = [31.2304, 121.4737];

/** A Leaflet map in `container`, or null when Leaflet did not load (the fields still work). */
export function officeMap(container, { zoom = 11 } = {}) {
  const L = window.L;
  if (!L) return null;
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  const url = container.dataset.tileUrl;
  const tiles = L.tileLayer(url, {
    maxZoom: 19,
    attribution: /openstreetmap\.org/.test(url) ? "&copy; OpenStreetMap contributors" : "",
  });
  tiles.once("tileerror", () => {
    container.classList.add("no-tiles");
    const note = container.nextElementSibling;
    if (note?.classList.contains("map-note")) note.hidden = false;
  });
  tiles.addTo(map);
  map.setView(SHANGHAI, zoom);
  return map;
}

/** A round marker that needs no image files. */
export function pin(L, latlng, options = {}) {
  return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#0f5c8c", fillOpacity: 1, ...options });
}
