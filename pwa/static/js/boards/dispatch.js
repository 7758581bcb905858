// The live dispatch board: loads GET /api/boards/dispatch, then follows /api/boards/stream.
// Events only name what changed ({kind, id, status}); the page fetches that row itself, and
// reloads everything on every (re)connect ("hello"), so a dropped stream leaves no gap.
import { api } from "../shared/session.js";

const root = document.getElementById("dispatch");
const T = JSON.parse(root.dataset.labels);
const OPEN = new Set(["new", "offered", "accepted", "en_route", "on_site"]);
const COLOURS = {
  off_duty: "#8a94a0", free: "#1b8a3a", offered: "#d98c00", travelling: "#1f6fd1", on_site: "#7b2fbf",
};
const PRIORITY = { urgent: 0, high: 1, normal: 2 };

const board = {
  engineers: new Map(), jobs: new Map(), zones: [], skew: 0, selected: null,
  zone: "", skill: "",
};

// --- the map: works without tiles (offline, or a tile server that is down) -------------------

const map = L.map("map", { preferCanvas: true, zoomControl: true }).setView([31.23, 121.47], 11);
const tiles = L.tileLayer(root.dataset.tileUrl, {
  maxZoom: 19, attribution: "&copy; OpenStreetMap contributors",
}).addTo(map);
let tileTrouble = false;
tiles.on("tileerror", () => {
  if (tileTrouble) return;
  tileTrouble = true;
  document.getElementById("map").dataset.tiles = "unavailable";
  document.getElementById("map").title = T.no_tiles;
});
const zoneLayer = L.layerGroup().addTo(map);
const jobLayer = L.layerGroup().addTo(map);
const engineerLayer = L.layerGroup().addTo(map);
let fitted = false;

// --- filters ---------------------------------------------------------------------------------

function jobShown(job) {
  return OPEN.has(job.status)
    && (!board.zone || job.zone_ids.includes(Number(board.zone)))
    && (!board.skill || job.required_skill === board.skill);
}

function engineerShown(e) {
  return (!board.zone || e.zone_id === Number(board.zone))
    && (!board.skill || e.skills.includes(board.skill));
}

// The tables' downloads (GET /api/boards/dispatch/csv|xlsx) follow the filters shown.
function exportLinks() {
  const params = new URLSearchParams();
  if (board.zone) params.set("zone_id", board.zone);
  if (board.skill) params.set("skill", board.skill);
  for (const link of root.querySelectorAll("a[data-export]")) {
    const [table, format] = link.dataset.export.split(".");
    params.set("table", table);
    link.href = `/api/boards/dispatch/${format}?${params}`;
  }
}

for (const [id, key] of [["zone-filter", "zone"], ["skill-filter", "skill"]]) {
  document.getElementById(id).addEventListener("change", (event) => {
    board[key] = event.target.value;
    exportLinks();
    render();
  });
}

// --- loading ---------------------------------------------------------------------------------

async function loadAll() {
  const result = await api("GET", "/api/boards/dispatch");
  if (!result.ok) return;
  const data = result.data;
  board.skew = Date.parse(data.now) - Date.now();
  board.engineers = new Map(data.engineers.map((e) => [e.id, e]));
  board.jobs = new Map(data.jobs.map((j) => [j.id, j]));
  board.zones = data.zones;
  render();
  root.dataset.loadedAt = String(Date.now());
}

async function loadEngineer(id) {
  const result = await api("GET", `/api/boards/dispatch/engineers/${id}`);
  if (result.ok) board.engineers.set(id, result.data);
  else if (result.status === 404) board.engineers.delete(id);
}

async function loadJob(id) {
  const before = board.jobs.get(id);
  const result = await api("GET", `/api/boards/dispatch/jobs/${id}`);
  const after = result.ok ? result.data : null;
  if (after && OPEN.has(after.status)) board.jobs.set(id, after);
  else board.jobs.delete(id);
  // The engineers the job left and joined changed state with it.
  const touched = new Set([before?.engineer_id, after?.engineer_id]);
  for (const e of board.engineers.values()) if (e.job_id === id) touched.add(e.id);
  touched.delete(undefined);
  touched.delete(null);
  await Promise.all([...touched].map(loadEngineer));
}

// Events arriving close together are applied in one go, each row fetched once.
const pending = { jobs: new Set(), engineers: new Set(), all: false };
let flushing = null;

function queue(event) {
  if (event.kind === "job") pending.jobs.add(event.id);
  else if (event.kind === "engineer") pending.engineers.add(event.id);
  else pending.all = true;
  flushing ??= setTimeout(flush, 100);
}

async function flush() {
  const jobs = [...pending.jobs];
  const engineers = [...pending.engineers];
  const all = pending.all;
  pending.jobs.clear();
  pending.engineers.clear();
  pending.all = false;
  try {
    if (all) await loadAll();
    else await Promise.all([...jobs.map(loadJob), ...engineers.map(loadEngineer)]);
    render();
  } finally {
    flushing = null;
    if (pending.all || pending.jobs.size || pending.engineers.size) flushing = setTimeout(flush, 100);
  }
}

