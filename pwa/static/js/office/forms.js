// Forms of the back office. A <form data-api="/api/…"> sends its fields to the JSON API (the same
// endpoint, rules and messages as any API client); a 400 puts every message beside its field at
// once, a likely duplicate shows its matches with "Create anyway", and since the page never
// navigates away on a failure, nothing typed is lost.
import { api } from "../shared/session.js";

const T = JSON.parse(document.getElementById("office-strings")?.textContent || "{}");

// The API speaks English; the common messages are said again in the page's language.
const MESSAGES = [
  [/missing required field/i, () => T.required],
  [/Expected `str` of length <= (\d+)/, (m) => T.too_long?.replace("{n}", m[1])],
  [/Expected `str` of length >= (\d+)/, (m) => (m[1] === "1" ? T.required : T.too_short?.replace("{n}", m[1]))],
  [/Expected `(?:int|float|number)` >= (-?[\d.]+)/, (m) => T.at_least?.replace("{n}", m[1])],
  [/Expected `(?:int|float|number)` <= (-?[\d.]+)/, (m) => T.at_most?.replace("{n}", m[1])],
  [/Expected `(?:int|float|number)/, () => T.number],
  [/Expected `str` matching regex/, () => T.format],
  [/Invalid enum value/, () => T.choice],
  [/Expected `date`/, () => T.date],
];

// A page may say its API's own messages again too: <script type="application/json"
// id="page-messages">[{"pattern": "…", "text": "… {1} …"}]</script> ({n}: the pattern's groups).
for (const { pattern, text } of JSON.parse(document.getElementById("page-messages")?.textContent || "[]")) {
  MESSAGES.unshift([new RegExp(pattern), (m) => text.replace(/\{(\d)\}/g, (_, n) => m[Number(n)] ?? "")]);
}

export function say(message) {
  for (const [pattern, make] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return make(match) || message;
  }
  return message;
}

function valueOf(element) {
  if (element.type === "checkbox") return element.checked;
  const raw = element.value.trim();
  const kind = element.dataset.kind;
  if (kind === "list") return raw ? raw.split(/[,，\n]/).map((s) => s.trim()).filter(Boolean) : [];
  if (raw === "") return element.dataset.blank === "null" ? null : undefined;
  if (kind === "int" || kind === "float") {
    const number = Number(raw);
    return Number.isFinite(number) ? number : raw; // the API names a non-number itself
  }
  if (kind === "bool") return raw === "true";
  if (kind === "json") {
    try { return JSON.parse(raw); } catch { return raw; }
  }
  return raw;
}

/** Whether a field differs from what the page was rendered with. */
function changed(element) {
  if (element.type === "checkbox" || element.type === "radio") return element.checked !== element.defaultChecked;
  if (element.tagName === "SELECT") return [...element.options].some((o) => o.selected !== o.defaultSelected);
  if (element.type === "hidden") return true;
  return element.value !== element.defaultValue;
}

/** The form's fields as a JSON body; "plan.every" nests, empty fields are left out; a
    data-changed-only form (an edit) sends only what was changed. */
export function collect(form) {
  const body = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled || element.dataset.skip !== undefined) continue;
    if (element.type === "radio" && !element.checked) continue;
    if (form.dataset.changedOnly !== undefined && !changed(element)) continue;
    const value = valueOf(element);
    if (value === undefined) continue;
    const path = element.name.split(".");
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] ??= {};
    target[path.at(-1)] = value;
  }
  return body;
}

function slotFor(form, field) {
  const names = [field, field.replace(/\[\d+\].*$/, ""), field.split(".")[0]];
  for (const name of names) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) return slot;
  }
  return null;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const box of form.querySelectorAll("[data-form-errors], [data-duplicates], [data-saved]")) box.hidden = true;
}

/** Every error beside its field; those without a field of their own in the form's list. */
export function showErrors(form, errors) {
  const summary = form.querySelector("[data-form-errors]");
  const list = summary?.querySelector("ul");
  if (list) list.replaceChildren();
  let first = null;
  for (const { field, message } of errors) {
    const slot = slotFor(form, field || "body");
    const text = say(message);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
      slot.hidden = false;
      const input = form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor)}"]`);
      input?.setAttribute("aria-invalid", "true");
      first ??= input;
    } else if (list) {
      const item = document.createElement("li");
      item.textContent = field && field !== "body" ? `${field}: ${text}` : text;
      list.append(item);
    }
  }
  if (summary) summary.hidden = false;
  (first || summary)?.focus?.();
}

