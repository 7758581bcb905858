// The public pool (公海): what nobody owns, why it is there and since when, the day's claims left;
// a claim goes through the outbox (offline too) and the server's answer says whether it was won.
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, startShell } from "./shell.js";
import { ago, number, say, sayCount } from "../shared/text.js";

await startShell();
startRepTracking();
const url = (kind, q = "") =>
  `/api/pool?kind=${kind}&limit=100${q ? `&q=${encodeURIComponent(q)}` : ""}`;
let kind = "account";
let left = null;

function showCap(cap) {
  $("pool-cap").textContent = say("sales.claims_left", { left: number(left, 0), cap: number(cap, 0) });
  $("pool-cap").classList.toggle("bad", left === 0);
}

function whyText(item) {
  const why = say(`sales.why.${item.why}`);
  if (item.why === "recycled" && item.rule_days) return `${why}: ${say("sales.rule_days", { days: item.rule_days })}`;
  return item.reason ? `${why}: ${item.reason}` : why;
}

function poolItem(item) {
  const button = h("button", { type: "button", class: "primary claim" }, say("sales.claim"));
  const status = h("p", { class: "claim-status", role: "status" });
  const row = h("li", { class: "pool-item", "data-kind": item.kind, "data-id": item.id },
    h("p", {}, item.grade ? h("span", { class: `chip grade grade-${item.grade}` }, item.grade) : null, " ",
      h("strong", {}, item.name), item.company ? ` · ${item.company}` : ""),
    h("p", { class: "muted" }, whyText(item)),
    h("p", { class: "muted" }, say("sales.since", { since: ago(item.since) }),
      item.former_owner_name ? ` · ${say("sales.former", { name: item.former_owner_name })}` : ""),
    button, status);
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = say("sales.queued");
    const path = `/api/${item.kind === "account" ? "accounts" : "leads"}/${item.id}/claim`;
    await outbox.send("POST", path, null, say("sales.label_claim", { name: item.name }), { claim: item.id, kind: item.kind });
  });
  return row;
}

outbox.onDelivered(({ entry, ok, data }) => {
  if (!entry.meta?.claim) return;
  const row = document.querySelector(`.pool-item[data-kind="${entry.meta.kind}"][data-id="${entry.meta.claim}"]`);
  const status = row?.querySelector(".claim-status");
  if (ok) {
    if (status) status.textContent = say("sales.claimed");
    row?.classList.add("claimed");
    if (left !== null) left = Math.max(0, left - 1);
    showCap(Number($("pool-cap").dataset.cap));
  } else if (status) {
    status.textContent = say(`sales.rule.${data?.rule}`) || data?.detail || "";
    row.querySelector("button").disabled = false;
  }
});

async function showPool() {
  const found = await load(url(kind, $("pool-q").value.trim()));
  $("pool-error").hidden = found.ok;
  if (!found.ok) {
    $("pool-error").textContent = say("load_failed");
    return;
  }
  left = found.data.claims_left_today;
  $("pool-cap").dataset.cap = found.data.daily_claim_cap;
  showCap(found.data.daily_claim_cap);
  $("pool-count").textContent = sayCount("sales.count", found.data.total);
  $("pool-empty").hidden = found.data.items.length > 0;
  fillWith($("pool"), found.data.items.map(poolItem));
}

for (const [id, which] of [["pool-accounts", "account"], ["pool-leads", "lead"]]) {
  $(id).addEventListener("click", () => {
    kind = which;
    $("pool-accounts").setAttribute("aria-pressed", String(which === "account"));
    $("pool-leads").setAttribute("aria-pressed", String(which === "lead"));
    showPool();
  });
}
let typing;
$("pool-q").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(showPool, 300);
});

await showPool();
await keepOffline([url("account"), url("lead")]);
