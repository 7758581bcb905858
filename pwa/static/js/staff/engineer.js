// The engineer's home: the duty switch (with position), the offer with its countdown, the job in
// hand, van stock and job alerts. Tracks the route while on duty and the app is open.
import { $, fillWith, h, showError } from "./dom.js";
import { locate } from "./geo.js";
import { act, listenForOffers, offerBlock, seenStatus } from "./jobs.js";
import { coverageSummary } from "./proof.js";
import { wirePush } from "./push.js";
import { keepOffline, load, me, startShell } from "./shell.js";
import * as tracker from "./tracker.js";
import { dateTime, number, say, table } from "../shared/text.js";

const outbox = await startShell();
const ACTIVE = ["accepted", "en_route", "on_site"];
let duty = "off_duty";
let jobs = [];
let pending = [];
const coverage = new Map(); // device id → load()'s answer of its coverage

// Whether the visit is under contract or warranty, read once per device for the cards.
function coverageOf(job) {
  if (!coverage.has(job.device_id)) {
    coverage.set(job.device_id, null);
    load(`/api/devices/${job.device_id}/coverage`).then((found) => {
      coverage.set(job.device_id, found);
      renderJobs();
    });
  }
  const line = coverageSummary(coverage.get(job.device_id));
  return line ? h("p", { class: "muted coverage-line" }, line) : null;
}

function seenDuty() {
  const queued = pending.filter((entry) => entry.meta?.duty).at(-1);
  return { status: queued ? queued.meta.duty : duty, waiting: Boolean(queued) };
}

function renderDuty() {
  const { status, waiting } = seenDuty();
  const on = status === "available" || status === "busy";
  const button = $("duty");
  button.setAttribute("aria-checked", String(on));
  button.disabled = false;
  button.classList.toggle("waiting", waiting);
  $("duty-state").textContent = say(on ? "duty.on" : "duty.off");
  $("tracking-note").hidden = !on;
  if (on) tracker.start();
  else tracker.stop();
}

function jobSummary(job) {
  const priority = table("priority")[job.priority] || job.priority;
  return [
    h("p", { class: "strong" }, job.product, " · ", job.serial),
    job.account_name ? h("p", { class: "customer" }, job.account_address ? say("offer.customer", { name: job.account_name, address: job.account_address }) : job.account_name) : null,
    h("p", {},
      h("span", { class: `chip prio-${job.priority}` }, priority), " ",
      h("span", { class: `chip sla-${job.sla}` }, table("sla")[job.sla] || job.sla), " ",
      job.respond_by && job.status === "offered" ? h("small", {}, say("offer.sla", { time: dateTime(job.respond_by) })) : null),
    h("p", { class: "what" }, job.description),
    coverageOf(job),
    job.distance_km != null ? h("p", { class: "muted" }, say("offer.distance", { km: number(job.distance_km) })) : null,
  ];
}

function renderJobs() {
  const statuses = table("job_status");
  const seen = jobs.map((job) => ({ job, ...seenStatus(job, pending) }));
  const offer = seen.find((s) => s.status === "offered");
  const active = seen.find((s) => ACTIVE.includes(s.status));
  $("offer").hidden = !offer;
  // A reason being chosen for declining this very offer is not wiped by a refresh.
  const asking = $("offer-body").querySelector("form.decline-reason");
  const same = offer && $("offer-body").dataset.job === String(offer.job.id);
  if (offer && !(asking && same)) {
    $("offer-body").dataset.job = String(offer.job.id);
    fillWith(
      $("offer-body"),
      jobSummary(offer.job),
      offerBlock(offer.job, () => setTimeout(refresh, 3000)),
      h("a", { href: `/jobs/${offer.job.id}` }, say("offer.details")),
    );
  }
  $("active").hidden = !active;
  if (active) {
    fillWith(
      $("active-body"),
      h("p", {},
        h("span", { class: `chip status-${active.status}`, id: "active-status" }, statuses[active.status] || active.status),
        active.waiting ? h("span", { class: "chip waiting" }, say("waiting")) : null),
      jobSummary(active.job),
      h("a", { class: "button primary", href: `/jobs/${active.job.id}` }, say("job.open")),
    );
  }
  $("no-job").hidden = Boolean(offer || active);
}

function renderStock(stock) {
  const items = (stock?.items || []).filter((item) => item.qty > 0);
  fillWith($("stock-list"), items.map((item) =>
    h("li", { "data-part": item.part_id }, say("stock.item", { qty: number(item.qty, 0), name: item.name }), " ",
      h("small", {}, item.sku))));
  $("stock-empty").hidden = items.length > 0;
}

async function refresh() {
  const [profile, mine, stock] = await Promise.all([
    load("/api/me"),
    load("/api/me/jobs"),
    load(`/api/engineers/${me.id}/stock`),
  ]);
  if (profile.ok) duty = profile.data.duty_status;
  if (mine.ok) jobs = mine.data;
  renderDuty();
  renderJobs();
  if (stock.ok) renderStock(stock.data);
  return mine.ok ? jobs : [];
}

$("duty").addEventListener("click", async () => {
  const on = seenDuty().status !== "off_duty";
  showError($("duty-error"), "");
  if (on) {
    outbox.send("PUT", "/api/me/duty", { status: "off_duty" }, say("label.duty_off"), { duty: "off_duty" });
    return;
  }
  $("duty").disabled = true;
  // Dispatch measures from this position; without one it falls back to the home base.
  const position = await locate().catch((error) => {
    showError($("duty-error"), `${error.message} ${say("duty.no_position")}`);
    return null;
  });
  const body = position ? { status: "available", lat: position.lat, lng: position.lng } : { status: "available" };
  outbox.send("PUT", "/api/me/duty", body, say("label.duty_on"), { duty: "available" });
});

outbox.subscribe((state) => {
  const before = pending.length;
  pending = state.pending;
  renderDuty();
  renderJobs();
  // A write was applied: show the server's view of it.
  if (pending.length < before) refresh();
});

tracker.onTracking((state) => {
  $("duty").dataset.tracking = state.on ? "on" : "off";
});

wirePush($("push"), $("push-note"));
const current = await refresh();
await keepOffline([
  "/api/me",
  "/api/me/jobs",
  `/api/engineers/${me.id}/stock`,
  ...current.flatMap((job) => [
    `/jobs/${job.id}`,
    `/api/work-orders/${job.id}`,
    `/api/devices/${job.device_id}/coverage`,
  ]),
]);
// A push (an offer, a cancelled job) reaches the open page through the worker: look at once.
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "push") refresh();
});
// Offers arrive on the live stream while the app is open (by push when it is closed); only when
// the stream cannot connect, a look every half-minute.
listenForOffers(refresh);