// --- the live stream -------------------------------------------------------------------------

const live = document.getElementById("live");

function setLive(on) {
  live.dataset.live = String(on);
  live.textContent = on ? T.live : T.offline;
}

function connect() {
  const source = new EventSource("/api/boards/stream");
  source.addEventListener("hello", () => {
    setLive(true);
    pending.all = true;
    flushing ??= setTimeout(flush, 0);
  });
  source.addEventListener("change", (event) => queue(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    setLive(false);
    // A refused stream (503, a lapsed sign-in) is not retried by the browser itself.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
  });
}

// --- drawing ---------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function dueText(job) {
  if (!job.due_at) return "";
  const seconds = Math.round((Date.parse(job.due_at) - (Date.now() + board.skew)) / 1000);
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const text = h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(s).padStart(2, "0")}s`;
  return seconds < 0 ? `${text} ${T.overdue}` : text;
}

function late(job) {
  return job.breached || (job.due_at && Date.parse(job.due_at) < Date.now() + board.skew);
}

function sortedJobs() {
  return [...board.jobs.values()].filter(jobShown).sort((a, b) =>
    (PRIORITY[a.priority] ?? 3) - (PRIORITY[b.priority] ?? 3)
    || (Date.parse(a.due_at ?? "9999-12-31") - Date.parse(b.due_at ?? "9999-12-31"))
    || a.id - b.id);
}

function renderCounts(engineers, jobs) {
  const counts = { off_duty: 0, free: 0, offered: 0, travelling: 0, on_site: 0 };
  for (const e of engineers) counts[e.state] += 1;
  counts.queue = jobs.filter((j) => j.status === "new").length;
  counts.breached = jobs.filter(late).length;
  for (const node of document.querySelectorAll("[data-count]")) {
    node.textContent = String(counts[node.dataset.count] ?? 0);
  }
}

function renderSkills() {
  const select = document.getElementById("skill-filter");
  const known = new Set([...select.options].map((o) => o.value));
  const skills = new Set([...board.engineers.values()].flatMap((e) => e.skills));
  for (const skill of [...skills].sort()) {
    if (!known.has(skill)) select.append(el("option", { value: skill }, skill));
  }
}

function renderQueue(jobs) {
  const body = document.querySelector("#queue tbody");
  body.replaceChildren(...jobs.map((job) => {
    const row = el("tr", {
      "data-job": String(job.id), "data-status": job.status, "data-due": job.due_at ?? "",
      class: [late(job) ? "late" : job.sla === "warning" ? "sla-warning" : "", board.selected === job.id ? "selected" : ""].join(" "),
    },
    el("td", {}, el("span", { class: `chip prio-${job.priority}` }, T.priorities[job.priority] ?? job.priority),
      job.vip ? el("b", { class: "tag" }, "VIP") : null),
    el("td", {}, `#${job.id} `, el("span", {}, job.product), el("br"), el("small", {}, job.account)),
    el("td", {}, T.statuses[job.status] ?? job.status),
    el("td", {}, job.engineer ?? "–"),
    el("td", { class: "due" }, dueText(job)));
    row.addEventListener("click", () => select(job.id));
    return row;
  }));
}

function renderEngineers(engineers) {
  const list = document.getElementById("engineers");
  list.replaceChildren(...engineers.map((e) => el("li", {
    "data-engineer": String(e.id), "data-state": e.state, class: `state-${e.state}`,
    "data-position": e.lat === null ? "" : `${e.lat.toFixed(5)},${e.lng.toFixed(5)}`,
  }, el("span", { class: "dot" }), `${e.name} · ${T.states[e.state]}`,
  e.job_id ? el("small", {}, ` #${e.job_id}`) : null)));
}

function renderMap(engineers, jobs) {
  zoneLayer.clearLayers();
  for (const zone of board.zones) {
    if (board.zone && zone.id !== Number(board.zone)) continue;
    L.polygon(zone.boundary, { color: "#0f5c8c", weight: 1, fillOpacity: 0.04 })
      .bindTooltip(zone.name).addTo(zoneLayer);
  }
  jobLayer.clearLayers();
  const points = [];
  for (const job of jobs) {
    if (job.lat === null || job.lng === null) continue;
    points.push([job.lat, job.lng]);
    L.circleMarker([job.lat, job.lng], {
      radius: 7, weight: 3, color: late(job) ? "#b3261e" : "#1d2733", fillColor: "#fff", fillOpacity: 1,
    }).bindTooltip(`#${job.id} ${job.product} · ${T.statuses[job.status]}`)
      .on("click", () => select(job.id)).addTo(jobLayer);
  }
  engineerLayer.clearLayers();
  for (const e of engineers) {
    if (e.lat === null || e.lng === null) continue;
    points.push([e.lat, e.lng]);
    L.circleMarker([e.lat, e.lng], {
      radius: 6, weight: 1, color: "#fff", fillColor: COLOURS[e.state], fillOpacity: 0.95,
    }).bindTooltip(`${e.name} · ${T.states[e.state]}${e.position_at ? "" : ` (${T.home})`}`)
      .addTo(engineerLayer);
  }
  if (!fitted && points.length) {
    map.fitBounds(points, { padding: [20, 20], maxZoom: 14 });
    fitted = true;
  }
}

