// The settings page's stages table (office/settings.html): rows added, removed and moved, then
// the whole list sent in its order with PUT /api/stages. Row i is [i] of the body: its inputs'
// error slots carry "[i].name" and so on, so the API's messages land in their cells, all at once
// (forms.js shows them); nothing typed is lost on a refusal. The other sections are plain
// forms.js forms.
import { api } from "../shared/session.js";
import { clearErrors, showErrors } from "./forms.js";

const form = document.getElementById("stages-form");
const body = form.querySelector("tbody");
const T = JSON.parse(document.getElementById("office-strings")?.textContent || "{}");

const rows = () => [...body.querySelectorAll("tr")];

function renumber() {
  rows().forEach((row, i) => {
    row.querySelector(".position").textContent = String(i + 1);
    for (const input of row.querySelectorAll("[data-field]")) {
      input.name = `[${i}].${input.dataset.field}`;
      input.id = `stage-${i}-${input.dataset.field}`;
    }
    for (const slot of row.querySelectorAll("[data-slot]")) {
      slot.dataset.errorFor = `[${i}].${slot.dataset.slot}`;
    }
  });
}
renumber();

document.getElementById("add-stage").addEventListener("click", () => {
  const row = document.getElementById("stage-row").content.firstElementChild.cloneNode(true);
  const last = rows().filter((r) => r.querySelector('[data-field="kind"]').value === "open").at(-1);
  if (last) last.after(row);
  else body.prepend(row);
  renumber();
  row.querySelector('[data-field="name"]').focus();
});

body.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const row = button.closest("tr");
  if (button.dataset.remove !== undefined) {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    next?.querySelector("input")?.focus();
  } else if (button.dataset.move === "-1" && row.previousElementSibling) {
    row.previousElementSibling.before(row);
    button.focus();
  } else if (button.dataset.move === "1" && row.nextElementSibling) {
    row.nextElementSibling.after(row);
    button.focus();
  }
  renumber();
});

function stageOf(row) {
  const value = (field) => row.querySelector(`[data-field="${field}"]`).value.trim();
  const raw = value("probability");
  const probability = raw !== "" && Number.isInteger(Number(raw)) ? Number(raw) : raw;
  const stage = { name: value("name"), name_zh: value("name_zh"), probability, kind: value("kind") };
  if (row.dataset.stage) stage.id = Number(row.dataset.stage);
  return stage;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  renumber();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  let result;
  try {
    result = await api("PUT", "/api/stages", rows().map(stageOf));
  } catch {
    result = { ok: false, status: 0, data: null };
  }
  button.disabled = false;
  const data = result.data || {};
  if (result.ok) {
    // The saved list: new stages get their ids, so a second save changes them, not adds again.
    rows().forEach((row, i) => { if (data[i]) row.dataset.stage = data[i].id; });
    form.querySelector("[data-saved]").hidden = false;
    return;
  }
  if (result.status === 400 && data.errors) return showErrors(form, data.errors);
  const message = result.status === 0 ? T.offline : result.status === 403 ? T.forbidden : data.detail || T.failed;
  showErrors(form, [{ field: "body", message }]);
});
