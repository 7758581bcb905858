// The rep's leads: add one through the outbox (a likely duplicate comes back as a 409 naming each
// match and whose it is, never a colleague's data), search, and convert an open lead.
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, startShell } from "./shell.js";
import { ago, number, say, sayCount, table } from "../shared/text.js";

await startShell();
startRepTracking();
const MINE = "/api/leads?pool=false&limit=200";
const words = table("sales");

fillWith($("lead-source"), Object.entries(words.source || {}).map(([code, text]) =>
  h("option", { value: code, ...(code === "visit" ? { selected: "" } : {}) }, text)));

function matchItem(match) {
  const whose = match.pool ? say("sales.in_pool") : say("sales.owned_by", { name: match.owner_name || "—" });
  return h("li", { class: "match", "data-type": match.type },
    h("span", { class: "chip" }, say(`sales.match.${match.type}`)), " ",
    match.name ? h("strong", {}, match.name) : null, " ", h("span", { class: "muted" }, whose));
}

function reasonText(reason) {
  const key = reason.code.startsWith("source_") ? "source" : reason.code;
  return `${say(`sales.reason.${key}`)} +${reason.points}`;
}

function convertForm(lead) {
  const form = h("form", { class: "stack convert" },
    h("p", { class: "muted" }, say("sales.convert_hint")),
    h("label", {}, say("sales.opportunity"), h("input", { name: "opp_name", placeholder: lead.company || lead.name, maxlength: "200" })),
    h("label", {}, say("sales.amount"), h("input", { name: "amount", type: "number", min: "0", step: "0.01", inputmode: "decimal" })),
    h("label", {}, say("sales.expected_close"), h("input", { name: "expected_close", type: "date" })),
    h("button", { type: "submit", class: "primary" }, say("sales.convert")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {};
    if (data.get("amount") && data.get("expected_close")) {
      body.opportunity = {
        name: data.get("opp_name") || lead.company || lead.name,
        amount: String(data.get("amount")),
        expected_close: data.get("expected_close"),
      };
    }
    await outbox.send("POST", `/api/leads/${lead.id}/convert`, body, say("sales.label_convert", { name: lead.name }));
    form.replaceWith(h("p", { class: "muted" }, say("sales.queued")));
  });
  return form;
}

function leadItem(lead) {
  const open = lead.status === "new" || lead.status === "working";
  return h("li", { class: "lead", "data-lead": lead.id },
    h("p", {}, h("span", { class: `chip status-${lead.status}` }, say(`sales.lead_status.${lead.status}`)), " ",
      h("strong", {}, lead.name), lead.company ? ` · ${lead.company}` : ""),
    h("p", { class: "muted", title: lead.score_reasons.map(reasonText).join(", ") },
      say("sales.score", { n: number(lead.score, 0) }), " · ", say(`sales.source.${lead.source}`), " · ", ago(lead.created_at)),
    lead.score_reasons.length
      ? h("p", { class: "muted reasons" }, lead.score_reasons.map(reasonText).join(" · ")) : null,
    lead.phone ? h("p", {}, h("a", { href: `tel:${lead.phone}` }, lead.phone)) : null,
    open ? h("details", {}, h("summary", {}, say("sales.convert")), convertForm(lead)) : null);
}

async function showLeads() {
  const q = $("leads-q").value.trim();
  const found = await load(q ? `${MINE}&q=${encodeURIComponent(q)}` : MINE);
  const leads = found.ok ? found.data.items : [];
  $("leads-count").textContent = found.ok ? sayCount("sales.count", found.data.total) : say("load_failed");
  $("leads-empty").hidden = !found.ok || leads.length > 0;
  fillWith($("leads"), leads.map(leadItem));
}

$("lead-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const body = {};
  for (const [field, value] of data.entries()) if (String(value).trim()) body[field] = String(value).trim();
  $("lead-duplicate").hidden = true;
  await outbox.send("POST", "/api/leads", body, say("sales.label_lead", { name: body.name }), { lead: "new" });
  $("lead-queued").hidden = navigator.onLine;
  $("lead-queued").textContent = say("sales.queued");
});

outbox.onDelivered(({ entry, ok, status, data }) => {
  if (!entry.url.startsWith("/api/leads")) return;
  if (entry.meta?.lead === "new" && status === 409 && data?.matches) {
    fillWith($("lead-matches"), data.matches.map(matchItem));
    $("lead-duplicate").hidden = false;
    return;
  }
  if (ok) {
    if (entry.meta?.lead === "new") $("lead-form").reset();
    $("lead-queued").hidden = true;
    showLeads();
  }
});

let typing;
$("leads-q").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(showLeads, 300);
});

await showLeads();
await keepOffline([MINE]);
