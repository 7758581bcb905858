// A zone's polygon drawn on a Leaflet map, with Leaflet alone (no drawing plugin): a click on
// the map adds a corner after the last; corners drag; a click on a corner removes it; a pale dot
// in the middle of each edge, dragged or clicked, becomes a new corner there. The corners are
// also the text field (one "lat, lng" per line), so the keyboard can do everything the mouse
// can; the form sends them as `boundary` and the API judges the shape (a crossing → 400).
import { officeMap } from "./map.js";

const RED = "#c0392b";
const DIGITS = 6;
const container = document.getElementById("zone-map");
const text = document.getElementById("f-boundary");
const hidden = document.getElementById("boundary-json");
const count = document.getElementById("corner-count");
const editable = container.dataset.editable === "true";
const map = officeMap(container, { zoom: 12 });

/** The corners the text holds; a line that is not two numbers stays as it is (the API names it). */
function parse() {
  return text.value.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const parts = line.split(/[,，\s]+/).filter(Boolean).map(Number);
    return parts.length === 2 && parts.every(Number.isFinite) ? parts : line;
  });
}

let corners = parse();

function sync() {
  if (hidden) hidden.value = JSON.stringify(corners);
  if (count) count.textContent = `(${corners.length})`;
}

function writeText() {
  text.value = corners.map((c) => (Array.isArray(c) ? `${c[0]}, ${c[1]}` : c)).join("\n");
  sync();
}

const points = () => corners.filter(Array.isArray);
const round = (latlng) => [Number(latlng.lat.toFixed(DIGITS)), Number(latlng.lng.toFixed(DIGITS))];

if (map) {
  const L = window.L;
  const others = JSON.parse(container.dataset.others || "[]");
  const bounds = [];
  for (const zone of others) {
    L.polygon(zone.boundary, { color: "#5b6b7b", weight: 1, fillOpacity: 0.06, interactive: false })
      .bindTooltip(zone.name, { permanent: false })
      .addTo(map);
    bounds.push(...zone.boundary);
  }
  const shape = L.polygon([], { color: RED, weight: 2, fillOpacity: 0.15 }).addTo(map);
  const handles = L.layerGroup().addTo(map);

  const icon = (className) => L.divIcon({ className, iconSize: className === "middle-pin" ? [12, 12] : [16, 16] });

  function draw() {
    const ring = points();
    shape.setLatLngs(ring);
    handles.clearLayers();
    if (!editable) return;
    ring.forEach((corner, i) => {
      const marker = L.marker(corner, { draggable: true, keyboard: true, icon: icon(i === 0 ? "corner-pin first" : "corner-pin") });
      marker.on("drag", () => shape.setLatLngs(ring.map((c, j) => (j === i ? marker.getLatLng() : c))));
      marker.on("dragend", () => {
        corners[corners.indexOf(corner)] = round(marker.getLatLng());
        changed();
      });
      marker.on("click", () => {
        corners.splice(corners.indexOf(corner), 1);
        changed();
      });
      handles.addLayer(marker);
    });
    if (ring.length < 2) return;
    ring.forEach((corner, i) => {
      const next = ring[(i + 1) % ring.length];
      if (ring.length === 2 && i === 1) return; // a line has one middle, not two
      const middle = [(corner[0] + next[0]) / 2, (corner[1] + next[1]) / 2];
      const dot = L.marker(middle, { draggable: true, icon: icon("middle-pin") });
      const insert = (latlng) => {
        corners.splice(corners.indexOf(corner) + 1, 0, round(latlng));
        changed();
      };
      dot.on("dragend", () => insert(dot.getLatLng()));
      dot.on("click", () => insert(L.latLng(middle[0], middle[1])));
      handles.addLayer(dot);
    });
  }

  function changed() {
    writeText();
    draw();
  }

  if (editable) {
    map.on("click", (event) => {
      corners.push(round(event.latlng));
      changed();
    });
    document.getElementById("undo-corner")?.addEventListener("click", () => {
      corners.pop();
      changed();
    });
    document.getElementById("clear-corners")?.addEventListener("click", () => {
      corners = [];
      changed();
    });
    text.addEventListener("input", () => {
      corners = parse();
      sync();
      draw();
    });
  }
  draw();
  const own = points();
  if (own.length) map.fitBounds(own, { padding: [32, 32], maxZoom: 15 });
  else if (bounds.length) map.fitBounds(bounds, { padding: [32, 32], maxZoom: 13 });
}
sync();
