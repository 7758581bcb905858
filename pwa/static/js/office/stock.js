// An engineer's van stock (office/van_stock.html): the counted quantity of each part, parts added
// with the picker, saved at once with PUT /api/engineers/{id}/stock (the whole van, as counted).
// The API's errors (items[2].qty) appear beside their row, as forms.js shows any form's.
import { api } from "../shared/session.js";
import { clearErrors, showErrors } from "./forms.js";

const form = document.getElementById("stock-form");
const body = form.querySelector("tbody");
const table = form.querySelector("table");
const T = JSON.parse(document.getElementById("office-strings")?.textContent || "{}");

const rows = () => [...body.querySelectorAll("tr[data-part]")];

/** Row i is items[i] of the body sent: its input and its error slot carry that name. */
function renumber() {
  rows().forEach((row, i) => {
    row.querySelector("input").name = `items[${i}].qty`;
    row.querySelector(".field-error").dataset.errorFor = `items[${i}].qty`;
  });
}
renumber();

form.addEventListener("picker:chosen", (event) => {
  const part = event.detail;
  const found = rows().find((row) => row.dataset.part === String(part.id));
  if (found) {
    found.querySelector("input").focus();
    return;
  }
  const row = document.getElementById("stock-row").content.firstElementChild.cloneNode(true);
  row.dataset.part = part.id;
  row.cells[0].textContent = part.sku;
  row.cells[1].textContent = part.name;
  row.querySelector("input").setAttribute("aria-label", part.name);
  body.append(row);
  table.hidden = false;
  document.getElementById("stock-empty").hidden = true;
  renumber();
  row.querySelector("input").select();
});

form.noValidate = true;
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  renumber();
  const items = rows().map((row) => {
    const raw = row.querySelector("input").value.trim();
    const qty = Number(raw);
    return { part_id: Number(row.dataset.part), qty: raw !== "" && Number.isInteger(qty) ? qty : raw };
  });
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  let result;
  try {
    result = await api("PUT", `/api/engineers/${form.dataset.engineer}/stock`, { items });
  } catch {
    result = { ok: false, status: 0, data: null };
  }
  button.disabled = false;
  if (result.ok) {
    window.location.reload();
    return;
  }
  const data = result.data || {};
  if (result.status === 400 && data.errors) return showErrors(form, data.errors);
  const message = result.status === 0 ? T.offline : result.status === 403 ? T.forbidden : data.detail || T.failed;
  showErrors(form, [{ field: "items", message }]);
});
