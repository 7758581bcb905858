// The customer's pages behind the QR sticker: file a request, follow it, rate the finished job.
// Every word shown comes from the page (#fl-strings), already in the visitor's language.
import { wireFollow } from "./follow.js";
import { say } from "../shared/text.js";
import { localizeTimes } from "../shared/times.js";

const strings = JSON.parse(document.getElementById("fl-strings")?.textContent || "{}");
const lang = document.documentElement.lang || "en";
const REFRESH_EVERY_MS = 30_000;

async function sendJson(method, url, body) {
  try {
    const response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", // the public API needs no session, only the token in the URL
    });
    const data = await response.json().catch(() => null);
    return { status: response.status, data, retryAfter: Number(response.headers.get("Retry-After")) };
  } catch {
    return { status: 0, data: null, retryAfter: 0 };
  }
}

const postJson = (url, body) => sendJson("POST", url, body);

function waitMessage(seconds) {
  const wait = Number.isFinite(seconds) && seconds > 0 ? seconds : 60;
  return wait < 120
    ? say("too_many_seconds", { seconds: wait })
    : say("too_many_minutes", { minutes: Math.ceil(wait / 60) });
}

function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error, .form-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

function showFormError(form, message) {
  const slot = form.querySelector(".form-error");
  slot.textContent = message;
  slot.hidden = false;
}

// A 400 names the offending fields: each gets our message next to it, the first one the focus.
function showFieldErrors(form, errors) {
  let first = null;
  for (const { field } of errors) {
    const name = String(field || "").split(".")[0];
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (!slot) continue;
    slot.textContent = say(`field.${name}`);
    slot.hidden = false;
    const input = form.elements.namedItem(name);
    const target = input instanceof RadioNodeList ? input[0] : input;
    target?.setAttribute?.("aria-invalid", "true");
    first ??= target;
  }
  if (first) first.focus();
  else showFormError(form, say("invalid"));
}

// One place that turns a failed answer (other than a 400's fields) into words.
function problem(result, conflictKey = "failed") {
  if (result.status === 429) return waitMessage(result.retryAfter);
  if (result.status === 404) return say("gone");
  if (result.status === 409) return say(conflictKey);
  if (result.status === 0) return say("offline");
  return say("failed");
}

function explain(form, result, conflictKey = "failed") {
  if (result.status === 400) showFieldErrors(form, result.data?.errors || []);
  else showFormError(form, problem(result, conflictKey));
}

async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  const label = button.textContent;
  button.disabled = true;
  button.textContent = say("sending");
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function wireRequestForm(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      clearErrors(form);
      const body = Object.fromEntries(
        ["name", "phone", "description"].map((name) => [name, form.elements[name].value.trim()]),
      );
      const result = await postJson(form.dataset.action, body);
      if (result.status === 201) window.location.assign(form.dataset.track + result.data.id);
      else explain(form, result);
    });
  });
}

// The tracking view: refreshed by fetching this page again and swapping in its live part,
// so the status is rendered in one place only (the server's template).
let view = document.getElementById("request-view");

function note(message) {
  const slot = view?.querySelector("[data-refresh-note]");
  if (slot) slot.textContent = message;
}

async function refresh() {
  let response;
  try {
    response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  } catch {
    note(say("offline"));
    return;
  }
  if (response.status === 429) return note(waitMessage(Number(response.headers.get("Retry-After"))));
  if (!response.ok) return note(say(response.status === 404 ? "gone" : "failed"));
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("request-view");
  if (!fresh || !view) return;
  // The follow block keeps its state (and any answer it shows); a finished job has none.
  const follow = view.querySelector("#follow");
  const slot = fresh.querySelector("#follow");
  if (follow && slot) slot.replaceWith(follow);
  view.replaceWith(fresh);
  view = fresh;
  localizeTimes(view);
  wireView();
  note(say("updated", { time: new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(new Date()) }));
}

function wireRatingForm(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(form, async () => {
      clearErrors(form);
      const score = form.querySelector("input[name=score]:checked");
      const comment = form.elements.comment.value.trim();
      const body = {};
      if (score) body.score = Number(score.value);
      if (comment) body.comment = comment;
      const result = await postJson(form.dataset.action, body);
      if (result.status === 201) await refresh(); // the server's view says thanks
      else explain(form, result, "not_rateable");
    });
  });
}

function wireView() {
  if (!view) return;
  const follow = view.querySelector("#follow");
  if (follow && !follow.dataset.wired) {
    follow.dataset.wired = "true";
    wireFollow(follow, { say, sendJson, problem });
  }
  view.querySelector("[data-refresh]")?.addEventListener("click", refresh);
  const rating = view.querySelector("#rating-form");
  if (rating) wireRatingForm(rating);
}

const requestForm = document.getElementById("request-form");
if (requestForm) wireRequestForm(requestForm);
localizeTimes(document);
wireView();
if (view) {
  // Follows the job while it moves; stops once it is done, so a half-typed rating is never lost.
  setInterval(() => {
    if (!document.hidden && view.dataset.final !== "true") refresh();
  }, REFRESH_EVERY_MS);
  // The worker passes on each push about this request: show the news now, not at the next poll.
  navigator.serviceWorker?.addEventListener("message", (event) => {
    const { type, payload } = event.data || {};
    if (type === "push" && String(payload?.work_order_id) === view.dataset.request) refresh();
  });
  navigator.serviceWorker?.startMessages();
}
