// What the engineer's pages share about a job: its status as the engineer sees it (the server's,
// moved on by writes still in the outbox), the offer's countdown and its two buttons.
import { h } from "./dom.js";
import * as outbox from "./outbox.js";
import { say } from "../shared/text.js";

// The status each queued action leads to.
const LEADS_TO = {
  accept: "accepted",
  decline: "declined",
  travel: "en_route",
  arrive: "on_site",
  complete: "completed",
};

/** {status, waiting}: the server's status, or the one the job's queued writes lead to. */
export function seenStatus(job, pending) {
  const mine = pending.filter((entry) => entry.meta?.job === job.id);
  if (!mine.length) return { status: job.status, waiting: false };
  return { status: LEADS_TO[mine.at(-1).meta.action] || job.status, waiting: true };
}

/** Queues a job action (accept, decline, travel, arrive, complete) through the outbox. */
export function act(job, action, body) {
  return outbox.send("POST", `/api/work-orders/${job.id}/${action}`, body, say(`label.${action}`, { id: job.id }), {
    job: job.id,
    action,
  });
}

function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The offer's answer buttons and the time left, ticking each second; when the time is up the
 * buttons go and onLapse() runs (the server has passed the job on by then).
 */
export function offerBlock(job, onLapse) {
  const left = h("p", { class: "countdown", role: "timer", "aria-live": "off" });
  const accept = h("button", { type: "button", class: "primary", onclick: () => act(job, "accept") }, say("offer.accept"));
  const decline = h("button", { type: "button", class: "secondary", onclick: () => act(job, "decline") }, say("offer.decline"));
  const buttons = h("div", { class: "buttons" }, accept, decline);
  const expires = job.offer_expires_at ? Date.parse(job.offer_expires_at) : null;
  let ticker = null;
  const tick = () => {
    if (!left.isConnected && ticker) {
      clearInterval(ticker); // the block was replaced by a newer render
      return;
    }
    const remaining = expires - Date.now();
    if (remaining > 0) {
      left.textContent = say("offer.left", { time: clock(remaining) });
      left.dataset.seconds = String(Math.ceil(remaining / 1000));
      return;
    }
    clearInterval(ticker);
    left.textContent = say("offer.lapsed");
    left.classList.add("error");
    buttons.remove();
    onLapse?.();
  };
  if (expires) {
    tick();
    ticker = setInterval(tick, 1000);
  }
  return h("div", { class: "offer-block" }, left, buttons);
}
