// A point picked on a map: <div data-place="lat_name lng_name"> inside a form. A click sets both
// fields; the marker drags; typing in the fields moves the marker; [data-place-clear] empties
// them. The fields are what the form sends, so the map is a convenience, never the only way.
import { officeMap } from "./map.js";

const DIGITS = 6; // about 10 cm: more is noise

for (const container of document.querySelectorAll("[data-place]")) {
  const form = container.closest("form");
  const [latName, lngName] = container.dataset.place.split(" ");
  const lat = form.elements[latName];
  const lng = form.elements[lngName];
  const map = officeMap(container);
  if (!map) continue;
  const L = window.L;
  let marker = null;

  const typed = () => {
    const point = [Number(lat.value), Number(lng.value)];
    const ok = lat.value.trim() !== "" && lng.value.trim() !== "" && point.every(Number.isFinite)
      && Math.abs(point[0]) <= 90 && Math.abs(point[1]) <= 180;
    return ok ? point : null;
  };
  const show = (point, pan) => {
    if (!point) {
      marker?.remove();
      marker = null;
      return;
    }
    if (!marker) {
      // A draggable marker needs an icon; a divIcon is drawn by CSS, no image to load.
      marker = L.marker(point, {
        draggable: true,
        keyboard: true,
        icon: L.divIcon({ className: "place-pin", iconSize: [18, 18] }),
      }).addTo(map);
      marker.on("dragend", () => write(marker.getLatLng()));
    } else marker.setLatLng(point);
    if (pan) map.setView(point, Math.max(map.getZoom(), 13));
  };
  const write = (latlng) => {
    lat.value = latlng.lat.toFixed(DIGITS);
    lng.value = latlng.lng.toFixed(DIGITS);
    for (const input of [lat, lng]) input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  map.on("click", (event) => {
    write(event.latlng);
    show([event.latlng.lat, event.latlng.lng], false);
  });
  for (const input of [lat, lng]) input.addEventListener("change", () => show(typed(), true));
  form.querySelector("[data-place-clear]")?.addEventListener("click", () => {
    lat.value = "";
    lng.value = "";
    show(null);
  });
  show(typed(), true);
}
