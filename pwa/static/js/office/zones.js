// Every zone on one map; a zone's outline opens its page.
import { officeMap } from "./map.js";

const container = document.getElementById("zones-map");
const map = officeMap(container);
if (map) {
  const L = window.L;
  const zones = JSON.parse(container.dataset.zones || "[]");
  const all = [];
  for (const zone of zones) {
    L.polygon(zone.boundary, { color: "#0f5c8c", weight: 2, fillOpacity: 0.12 })
      .bindTooltip(zone.name, { sticky: true })
      .on("click", () => window.location.assign(`/zones/${zone.id}`))
      .addTo(map);
    all.push(...zone.boundary);
  }
  if (all.length) map.fitBounds(all, { padding: [24, 24], maxZoom: 14 });
}
