// One job: the offer's answer, travel, arrival with GPS, photos, pauses, parts from the van, the
// resolution and the customer's signature, completion and its service report; the customer,
// coverage, navigation to the device, and the device's service history (proof.js: proof of work).
import { $, fillWith, h, showError } from "./dom.js";
import { locate } from "./geo.js";
import { act, offerBlock, seenStatus } from "./jobs.js";
import { dot, fit, makeMap } from "./map.js";
import {
  fitSignature, forgetSignature, renderCoverage, renderPhotos, renderSignatureNeed, renderWork,
  showSignatureProblem, signatureForCompletion, startSignature, wirePauses, wirePhotos,
} from "./proof.js";
import { keepOffline, load, me, showRecord, startShell } from "./shell.js";
import * as tracker from "./tracker.js";
import { dateTime, number, say, table } from "../shared/text.js";

const outbox = await startShell();
const jobId = Number($("job").dataset.jobId);
let job = null;
let stock = [];
let pending = [];
let map = null;

function facts(pairs) {
  return pairs.filter(([, value]) => value).flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]);
}

const tel = (phone) => (phone ? h("a", { href: `tel:${phone.replace(/[^+\d]/g, "")}` }, phone) : null);

function renderHead(status, waiting) {
  $("job-title").textContent = `${job.product}`;
  $("job-priority").textContent = table("priority")[job.priority] || job.priority;
  const chip = $("job-status");
  chip.textContent = table("job_status")[status] || status;
  chip.className = `chip status-${status}`;
  chip.dataset.status = status;
  $("job-waiting").hidden = !waiting;
  $("job-description").textContent = job.description;
  fillWith($("job-facts"), facts([
    [say("job.serial"), job.serial],
    [say("job.reporter"), job.reporter_name ? h("span", {}, job.reporter_name, " ", tel(job.reporter_phone)) : null],
    [say("job.due"), job.resolve_by && !["completed", "rated", "cancelled"].includes(status)
      ? dateTime(job.resolve_by) : null],
  ]));
}

function locateThenArrive(button, error) {
  return async () => {
    button.disabled = true;
    button.textContent = say("job.locating");
    try {
      const position = await locate();
      await act(job, "arrive", { lat: position.lat, lng: position.lng });
    } catch (problem) {
      showError(error, problem.message);
      button.disabled = false;
      button.textContent = say("job.arrive");
    }
  };
}

function renderActions(status) {
  const box = $("job-actions");
  const error = h("p", { class: "error", role: "alert", hidden: true });
  let content = null;
  if (status === "offered") content = offerBlock(job, () => setTimeout(refresh, 3000));
  if (status === "accepted") {
    content = h("button", { type: "button", class: "primary wide", onclick: () => act(job, "travel") }, say("job.travel"));
  }
  if (status === "en_route") {
    const button = h("button", { type: "button", class: "primary wide" }, say("job.arrive"));
    button.addEventListener("click", locateThenArrive(button, error));
    content = h("div", {}, button, h("p", { class: "muted" }, say("job.arrive_hint")));
  }
  if (status === "cancelled") content = h("p", {}, say("job.cancelled"));
  if (status === "declined") content = h("p", {}, say("job.declined"));
  box.hidden = !content;
  fillWith(box, content, error);
  $("complete").hidden = status !== "on_site";
  if (status === "on_site") fitSignature(); // a hidden pad has no size to draw at
  renderSignatureNeed(job.signature_required);
}