function showDuplicates(form, data) {
  const box = form.querySelector("[data-duplicates]");
  if (!box) return false;
  const matches = data.matches || (data.duplicate_of ? [{ type: "account", id: data.duplicate_of }] : []);
  const list = box.querySelector("ul");
  list.replaceChildren(...matches.map((match) => {
    const item = document.createElement("li");
    const target = match.type === "contact" ? match.account_id ?? match.id : match.id;
    let shown = match.name || `#${match.id}`;
    if (target != null) { // a colleague's match, to a rep: that it exists and whose, no link
      shown = document.createElement("a");
      shown.href = `/${match.type === "lead" ? "leads" : "accounts"}/${target}`;
      shown.target = "_blank";
      shown.textContent = match.name || `#${match.id}`;
    }
    item.append(`${T.kinds?.[match.type] || match.type}: `, shown);
    if (match.owner_name || match.pool) item.append(` · ${match.pool ? T.pool : match.owner_name}`);
    const on = (match.matched_on || []).map((key) => T.matched_on?.[key] || key);
    if (on.length) item.append(` (${on.join(", ")})`);
    return item;
  }));
  // Only a creation may be forced through (?force=true); a change must avoid the likeness.
  const force = box.querySelector("[data-force]");
  if (force) force.hidden = (form.dataset.method || "POST") !== "POST";
  box.hidden = false;
  if (force && !force.hidden) force.focus();
  return true;
}

function then(form, data) {
  const next = form.dataset.then || "";
  form.dispatchEvent(new CustomEvent("office:saved", { detail: data, bubbles: true }));
  if (next === "reload") window.location.reload();
  else if (next.startsWith("/")) window.location.assign(next.replace(/\{(\w+)\}/g, (_, key) => data?.[key] ?? ""));
  else {
    const saved = form.querySelector("[data-saved]");
    if (saved) saved.hidden = false;
  }
}

/** A pool rule's refusal (409 {rule, cap, held, until, …}) in the page's language. */
function ruleText(text, data) {
  return text.replace(/\{(\w+)\}/g, (_, key) => {
    const value = data[key] ?? "";
    return key === "until" ? String(value).slice(0, 10) : String(value);
  });
}

export async function submit(form, { force = false } = {}) {
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const body = form.dataset.body === "none" ? undefined : collect(form);
  const path = form.dataset.api + (force ? (form.dataset.api.includes("?") ? "&" : "?") + "force=true" : "");
  let result;
  try {
    result = await api(form.dataset.method || "POST", path, body);
  } catch {
    result = { ok: false, status: 0, data: null };
  }
  if (button) button.disabled = false;
  const data = result.data || {};
  if (result.ok) return then(form, result.data);
  if (result.status === 409 && (data.matches || data.duplicate_of) && showDuplicates(form, data)) return;
  if (result.status === 400 && data.errors) return showErrors(form, data.errors);
  const field = result.status === 409 && data.field ? data.field : "body";
  const rule = result.status === 409 && data.rule && T.rules?.[data.rule];
  const detail = result.status === 0 ? T.offline : result.status === 403 ? T.forbidden
    : rule ? ruleText(rule, data) : data.detail || T.failed;
  showErrors(form, [{ field, message: detail }]);
}

export function enhance(form) {
  form.noValidate = true; // the API checks every field at once; the browser would stop at one
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
  form.querySelector("[data-force]")?.addEventListener("click", () => submit(form, { force: true }));
}

for (const form of document.querySelectorAll("form[data-api]")) enhance(form);
