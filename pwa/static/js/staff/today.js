// The rep's to-do list of today: tasks overdue and due later today (tick them off, offline too,
// through the outbox), and the accounts and leads he claimed and has not followed up since.
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
  return item;
}

function unfollowedItem(entry) {
  return h("li", { class: "unfollowed", "data-kind": entry.kind, "data-id": entry.id },
    h("p", {}, h("span", { class: "chip" }, say(`todo.kind.${entry.kind}`)), " ", h("strong", {}, entry.name)),
    h("p", { class: "muted" }, say("todo.claimed", { when: ago(entry.claimed_at) })),
    entry.kind === "account" ? h("a", { href: `/rep?plan=${entry.id}` }, say("accounts.plan")) : null);
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
