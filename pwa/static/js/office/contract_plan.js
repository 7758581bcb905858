// The payment plan of a new contract: lines (due day, amount) added, removed and split evenly,
// their total against the amount shown as one types, and the lines kept in the form's hidden
// `payment_plan` field as the API's JSON. Each line's own error shows beside it
// (payment_plan[0].amount …); the API decides whether they add up.
const form = document.getElementById("contract-form");
const body = document.getElementById("plan-lines");
const template = document.getElementById("plan-line");
const hidden = form.querySelector('input[name="payment_plan"]');
const amount = form.querySelector('input[name="amount"]');
const starts = form.querySelector('input[name="starts_on"]');
const total = document.getElementById("plan-total");
const left = document.getElementById("plan-left");
const deal = form.querySelector('select[name="opportunity_id"]');
const title = form.querySelector('input[name="title"]');
const T = JSON.parse(document.getElementById("plan-strings").textContent);
const money = new Intl.NumberFormat(document.documentElement.lang || "en", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** An amount typed as text, in cents (exact), or null when it is not one. */
function cents(text) {
  const clean = String(text).replace(/[,，\s]/g, "");
  if (!/^\d+(\.\d{0,2})?$/.test(clean)) return null;
  const [whole, part = ""] = clean.split(".");
  return Number(whole) * 100 + Number(part.padEnd(2, "0"));
}

const asText = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
const rows = () => [...body.querySelectorAll("tr")];

function addMonths(iso, months) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
  day.setUTCDate(Math.min(d, last));
  return day.toISOString().slice(0, 10);
}

function renumber() {
  rows().forEach((row, i) => {
    row.querySelector(".n").textContent = i + 1;
    for (const part of ["due_on", "amount"]) {
      const input = row.querySelector(`[data-part="${part}"]`);
      const error = row.querySelector(`[data-part-error="${part}"]`);
      input.name = `payment_plan[${i}].${part}`;
      input.id = `line-${i}-${part}`;
      error.id = `line-${i}-${part}-error`;
      error.dataset.errorFor = input.name;
      input.setAttribute("aria-describedby", error.id);
      input.setAttribute("aria-label", `${T.line.replace("{n}", i + 1)}: ${T[part === "amount" ? "amount" : "due"]}`);
    }
  });
}

function sync() {
  const lines = rows().map((row) => {
    const line = {};
    const due = row.querySelector('[data-part="due_on"]').value;
    const value = row.querySelector('[data-part="amount"]').value.trim().replace(/[,，\s]/g, "");
    if (due) line.due_on = due;
    if (value) line.amount = value;
    return line;
  });
  hidden.value = JSON.stringify(lines);
  const sum = rows().reduce((s, row) => s + (cents(row.querySelector('[data-part="amount"]').value) ?? 0), 0);
  total.textContent = money.format(sum / 100);
  const target = cents(amount.value);
  left.className = "plan-left";
  if (target === null) {
    left.textContent = "";
  } else if (sum < target) {
    left.textContent = T.left.replace("{left}", money.format((target - sum) / 100));
    left.classList.add("short");
  } else if (sum > target) {
    left.textContent = T.over.replace("{over}", money.format((sum - target) / 100));
    left.classList.add("short");
  } else {
    left.textContent = T.even;
    left.classList.add("even");
  }
}

function addLine(due = "", value = "") {
  const row = template.content.firstElementChild.cloneNode(true);
  row.querySelector('[data-part="due_on"]').value = due;
  row.querySelector('[data-part="amount"]').value = value;
  row.querySelector("[data-remove]").addEventListener("click", () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    sync();
    (next?.querySelector("input") || document.getElementById("add-line")).focus();
  });
  body.append(row);
  renumber();
  sync();
  return row;
}

document.getElementById("add-line").addEventListener("click", () => {
  const all = rows();
  const lastDue = all.at(-1)?.querySelector('[data-part="due_on"]').value;
  const due = lastDue ? addMonths(lastDue, 3) : starts.value;
  const planned = all.reduce((s, row) => s + (cents(row.querySelector('[data-part="amount"]').value) ?? 0), 0);
  const target = cents(amount.value);
  const rest = target !== null && target > planned ? asText(target - planned) : "";
  addLine(due, rest).querySelector('[data-part="amount"]').focus();
});

document.getElementById("split-lines").addEventListener("click", () => {
  const target = cents(amount.value);
  if (target === null) return amount.focus();
  if (!rows().length) addLine(starts.value);
  const all = rows();
  const share = Math.floor(target / all.length);
  all.forEach((row, i) => {
    const value = i === all.length - 1 ? target - share * (all.length - 1) : share;
    row.querySelector('[data-part="amount"]').value = asText(value);
    const due = row.querySelector('[data-part="due_on"]');
    if (!due.value) due.value = i === 0 ? starts.value : addMonths(all[i - 1].querySelector('[data-part="due_on"]').value, 3);
  });
  sync();
});

// A deal chosen fills the title and amount when they are still empty.
function fromDeal() {
  const option = deal.selectedOptions[0];
  if (!option?.value) return;
  if (!title.value) title.value = option.dataset.title || "";
  if (!amount.value) amount.value = option.dataset.amount || "";
  sync();
}

// The account chosen: its opportunities become the choices (won ones first).
form.addEventListener("picker:chosen", async (event) => {
  const response = await fetch(`/api/opportunities?account_id=${event.detail.id}&limit=100`, { credentials: "same-origin" });
  if (!response.ok) return;
  const { items } = await response.json();
  items.sort((a, b) => (b.stage_kind === "won") - (a.stage_kind === "won"));
  const none = new Option(deal.dataset.none, "");
  deal.replaceChildren(none, ...items.filter((o) => o.stage_kind !== "lost").map((o) => {
    const option = new Option(`${o.name} · ${money.format(Number(o.amount))}`, o.id);
    option.dataset.amount = o.amount;
    option.dataset.title = o.name;
    return option;
  }));
});
deal.addEventListener("change", fromDeal);

form.addEventListener("input", sync);
form.addEventListener("change", sync);
form.addEventListener("submit", sync); // before forms.js (loaded after this module) sends it

addLine(starts.value, amount.value.trim());
