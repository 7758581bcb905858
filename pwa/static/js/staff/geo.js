// The phone's position, from the Geolocation API, with the reasons it can fail said in words.
import { say } from "../shared/text.js";

/** One fix: {lat, lng, accuracy, at}; rejects with an Error whose message is for the user. */
export function locate() {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error(say("geo.unsupported")));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve(fix(position)),
      (error) => reject(new Error(say(error.code === error.PERMISSION_DENIED ? "geo.denied" : "geo.unavailable"))),
      // A fresh fix matters for an arrival or a check-in; a minute-old one is good enough.
      { enableHighAccuracy: true, maximumAge: 60_000, timeout: 20_000 },
    );
  });
}

export function fix(position) {
  return {
    lat: position.coords.latitude,
    lng: position.coords.longitude,
    accuracy: position.coords.accuracy,
    at: new Date(position.timestamp || Date.now()).toISOString(),
  };
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (degrees) => (degrees * Math.PI) / 180;

/**
 * Great-circle distance in metres (haversine): the phone's estimate shown before the server,
 * which measures on the ellipsoid, has answered. The two differ by well under 1 %.
 */
export function metresBetween(a, b) {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(s));
}
