// A won opportunity prompts its contract: the rep confirms number, title, amount, dates and the
// payment plan, and the draft goes to POST /api/contracts (with the opportunity) through the
// outbox, so it is made once even when the phone was offline. Won deals still without a contract
// (contract_due) are listed so the prompt can be taken up later.
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { isoDay, lang, say } from "../shared/text.js";

const money = (amount) => new Intl.NumberFormat(lang, { minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(amount);
const day = (iso) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
const form = () => $("contract-form");

/** The same day `months` later (the month's last day when it has fewer days), as YYYY-MM-DD. */
function addMonths(iso, months) {
  const [y, m, d] = iso.split("-").map(Number);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  const date = new Date(Date.UTC(y, m - 1 + months, Math.min(d, last)));
  return date.toISOString().slice(0, 10);
}

/** Equal monthly lines from the start day, in cents so that they add up to the amount exactly
 * (the server refuses a plan that does not): the last line takes the odd cents. */
export function plan(amount, startsOn, instalments) {
  const cents = Math.round(Number(amount) * 100);
  if (!(cents > 0) || !startsOn) return [];
  const n = Math.max(1, instalments);
  const each = Math.floor(cents / n);
  return Array.from({ length: n }, (_, i) => ({
    due_on: addMonths(startsOn, i),
    amount: ((i === n - 1 ? cents - each * (n - 1) : each) / 100).toFixed(2),
  }));
}

function showPlan() {
  const data = new FormData(form());
  const lines = plan(data.get("amount"), data.get("starts_on"), Number(data.get("instalments")));
  fillWith($("contract-plan"), lines.map((line) =>
    h("li", {}, say("sales.contract.line", { day: day(line.due_on), amount: money(Number(line.amount)) }))));
}

let asking = null; // the deal the dialog is open for

/** Opens the prompt for a won deal, filled from it (or from what was typed before, `typed`). */
export function askForContract(deal, typed = null) {
  asking = deal;
  const fields = form().elements;
  const start = isoDay();
  const values = typed || {
    number: "",
    title: deal.name,
    amount: String(Number(deal.amount)),
    starts_on: start,
    ends_on: addMonths(start, 12),
    instalments: "1",
  };
  for (const [name, value] of Object.entries(values)) fields[name].value = value;
  $("contract-deal").textContent = `${deal.name} · ${deal.account_name}`;
  $("contract-number-taken").hidden = !typed;
  showPlan();
  $("contract-dialog").showModal();
}

async function saveDraft() {
  const deal = asking;
  const data = Object.fromEntries(new FormData(form()).entries());
  const body = {
    account_id: deal.account_id,
    opportunity_id: deal.id,
    number: data.number.trim(),
    title: data.title.trim(),
    amount: Number(data.amount).toFixed(2),
    starts_on: data.starts_on,
    ends_on: data.ends_on,
    payment_plan: plan(data.amount, data.starts_on, Number(data.instalments)),
  };
  await outbox.send("POST", "/api/contracts", body,
    say("sales.contract.label", { number: body.number, name: deal.name }),
    { contract: "new", deal, typed: data });
  status(say("sales.queued"));
}

function status(text, link = null) {
  const slot = $("contract-status");
  fillWith(slot, text, link ? " " : null, link);
  slot.hidden = false;
}

/** Wires the prompt; `onMade(dealId)` is told when a draft was made for a deal. */
export function startContractPrompt(onMade) {
  form().addEventListener("input", showPlan);
  form().addEventListener("submit", (event) => {
    // "Not now" closes without checking the fields; "Save" only once the form is valid.
    if (event.submitter?.value !== "ok") return;
    if (!form().reportValidity()) {
      event.preventDefault();
      return;
    }
    saveDraft();
  });
  outbox.onDelivered(({ entry, ok, status: code, data }) => {
    if (entry.meta?.contract !== "new") return;
    const { deal, typed } = entry.meta;
    if (ok) {
      status(say("sales.contract.saved", { number: data.number }),
        h("a", { href: `/rep/accounts/${deal.account_id}` }, deal.account_name));
      onMade(deal.id);
    } else if (code === 409) {
      // The number is taken (another contract, or a colleague's): ask again, all else kept.
      askForContract(deal, typed);
    } else {
      status(say("sales.contract.refused"), h("small", { lang: "en" }, data?.detail || ""));
    }
  });
}

/** The won deals without a contract, each with a button that opens the prompt. */
export function showWon(deals) {
  $("won-section").hidden = deals.length === 0;
  fillWith($("won"), deals.map((deal) => h("li", { class: "won-deal", "data-deal": deal.id },
    h("p", {}, h("strong", {}, deal.name), ` · ${deal.account_name}`),
    h("p", { class: "muted" }, `${money(Number(deal.amount))} ${deal.currency}`),
    h("button", { type: "button", onclick: () => askForContract(deal) }, say("sales.contract.start")))));
}
