// The rep's pipeline: open opportunities by stage with count, amount and weighted amount; a tap
// moves one (a lost stage asks why first, a won one offers its contract: contract_draft.js),
// through the outbox like every field write.
import { askForContract, showWon, startContractPrompt } from "./contract_draft.js";
import { $, fillWith, h } from "./dom.js";
import * as outbox from "./outbox.js";
import { startRepTracking } from "./rep-tracking.js";
import { keepOffline, load, me, startShell } from "./shell.js";
import { day, lang, number, say, sayCount, table } from "../shared/text.js";

await startShell();
startRepTracking();
const STAGES = "/api/stages";
const OPEN = `/api/opportunities?owner_id=${me.id}&open=true&limit=200`;
const chinese = lang.startsWith("zh");
const stageName = (stage) => (chinese && stage.name_zh) || stage.name;
const money = (amount) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Number(amount));

fillWith($("lost-reason"), Object.entries(table("sales").lost_reason || {}).map(([code, text]) =>
  h("option", { value: code }, text)));

function askLostReason() {
  const dialog = $("lost-dialog");
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? $("lost-reason").value : null), { once: true });
    dialog.showModal();
  });
}

const [stagesFound, dealsFound] = await Promise.all([load(STAGES), load(OPEN)]);
const stages = stagesFound.ok ? stagesFound.data : [];
let deals = dealsFound.ok ? dealsFound.data.items : [];
// His won deals, latest expected close first; those without a contract yet wait for one.
const WON = stages.filter((stage) => stage.kind === "won").map((stage) =>
  `/api/opportunities?owner_id=${me.id}&stage_id=${stage.id}&sort=-expected_close&limit=50`);
const wonFound = await Promise.all(WON.map(load));
if (!stagesFound.ok || !dealsFound.ok || wonFound.some((found) => !found.ok)) {
  $("pipeline-error").hidden = false;
  $("pipeline-error").textContent = say("load_failed");
}
let won = wonFound.flatMap((found) => (found.ok ? found.data.items : [])).filter((deal) => deal.contract_due);
startContractPrompt((dealId) => {
  won = won.filter((deal) => deal.id !== dealId);
  showWon(won);
});

function card(deal) {
  const select = h("select", { "aria-label": say("sales.move") },
    ...stages.map((stage) => h("option", { value: stage.id, ...(stage.id === deal.stage_id ? { selected: "" } : {}) },
      `${stageName(stage)} ${stage.probability}%`)));
  select.addEventListener("change", async () => {
    const target = stages.find((stage) => stage.id === Number(select.value));
    const body = { stage_id: target.id };
    if (target.kind === "lost") {
      const reason = await askLostReason();
      if (!reason) {
        select.value = String(deal.stage_id);
        return;
      }
      body.lost_reason = reason;
    }
    await outbox.send("PATCH", `/api/opportunities/${deal.id}`, body,
      say("sales.label_move", { name: deal.name, stage: stageName(target) }));
    deal.stage_id = target.id;
    if (target.kind !== "open") deals = deals.filter((d) => d.id !== deal.id);
    draw();
    if (target.kind === "won") {
      won = [deal, ...won.filter((d) => d.id !== deal.id)];
      showWon(won);
      askForContract(deal);
    }
  });
  return h("li", { class: "deal", "data-deal": deal.id },
    h("p", {}, h("strong", {}, deal.name), ` · ${deal.account_name}`),
    h("p", { class: "muted" }, `${money(deal.amount)} ${deal.currency} · `, say("sales.closing", { day: day(deal.expected_close) })),
    select);
}

function draw() {
  const open = stages.filter((stage) => stage.kind === "open");
  $("pipeline-count").textContent = sayCount("sales.count", deals.length);
  fillWith($("pipeline"), open.map((stage) => {
    const here = deals.filter((deal) => deal.stage_id === stage.id);
    const sum = here.reduce((total, deal) => total + Number(deal.amount), 0);
    return h("section", { class: "card stage", "data-stage": stage.id },
      h("h2", {}, h("span", {}, `${stageName(stage)} · ${stage.probability}%`), h("small", {}, number(here.length, 0))),
      h("p", { class: "muted" }, money(sum), " · ", say("sales.weighted", { amount: money((sum * stage.probability) / 100) })),
      h("ul", { class: "plain" }, ...here.map(card)));
  }));
}

draw();
showWon(won);
await keepOffline([STAGES, OPEN, ...WON]);
