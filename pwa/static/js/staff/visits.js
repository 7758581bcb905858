// What the rep's pages share about a visit: its state as the rep sees it (the server's, moved on
// by check-ins and check-outs still in the outbox).
import * as outbox from "./outbox.js";
import { say } from "../shared/text.js";

/** {status, waiting, checkIn}: checkIn is the queued check-in's position, if one waits. */
export function seenVisit(visit, pending) {
  const mine = pending.filter((entry) => entry.meta?.visit === visit.id);
  const checkIn = mine.find((entry) => entry.meta.action === "check-in");
  const checkOut = mine.find((entry) => entry.meta.action === "check-out");
  let status = visit.status;
  if (checkIn && status === "planned") status = "checked_in";
  if (checkOut) status = "checked_out";
  return { status, waiting: mine.length > 0, checkIn: checkIn?.body || null };
}

export function checkIn(visit, position) {
  const body = { lat: position.lat, lng: position.lng, accuracy: position.accuracy, at: position.at };
  return outbox.send("POST", `/api/visits/${visit.id}/check-in`, body,
    say("label.check_in", { account: visit.account_name }), { visit: visit.id, action: "check-in" });
}

export function checkOut(visit, body) {
  // When it happened, not when it reached the server: it may wait offline for hours.
  body.at = new Date().toISOString();
  return outbox.send("POST", `/api/visits/${visit.id}/check-out`, body,
    say("label.check_out", { account: visit.account_name }), { visit: visit.id, action: "check-out" });
}