function renderSite() {
  const site = job.site;
  const contacts = site?.contacts || [];
  fillWith($("site-body"),
    h("dl", { class: "facts" }, facts([
      [say("job.account"), site?.account_name],
      [say("job.address"), site?.address],
      [say("job.phone"), tel(site?.phone)],
    ])),
    contacts.length ? h("ul", { class: "plain contacts", "aria-label": say("job.contacts") }, contacts.map((c) =>
      h("li", {}, h("strong", {}, c.name), c.title ? ` · ${c.title}` : "", " ", tel(c.phone)))) : null,
  );
  const nav = $("navigate");
  if (job.lat == null || job.lng == null) {
    fillWith(nav, h("p", { class: "muted" }, say("job.no_position")));
    $("job-map").hidden = true;
    return;
  }
  const name = site?.account_name || job.product;
  const at = `${job.lat},${job.lng}`;
  fillWith(nav,
    // geo: opens the phone's own choice of navigation app (Android); the others are web links
    // that hand over to the map app where one is installed.
    h("a", { class: "button primary", href: `geo:${at}?q=${at}(${encodeURIComponent(name)})`, id: "navigate-link" }, say("job.navigate")),
    h("a", { class: "button secondary", href: `https://www.openstreetmap.org/?mlat=${job.lat}&mlon=${job.lng}#map=17/${job.lat}/${job.lng}`, target: "_blank", rel: "noopener" }, say("job.osm")),
    h("a", { class: "button secondary", href: `https://uri.amap.com/navigation?to=${job.lng},${job.lat},${encodeURIComponent(name)}&mode=car&coordinate=wgs84&callnative=1`, target: "_blank", rel: "noopener" }, say("job.amap")),
  );
  map ??= makeMap($("job-map"), me.tileUrl);
  dot(map, job.lat, job.lng, name);
  fit(map, [[job.lat, job.lng]]);
}

function partsList(parts) {
  if (!parts.length) return h("p", { class: "muted" }, say("job.no_parts"));
  return h("ul", { class: "plain parts-used" }, parts.map((p) =>
    h("li", {}, say("stock.item", { qty: number(p.qty, 0), name: p.name }), " ", h("small", {}, p.sku),
      p.serial_out ? h("small", { class: "serial" }, " · ", say("serial.out", { serial: p.serial_out })) : null,
      p.serial_in ? h("small", { class: "serial" }, " · ", say("serial.in", { serial: p.serial_in })) : null)));
}

function stars(rating) {
  if (!rating) return h("p", { class: "muted" }, say("job.not_rated"));
  return h("p", { class: "rating" },
    h("span", { "aria-hidden": "true" }, "★".repeat(rating.score) + "☆".repeat(5 - rating.score)), " ",
    say("job.stars", { score: rating.score }),
    rating.comment ? h("q", {}, rating.comment) : null);
}

function renderDone(status) {
  const done = ["completed", "rated"].includes(status);
  $("done").hidden = !done || !job.resolution;
  $("report-link").hidden = !job.report_url;
  if (job.report_url) $("report-link").href = job.report_url;
  if (!done || !job.resolution) return;
  fillWith($("done-body"),
    h("h3", {}, say("job.resolution")), h("p", { class: "what" }, job.resolution),
    h("h3", {}, say("job.parts")), partsList(job.parts || []),
    h("h3", {}, say("job.rating")), stars(job.rating));
}

function renderHistory() {
  const earlier = (job.history || []).filter((item) => item.id !== job.id);
  $("history-empty").hidden = earlier.length > 0;
  fillWith($("history"), earlier.map((item) =>
    h("li", { class: "past-job" },
      h("p", {}, h("strong", {}, dateTime(item.completed_at || item.created_at)), " · ",
        table("job_status")[item.status] || item.status, item.engineer ? ` · ${item.engineer.name}` : ""),
      h("p", { class: "what" }, item.description),
      item.resolution ? h("p", {}, h("em", {}, say("job.resolution")), ": ", item.resolution) : null,
      partsList(item.parts || []),
      item.rating ? stars(item.rating) : null)));
}

// --- the completion form: parts from the van, the resolution -------------------------------------

function partRow() {
  const select = h("select", { name: "part_id", "aria-label": say("part.part") },
    h("option", { value: "" }, say("part.choose")),
    stock.map((item) => h("option", { value: item.part_id }, say("part.in_van", { name: item.name, qty: item.qty }))));
  const row = h("div", { class: "part-row" },
    select,
    h("label", {}, say("part.qty"), h("input", { name: "qty", type: "number", min: 1, value: 1, inputmode: "numeric" })),
    h("label", {}, say("part.serial_out"), h("input", { name: "serial_out", type: "text", maxlength: 80 })),
    h("label", {}, say("part.serial_in"), h("input", { name: "serial_in", type: "text", maxlength: 80 })),
  );
  row.append(h("button", { type: "button", class: "link", onclick: () => row.remove() }, say("part.remove")));
  return row;
}