function render() {
  const engineers = [...board.engineers.values()].filter(engineerShown);
  const jobs = sortedJobs();
  renderCounts(engineers, jobs);
  renderSkills();
  renderQueue(jobs);
  renderEngineers(engineers);
  renderMap(engineers, jobs);
  if (board.selected !== null) renderDetail();
}

// --- job detail and manual assignment ----------------------------------------------------------

function select(id) {
  board.selected = id;
  render();
  const job = board.jobs.get(id);
  if (job?.lat != null) map.panTo([job.lat, job.lng]);
}

// Times in the page's language (the person's, not the browser's), in this computer's zone.
const WHEN = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
  dateStyle: "short", timeStyle: "short",
});

let detailFor = null;

async function renderDetail() {
  const panel = document.getElementById("detail");
  const job = board.jobs.get(board.selected);
  if (!job) {
    panel.hidden = true;
    detailFor = null;
    return;
  }
  panel.hidden = false;
  const key = `${job.id}:${job.status}:${job.engineer_id}`;
  if (detailFor === key) {
    panel.querySelector(".due").textContent = dueText(job);
    return;
  }
  detailFor = key;
  panel.dataset.job = String(job.id);
  const full = await api("GET", `/api/work-orders/${job.id}`);
  const events = full.ok ? full.data.events ?? [] : [];
  const assignable = job.status === "new" || job.status === "offered";
  // Whom dispatch itself would consider, nearest first: never who declined or let it lapse.
  const found = assignable ? await api("GET", `/api/work-orders/${job.id}/candidates`) : null;
  const candidates = found?.ok ? found.data : [];
  const form = el("form", { class: "assign" });
  const choice = el("select", { name: "engineer_id", required: true },
    ...candidates.map((c) => el("option", { value: String(c.id) },
      `${c.name} · ${c.distance_km.toFixed(1)} ${T.km}${c.measured_from === "home" ? ` (${T.home})` : ""}`)));
  const message = el("p", { class: "error", role: "alert", hidden: true });
  form.append(el("label", {}, job.engineer_id ? T.reassign : T.assign, " ", choice),
    el("button", { type: "submit", disabled: !assignable || !candidates.length }, T.offer), message);
  if (assignable && !candidates.length) form.append(el("p", {}, el("small", {}, T.no_candidates)));
  if (!assignable) form.append(el("p", {}, el("small", {}, T.cannot_assign)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("POST", `/api/work-orders/${job.id}/assign`, { engineer_id: Number(choice.value) });
    if (!result.ok) {
      message.textContent = result.data?.detail ?? String(result.status);
      message.hidden = false;
      return;
    }
    // The stream brings the change to every board, this one included.
    queue({ kind: "job", id: job.id });
  });
  panel.replaceChildren(
    el("h2", {}, `#${job.id} ${job.product}`),
    el("p", {}, el("a", { href: `/work-orders/${job.id}`, class: "open-job" }, T.open_job)),
    el("p", {}, job.account, " · ", T.priorities[job.priority] ?? job.priority, " · ", T.statuses[job.status]),
    el("p", {}, job.description),
    el("p", { class: late(job) ? "late" : "" }, el("span", { class: "due" }, dueText(job))),
    form,
    el("h3", {}, T.events),
    el("ol", { class: "events" }, ...events.map((ev) => el("li", {},
      `${WHEN.format(new Date(ev.at))} · ${T.event_names[ev.kind] ?? ev.kind}${ev.engineer ? ` · ${ev.engineer.name}` : ""}`,
      ev.reason ? el("span", { class: "reason", "data-reason": ev.reason },
        ` · ${T.reasons[ev.reason] ?? ev.reason}${ev.note ? `: ${ev.note}` : ""}`) : null))),
  );
}

// --- clocks ----------------------------------------------------------------------------------

setInterval(() => {
  for (const row of document.querySelectorAll("#queue tbody tr")) {
    const job = board.jobs.get(Number(row.dataset.job));
    if (!job) continue;
    row.querySelector(".due").textContent = dueText(job);
    row.classList.toggle("late", Boolean(late(job)));
  }
  const due = document.querySelector("#detail .due");
  const job = board.jobs.get(board.selected);
  if (due && job) due.textContent = dueText(job);
}, 1000);

loadAll();
connect();
