// The engineer's Jobs tab: today's jobs and the last 30 days' completed ones, kept offline; a new
// offer arrives on the live stream and the list is read again.
import { $, fillWith, h } from "./dom.js";
import { listenForOffers } from "./jobs.js";
import { keepOffline, load, startShell } from "./shell.js";
import { dateTime, day, number, say, table } from "../shared/text.js";

await startShell();
const DAY = "/api/me/day";

function card(job) {
  const statuses = table("job_status");
  const priority = table("priority")[job.priority] || job.priority;
  return h("li", { class: `job sla-${job.sla}`, "data-job": job.id, "data-status": job.status },
    h("a", { href: `/jobs/${job.id}` },
      h("p", {},
        h("span", { class: `chip status-${job.status}` }, statuses[job.status] || job.status), " ",
        job.priority !== "normal" ? h("span", { class: `chip prio-${job.priority}` }, priority) : null, " ",
        job.vip ? h("b", { class: "tag" }, "VIP") : null, " ",
        job.sla !== "ok" ? h("span", { class: "chip sla" }, table("sla")[job.sla]) : null),
      h("p", { class: "strong" }, job.product, " · ", job.serial),
      h("p", {}, job.address ? say("offer.customer", { name: job.account_name, address: job.address }) : job.account_name),
      h("p", { class: "what" }, job.description),
      job.planned_for ? h("p", { class: "muted" }, say("day.planned", { day: day(job.planned_for) })) : null,
      job.distance_km != null && !job.completed_at
        ? h("p", { class: "muted" }, say("offer.distance", { km: number(job.distance_km) })) : null,
      job.completed_at ? h("p", { class: "muted" }, say("day.done_at", { when: dateTime(job.completed_at) })) : null));
}

function show(list, empty, jobs, emptyText) {
  fillWith($(list), jobs.map(card));
  $(empty).textContent = emptyText;
  $(empty).hidden = jobs.length > 0;
}

async function refresh() {
  const found = await load(DAY);
  if (!found.ok) {
    $("day-error").textContent = say("day.error");
    $("day-error").hidden = found.saved || found.status === 0;
    return;
  }
  $("day-error").hidden = true;
  show("day-today", "day-today-empty", found.data.today, say("day.none_today"));
  show("day-done", "day-done-empty", found.data.completed, say("day.none_done"));
}

await refresh();
await keepOffline([DAY]);
listenForOffers(refresh);
