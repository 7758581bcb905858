// An import from Excel or CSV (office/imports.html): the file is read for its columns and the
// mapping guessed from their headers (POST /api/imports/preview), the user corrects the mapping,
// a dry run checks every row and writes nothing (POST /api/imports, mode dry_run), and only then
// the commit writes the valid rows. The file stays chosen and every choice stays made on any
// refusal; the API's messages appear beside the field they name (forms.js).
import { cookie } from "../shared/session.js";
import { clearErrors, showErrors } from "./forms.js";

const form = document.getElementById("import-form");
const W = JSON.parse(document.getElementById("import-strings").textContent);
const T = JSON.parse(document.getElementById("office-strings")?.textContent || "{}");
const $ = (id) => document.getElementById(id);
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

let preview = null; // the columns and fields of the file as last read
let checked = false; // a dry run passed with the mapping shown

async function send(path, fields) {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  try {
    const response = await fetch(path, {
      method: "POST", body, credentials: "same-origin", headers: { "X-CSRF-Token": cookie("fl_csrf") },
    });
    return { ok: response.ok, status: response.status, data: await response.json().catch(() => null) };
  } catch {
    return { ok: false, status: 0, data: null };
  }
}

function refused(result) {
  const data = result.data || {};
  if (result.status === 400 && data.errors) return showErrors(form, data.errors);
  const message = result.status === 0 ? T.offline : result.status === 403 ? T.forbidden : data.detail || T.failed;
  showErrors(form, [{ field: result.status === 413 ? "file" : "body", message }]);
}

function file() {
  return $("f-file").files[0];
}

function mapping() {
  const chosen = {};
  for (const select of form.querySelectorAll("select[data-column]")) chosen[select.dataset.column] = select.value || null;
  return chosen;
}

function stale() {
  checked = false;
  $("step-report").hidden = true;
  $("commit").disabled = true;
}

function showMissing() {
  const chosen = new Set(Object.values(mapping()));
  const missing = preview.fields.filter((f) => f.required && !chosen.has(f.name)).map((f) => W.fields[f.name] || f.name);
  $("missing").textContent = missing.length ? fill(W.missing, { fields: missing.join(", ") }) : "";
  $("missing").hidden = !missing.length;
}

function drawMapping() {
  $("file-facts").textContent = fill(W.facts, { file: preview.filename, rows: preview.rows, columns: preview.columns.length });
  const rows = preview.columns.map((column, i) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = column;
    const sample = document.createElement("td");
    sample.className = "sample";
    sample.textContent = preview.sample.map((cells) => cells[i]).filter((v) => v !== null && v !== "").slice(0, 3).join(" · ");
    const cell = document.createElement("td");
    const select = document.createElement("select");
    select.dataset.column = column;
    select.name = `mapping.${column}`;
    select.id = `map-${i}`;
    select.setAttribute("aria-label", column);
    select.append(new Option(W.not_imported, ""));
    for (const field of preview.fields) {
      const label = (W.fields[field.name] || field.name) + (field.required ? ` (${W.required})` : "");
      select.append(new Option(label, field.name, false, preview.mapping[column] === field.name));
    }
    const slot = document.createElement("p");
    slot.className = "field-error";
    slot.dataset.errorFor = `mapping.${column}`;
    slot.hidden = true;
    cell.append(select, slot);
    row.append(name, sample, cell);
    return row;
  });
  form.querySelector(".mapping-table tbody").replaceChildren(...rows);
  $("step-mapping").hidden = false;
  showMissing();
}

function figure(label, value) {
  const term = document.createElement("dt");
  term.textContent = label;
  const number = document.createElement("dd");
  number.textContent = value;
  const pair = document.createElement("div");
  pair.append(term, number);
  return pair;
}

const MESSAGES = W.messages.map(([pattern, text]) => [new RegExp(pattern), text]);

/** A row's problem in the page's language (the API words them in English). */
function said(message) {
  for (const [pattern, text] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return text.replace(/\{(\d)\}/g, (_, i) => match[Number(i)] ?? "");
  }
  return message;
}

function problemRows(items) {
  return items.map((p) => {
    const row = document.createElement("tr");
    for (const [value, css] of [[p.row, "num"], [W.fields[p.field] || p.field || "–", ""], [said(p.message), ""]]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      if (css) cell.className = css;
      row.append(cell);
    }
    return row;
  });
}

function drawReport(report) {
  const commit = report.mode === "commit";
  $("report-title").textContent = commit ? W.commit_title : W.dry_title;
  $("report-note").textContent = commit ? W.commit_note : W.dry_note;
  const figures = [
    [W.rows, report.rows], [W.valid, report.valid],
    [commit ? W.created : W.would_create, report.created],
    [commit ? W.updated : W.would_update, report.updated],
    [commit ? W.skipped : W.would_skip, report.skipped],
    [W.errors, report.errors_total],
  ];
  $("figures").replaceChildren(...figures.map(([label, value]) => figure(label, value)));
  $("figures").dataset.mode = report.mode;
  $("no-position").textContent = fill(W.no_position, { n: report.no_position_total });
  $("no-position").hidden = !report.no_position_total;
  $("problems").hidden = !report.errors_total;
  $("errors-total").textContent = report.errors_total > report.errors.length ? fill(W.shown, { shown: report.errors.length, total: report.errors_total }) : "";
  if (report.errors_url) $("errors-link").href = report.errors_url;
  $("error-rows").replaceChildren(...problemRows(report.errors));
  $("skipped-box").hidden = !report.skipped;
  $("skipped-total").textContent = `(${report.skipped})`;
  $("skipped-rows").replaceChildren(...problemRows(report.skipped_rows));
  $("step-report").hidden = false;
  $("commit").disabled = commit || report.valid === 0;
  $("commit").hidden = commit;
  $("step-report").scrollIntoView({ block: "nearest" });
}

async function busy(button, work) {
  clearErrors(form);
  button.disabled = true;
  try {
    await work();
  } finally {
    button.disabled = button.id === "commit" ? !checked : false; // a commit needs a fresh dry run
  }
}

$("read-file").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  if (!file()) return showErrors(form, [{ field: "file", message: W.choose_file }]);
  const result = await send("/api/imports/preview", { file: file(), kind: $("f-kind").value });
  if (!result.ok) return refused(result);
  preview = result.data;
  stale();
  drawMapping();
}));

async function run(mode) {
  if (!file()) return showErrors(form, [{ field: "file", message: W.choose_file }]);
  const result = await send("/api/imports", {
    file: file(), kind: $("f-kind").value, mode, on_duplicate: $("f-on_duplicate").value, mapping: JSON.stringify(mapping()),
  });
  if (!result.ok) return refused(result);
  checked = mode === "dry_run";
  drawReport(result.data);
}

$("dry-run").addEventListener("click", (event) => busy(event.currentTarget, () => run("dry_run")));
$("commit").addEventListener("click", (event) => busy(event.currentTarget, async () => {
  if (checked) await run("commit");
}));

form.addEventListener("change", (event) => {
  if (event.target.matches("select[data-column]")) {
    stale();
    showMissing();
  } else if (event.target.matches("#f-file, #f-kind")) {
    preview = null;
    stale();
    $("step-mapping").hidden = true;
  } else if (event.target.matches("#f-on_duplicate")) {
    stale();
  }
});
form.addEventListener("submit", (event) => event.preventDefault());
