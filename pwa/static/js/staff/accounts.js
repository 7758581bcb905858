// The rep's accounts: grade, VIP, last contact, and a shortcut to plan a visit.
import { $, fillWith, h } from "./dom.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, me, startShell } from "./shell.js";
import { ago, say, sayCount } from "../shared/text.js";

await startShell();
const ACCOUNTS = `/api/accounts?owner_id=${me.id}&limit=200`;
const GRADES = { A: 0, B: 1, C: 2 };

startRepTracking();
const found = await load(ACCOUNTS);
const accounts = found.ok ? found.data.items : [];
// A first, and within a grade the longest without contact first: who needs a visit most.
accounts.sort((a, b) => GRADES[a.grade] - GRADES[b.grade]
  || (a.last_contacted_at || "").localeCompare(b.last_contacted_at || ""));
$("accounts-count").textContent = found.ok ? sayCount("accounts.count", found.data.total) : say("load_failed");
$("accounts-empty").hidden = !found.ok || accounts.length > 0;
fillWith($("accounts"), accounts.map((account) =>
  h("li", { class: "account", "data-account": account.id },
    h("p", {}, h("span", { class: `chip grade grade-${account.grade}` }, say("grade", { grade: account.grade })), " ",
      h("a", { href: `/rep/accounts/${account.id}` }, h("strong", {}, account.name)), account.vip ? h("b", { class: "tag" }, " VIP") : null),
    h("p", { class: "muted" }, account.last_contacted_at
      ? say("accounts.last_contact", { when: ago(account.last_contacted_at) })
      : say("accounts.never")),
    account.address ? h("p", { class: "muted" }, account.address) : null,
    h("a", { href: `/rep?plan=${account.id}` }, say("accounts.plan")))));
await keepOffline([ACCOUNTS]);
