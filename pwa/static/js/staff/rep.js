// The rep's day: today's visits as a list and on a map, planning a visit, route tracking.
import { $, fillWith, h, showError } from "./dom.js";
import { dot, fit, makeMap } from "./map.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, me, startShell } from "./shell.js";
import { dateTime, day, distance, isoDay, say, table, time } from "../shared/text.js";
import { seenVisit } from "./visits.js";

const outbox = await startShell();
const VISITS = `/api/visits?rep_id=${me.id}&date=${isoDay()}&limit=100`;
const ACCOUNTS = `/api/accounts?owner_id=${me.id}&limit=200`;
let visits = [];
let accounts = [];
let pending = [];
let map = null;
let markers = [];

function statusChip(visit, seen) {
  const statuses = table("visit_status");
  const chips = [h("span", { class: `chip visit-${seen.status}` }, statuses[seen.status] || seen.status)];
  if (visit.on_site === false) chips.push(h("span", { class: "chip bad" }, say("visit.off_site_tag")));
  if (visit.on_site === true) chips.push(h("span", { class: "chip ok" }, say("visit.on_site_tag")));
  if (seen.waiting) chips.push(h("span", { class: "chip waiting" }, say("waiting")));
  return chips;
}

function renderVisits() {
  const planned = pending.filter((entry) => entry.meta?.plan);
  $("visits-empty").hidden = visits.length + planned.length > 0;
  fillWith($("visits"),
    visits.map((visit, index) => {
      const seen = seenVisit(visit, pending);
      return h("li", { class: "visit", "data-visit": visit.id },
        h("a", { href: `/visits/${visit.id}` },
          h("span", { class: "index" }, String(index + 1)),
          h("span", { class: "when" }, time(visit.planned_at)),
          h("span", { class: "who" }, h("strong", {}, visit.account_name), " ",
            h("span", { class: "chip grade" }, say("grade", { grade: visit.grade }))),
          h("span", { class: "where muted" }, visit.address || ""),
          h("span", { class: "state" }, statusChip(visit, seen),
            visit.distance_m != null ? h("small", {}, " ", distance(visit.distance_m)) : null)));
    }),
    planned.map((entry) => h("li", { class: "visit pending" },
      h("span", { class: "when" }, time(entry.body.planned_at)), " ", entry.meta.plan, " ",
      h("span", { class: "chip waiting" }, say("waiting")))),
  );
  map ??= makeMap($("visits-map"), me.tileUrl);
  if (!map) return;
  markers.forEach((marker) => marker.remove());
  const located = visits.filter((visit) => visit.lat != null && visit.lng != null);
  markers = located.map((visit) => dot(map, visit.lat, visit.lng, `${visits.indexOf(visit) + 1}. ${visit.account_name}`));
  fit(map, located.map((visit) => [visit.lat, visit.lng]));
}

function renderAccounts() {
  const select = $("plan-account");
  const chosen = new URLSearchParams(location.search).get("plan") || select.value;
  fillWith(select,
    h("option", { value: "" }, say("plan.choose")),
    accounts.map((account) => h("option", { value: account.id, selected: String(account.id) === chosen },
      `${account.name} (${account.grade})`)));
}

function defaultPlanTime() {
  // The next full hour, in the phone's time zone, as <input type=datetime-local> wants it.
  const next = new Date(Date.now() + 3600_000);
  next.setMinutes(0, 0, 0);
  return `${isoDay(next)}T${String(next.getHours()).padStart(2, "0")}:00`;
}

$("plan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const account = accounts.find((a) => String(a.id) === $("plan-account").value);
  const when = $("plan-at").value ? new Date($("plan-at").value) : null;
  showError($("plan-error"), account && when && !Number.isNaN(when.getTime()) ? "" : say("plan.missing"));
  if (!account || !when || Number.isNaN(when.getTime())) return;
  const planned_at = when.toISOString();
  outbox.send("POST", "/api/visits", { account_id: account.id, planned_at },
    say("label.plan", { account: account.name }), { plan: account.name });
  const done = $("plan-done");
  done.textContent = say("plan.done", { account: account.name, time: dateTime(planned_at) });
  done.hidden = false;
});

async function refresh() {
  const [today, mine] = await Promise.all([load(VISITS), load(ACCOUNTS)]);
  if (today.ok) visits = today.data.items;
  if (mine.ok) accounts = mine.data.items;
  renderVisits();
  renderAccounts();
  return visits;
}

outbox.subscribe((state) => {
  const before = pending.length;
  pending = state.pending;
  renderVisits();
  if (pending.length < before) refresh();
});

$("today-date").textContent = day(new Date().toISOString());
$("plan-at").value = defaultPlanTime();
if (new URLSearchParams(location.search).has("plan")) $("plan").scrollIntoView();
startRepTracking();
const today = await refresh();
await keepOffline([
  VISITS,
  ACCOUNTS,
  "/rep/accounts",
  "/rep/route",
  ...today.flatMap((visit) => [`/visits/${visit.id}`, `/api/visits/${visit.id}`]),
]);