function partsFromForm() {
  const parts = [];
  const used = new Map();
  for (const row of $("part-rows").querySelectorAll(".part-row")) {
    const field = (name) => row.querySelector(`[name=${name}]`).value.trim();
    const partId = Number(field("part_id"));
    if (!partId) throw new Error(say("part.missing"));
    const qty = Math.max(1, Number(field("qty")) || 1);
    const item = stock.find((s) => s.part_id === partId);
    used.set(partId, (used.get(partId) || 0) + qty);
    if (used.get(partId) > item.qty) throw new Error(say("part.too_many", { qty: item.qty, name: item.name }));
    const part = { part_id: partId, qty };
    if (field("serial_out")) part.serial_out = field("serial_out");
    if (field("serial_in")) part.serial_in = field("serial_in");
    parts.push(part);
  }
  return parts;
}

$("add-part").addEventListener("click", () => $("part-rows").append(partRow()));

$("complete-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const error = $("complete-error");
  showError(error, "");
  let parts;
  try {
    parts = partsFromForm();
  } catch (problem) {
    showError(error, problem.message);
    return;
  }
  const resolution = $("resolution").value.trim();
  if (!resolution) {
    showError(error, say("resolution.missing"));
    $("resolution").focus();
    return;
  }
  const body = { resolution, parts };
  // Refused here, beside the pad, when the contract or product asks for the customer's
  // signature: the server would refuse it too (400 naming `signature`).
  const signature = signatureForCompletion(job.signature_required);
  if (signature === false) return;
  if (signature) body.signature = signature;
  if ($("sales-flag").checked) {
    const note = $("sales-note").value.trim();
    if (!note) {
      showError(error, say("sales.note_missing"));
      $("sales-note").focus();
      return;
    }
    body.sales_opportunity = { note };
  }
  act(job, "complete", body);
});

// A sales opportunity seen on site becomes a lead for the account's owner (or the pool).
$("sales-flag").addEventListener("change", () => {
  $("sales-note-field").hidden = !$("sales-flag").checked;
});

// --- loading ---------------------------------------------------------------------------------------

function render() {
  if (!job) return;
  const { status, waiting } = seenStatus(job, pending);
  renderHead(status, waiting);
  renderActions(status);
  renderWork(job, status, pending);
  renderPhotos(job, status, pending);
  renderSite();
  renderDone(status);
  renderHistory();
}

async function refresh() {
  const [found, van] = await Promise.all([load(`/api/work-orders/${jobId}`), load(`/api/engineers/${me.id}/stock`)]);
  if (van.ok) {
    stock = van.data.items.filter((item) => item.qty > 0);
    $("no-stock").hidden = stock.length > 0;
    $("add-part").hidden = stock.length === 0;
  }
  const loaded = showRecord(found, "job", job);
  if (!loaded) return;
  const first = !job;
  job = loaded;
  if (first) load(`/api/devices/${job.device_id}/coverage`).then(renderCoverage);
  $("job").dataset.saved = found.saved ? "1" : "";
  render();
}

outbox.subscribe((state) => {
  const before = pending.length;
  pending = state.pending;
  render();
  if (pending.length < before) refresh();
});
// The completion's answer: applied, the phone's copy of the signature goes; refused for want of a
// signature (the contract changed meanwhile), the reason shows beside the pad again.
outbox.onDelivered(({ entry, ok, status, data }) => {
  if (entry.meta?.job !== jobId || entry.meta.action !== "complete") return;
  if (ok) forgetSignature();
  const field = (data?.errors || []).find((e) => String(e.field).startsWith("signature"));
  if (status === 400 && field) showSignatureProblem(say("proof.signature_required"));
});
wirePhotos(() => job, () => pending);
wirePauses(() => job);
await startSignature(jobId, me.id);

navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "push" && Number(event.data.payload?.work_order_id) === jobId) refresh();
});

await refresh();
// On duty, the route is recorded on the job's page too: it is where the travelling happens.
load("/api/me").then((profile) => {
  if (profile.ok && profile.data.duty_status !== "off_duty") tracker.start();
});
await keepOffline([
  `/api/work-orders/${jobId}`,
  `/api/engineers/${me.id}/stock`,
  ...(job ? [`/api/devices/${job.device_id}/coverage`] : []),
  "/engineer",
  "/api/me",
  "/api/me/jobs",
]);
