// The rep's to-do list of today: tasks overdue and due later today (tick them off, offline too,
// through the outbox), and the accounts and leads he claimed and has not followed up since; on
// each, a follow-up recorded on the spot (a call, a message…), with the next contact's time.
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, startShell } from "./shell.js";
import { ago, dateTime, say, sayCount, table } from "../shared/text.js";

await startShell();
const TODAY = "/api/me/today";
const RULES = table("task_rules");

startRepTracking();

/** A rule's task reads in the user's language; a person's task shows its own title. */
function taskText(task) {
  const rule = RULES[task.rule];
  return rule ? rule.replace("{name}", task.account_name || "") : task.title;
}

const METHODS = ["call", "message", "visit", "email"];
// A follow-up on a rule's task's object closes these tasks on the server (the contact is made).
const CLOSED_BY_FOLLOW_UP = ["next_contact", "not_contacted"];
let forms = 0;

/**
 * A "Record a follow-up" form about `subject` ({account_id} or {lead_id} or {opportunity_id}),
 * sent through the outbox; done() runs once it is queued.
 */
function followUpForm(subject, name, done) {
  const n = ++forms;
  const form = h("form", { class: "follow-up", novalidate: true },
    h("label", { for: `fu-method-${n}` }, say("todo.method")),
    h("select", { id: `fu-method-${n}`, name: "method" },
      METHODS.map((method) => h("option", { value: method }, say(`follow_up_methods.${method}`)))),
    h("label", { for: `fu-content-${n}` }, say("todo.content")),
    h("textarea", { id: `fu-content-${n}`, name: "content", rows: 3, maxlength: 5000, required: true }),
    h("label", { for: `fu-next-${n}` }, say("todo.next")),
    h("input", { id: `fu-next-${n}`, name: "next_contact_at", type: "datetime-local" }),
    h("p", { class: "error", role: "alert", hidden: true }),
    h("button", { type: "submit", class: "primary wide" }, say("todo.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = form.elements.content.value.trim();
    const error = form.querySelector(".error");
    if (!content) {
      error.hidden = false;
      error.textContent = say("todo.content_needed");
      return;
    }
    const next = form.elements.next_contact_at.value;
    const body = { ...subject, method: form.elements.method.value, content };
    if (next) body.next_contact_at = new Date(next).toISOString();
    await outbox.send("POST", "/api/follow-ups", body, say("label.follow_up", { name }));
    done();
  });
  return h("details", { class: "follow-up" }, h("summary", {}, say("todo.follow_up")), form);
}

function followUpSubject(task) {
  if (["account", "lead", "opportunity"].includes(task.object_kind)) {
    return { [`${task.object_kind}_id`]: task.object_id };
  }
  return task.account_id ? { account_id: task.account_id } : null;
}

function taskItem(task) {
  const item = h("li", { class: `task${task.overdue ? " overdue" : ""}`, "data-task": task.id },
    h("p", {}, h("strong", {}, taskText(task))),
    task.rule && task.title !== taskText(task) ? h("p", { class: "muted", lang: "en" }, task.title) : null,
    h("p", { class: "muted" }, say("todo.due", { when: dateTime(task.due_at) })),
    task.account_id ? h("a", { href: `/rep?plan=${task.account_id}` }, say("accounts.plan")) : null,
    " ",
    h("button", { type: "button", class: "primary" }, say("todo.done")));
  item.querySelector("button").addEventListener("click", async () => {
    await outbox.send("POST", `/api/tasks/${task.id}/done`, null, say("label.task_done", { title: taskText(task) }));
    item.remove();
    showEmpty();
  });
  const subject = followUpSubject(task);
  if (subject) {
    item.append(followUpForm(subject, task.account_name || task.title, () => {
      if (CLOSED_BY_FOLLOW_UP.includes(task.rule)) item.remove();
      else item.querySelector("details").replaceWith(h("p", { class: "ok" }, say("todo.recorded")));
      showEmpty();
    }));
  }
  return item;
}

function unfollowedItem(entry) {
  const item = h("li", { class: "unfollowed", "data-kind": entry.kind, "data-id": entry.id },
    h("p", {}, h("span", { class: "chip" }, say(`todo.kind.${entry.kind}`)), " ", h("strong", {}, entry.name)),
    h("p", { class: "muted" }, say("todo.claimed", { when: ago(entry.claimed_at) })),
    entry.kind === "account" ? h("a", { href: `/rep?plan=${entry.id}` }, say("accounts.plan")) : null);
  // Followed up now: it leaves the list.
  item.append(followUpForm({ [`${entry.kind}_id`]: entry.id }, entry.name, () => {
    item.remove();
    showEmpty();
  }));
  return item;
}

function showEmpty() {
  const left = document.querySelectorAll("#todo-overdue li, #todo-today li, #todo-unfollowed li").length;
  $("todo-empty").hidden = left > 0;
}

const found = await load(TODAY);
if (!found.ok) {
  $("todo-error").hidden = false;
  $("todo-error").textContent = say("load_failed");
} else {
  const { overdue, today, unfollowed } = found.data;
  $("todo-overdue-count").textContent = sayCount("todo.count", overdue.total);
  $("todo-today-count").textContent = sayCount("todo.count", today.total);
  $("todo-unfollowed-count").textContent = sayCount("todo.count", unfollowed.total);
  fillWith($("todo-overdue"), overdue.items.map(taskItem));
  fillWith($("todo-today"), today.items.map(taskItem));
  fillWith($("todo-unfollowed"), unfollowed.items.map(unfollowedItem));
  showEmpty();
}
await keepOffline([TODAY]);
