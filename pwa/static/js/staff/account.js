// One account for its rep: details, contacts, devices, open opportunities, contracts with what was
// received and what is overdue, the newest activity; a pool account is claimed through the outbox.
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, showRecord, startShell } from "./shell.js";
import { ago, dateTime, day, lang, say } from "../shared/text.js";

await startShell();
startRepTracking();
const id = Number(location.pathname.split("/").pop());
const paths = {
  account: `/api/accounts/${id}`,
  contacts: `/api/accounts/${id}/contacts`,
  deals: `/api/opportunities?account_id=${id}&open=true&limit=50`,
  contracts: `/api/contracts?account_id=${id}&limit=50`,
  devices: `/api/devices?account_id=${id}&limit=50`,
  recent: `/api/accounts/${id}/timeline?limit=10`,
};
const money = (amount) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Number(amount));
const empty = () => h("li", { class: "muted" }, say("sales.empty"));
const items = (found) => (found.ok ? found.data.items ?? found.data : []);

const account = showRecord(await load(paths.account), "account", false);
if (account) {
  const [contacts, deals, contracts, devices, recent] = await Promise.all(
    ["contacts", "deals", "contracts", "devices", "recent"].map((key) => load(paths[key])));
  $("account-name").textContent = account.name;
  $("account-grade").textContent = say("grade", { grade: account.grade });
  $("account-owner").textContent = account.pool ? say("sales.in_pool") : say("sales.owned_by", { name: account.owner_name });
  $("account-address").textContent = account.address || "";
  fillWith($("account-phone"), account.phone ? h("a", { href: `tel:${account.phone}` }, account.phone) : null);
  $("account-contacted").textContent = account.last_contacted_at
    ? say("accounts.last_contact", { when: ago(account.last_contacted_at) }) : say("accounts.never");
  const claim = $("account-claim");
  claim.hidden = !account.pool;
  claim.addEventListener("click", async () => {
    claim.disabled = true;
    $("account-claim-status").textContent = say("sales.queued");
    await outbox.send("POST", `/api/accounts/${id}/claim`, null, say("sales.label_claim", { name: account.name }), { claim: id, kind: "account" });
  });
  outbox.onDelivered(({ entry, ok, data }) => {
    if (entry.meta?.claim !== id) return;
    $("account-claim-status").textContent = ok ? say("sales.claimed") : say(`sales.rule.${data?.rule}`);
    claim.hidden = ok;
    claim.disabled = false;
  });
  // A draft (e.g. drawn up when its deal was won) goes for approval, or straight to active below
  // the approval threshold: the server decides and answers with the new status.
  const submitContract = async (contract, button) => {
    button.disabled = true;
    await outbox.send("POST", `/api/contracts/${contract.id}/submit`, null,
      say("sales.contract.label_submit", { number: contract.number }), { submit: contract.id });
    button.textContent = say("sales.queued");
  };
  outbox.onDelivered(({ entry, ok, data }) => {
    const row = entry.meta?.submit && document.querySelector(`[data-contract="${entry.meta.submit}"]`);
    if (!row) return;
    if (ok) {
      row.querySelector(".contract-status").textContent = say(`sales.contract_status.${data.status}`);
      row.querySelector("button")?.remove();
    } else {
      const button = row.querySelector("button");
      button.disabled = false;
      button.textContent = say("sales.contract.submit");
    }
  });
  const list = (slot, rows, draw) => fillWith($(slot), ...(rows.length ? rows.map(draw) : [empty()]));
  list("account-contacts", items(contacts), (c) => h("li", {},
    h("strong", {}, c.name), c.title ? ` · ${c.title}` : "", c.decision_maker ? h("b", { class: "tag" }, " ★") : null,
    c.phone ? h("p", {}, h("a", { href: `tel:${c.phone}` }, c.phone)) : null));
  list("account-deals", items(deals), (d) => h("li", {},
    h("strong", {}, d.name), ` · ${(lang.startsWith("zh") && d.stage_name_zh) || d.stage_name} ${d.probability}%`,
    h("p", { class: "muted" }, `${money(d.amount)} ${d.currency} · `, say("sales.closing", { day: day(d.expected_close) }))));
  list("account-contracts", items(contracts), (c) => h("li", { class: Number(c.overdue) > 0 ? "overdue" : "", "data-contract": c.id },
    h("strong", {}, `${c.number} · ${c.title}`), " · ", h("span", { class: "contract-status" }, say(`sales.contract_status.${c.status}`)),
    h("p", { class: "muted" }, say("sales.paid_of", { received: money(c.received), amount: money(c.amount) }),
      Number(c.overdue) > 0 ? h("b", { class: "chip bad" }, ` ${say("sales.overdue", { amount: money(c.overdue) })}`) : null),
    c.status === "draft" ? h("button", { type: "button", onclick: (event) => submitContract(c, event.target) }, say("sales.contract.submit")) : null));
  list("account-devices", items(devices), (d) => h("li", {},
    h("strong", {}, d.product_name), ` · ${d.serial}`));
  list("account-recent", items(recent), (r) => h("li", {},
    h("p", {}, r.summary), h("p", { class: "muted" }, dateTime(r.at), r.actor ? ` · ${r.actor}` : "")));
}
await keepOffline(Object.values(paths));
