// What the engineer's pages share about a job: its status as the engineer sees it (the server's,
// moved on by writes still in the outbox), the offer's countdown and its two buttons.
import { h } from "./dom.js";
import * as outbox from "./outbox.js";
import { say, table } from "../shared/text.js";

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
  // A photo or a pause queued after the completion leaves the job completed.
  const step = mine.filter((entry) => LEADS_TO[entry.meta.action]).at(-1);
  return { status: step ? LEADS_TO[step.meta.action] : job.status, waiting: true };
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
  const decline = h("button", { type: "button", class: "secondary", onclick: () => askReason() }, say("offer.decline"));
  const answers = h("div", { class: "buttons" }, accept, decline);
  const buttons = h("div", {}, answers);
  // Declining asks why (the dispatch board shows it): a short list, "other" with a few words.
  const askReason = () => {
    const reasons = table("decline_reasons");
    const note = h("input", { type: "text", name: "note", maxlength: "300", "aria-label": say("decline.note"), hidden: true });
    const error = h("p", { class: "error", role: "alert", hidden: true });
    const choices = Object.entries(reasons).map(([code, text]) =>
      h("label", { class: "choice" },
        h("input", { type: "radio", name: `reason-${job.id}`, value: code,
          onchange: () => { note.hidden = code !== "other"; if (!note.hidden) note.focus(); } }),
        " ", text));
    const form = h("form", { class: "decline-reason" },
      h("fieldset", {}, h("legend", {}, say("decline.title")), ...choices, note),
      error,
      h("div", { class: "buttons" },
        h("button", { type: "submit", class: "primary" }, say("decline.send")),
        h("button", { type: "button", class: "secondary", onclick: () => form.replaceWith(answers) }, say("decline.back"))));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[type=radio]:checked")?.value;
      if (!picked) {
        error.textContent = say("decline.pick");
        error.hidden = false;
        return;
      }
      const text = note.value.trim();
      act(job, "decline", text && picked === "other" ? { reason: picked, note: text } : { reason: picked });
    });
    answers.replaceWith(form);
    form.querySelector("input[type=radio]").focus();
  };
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

/**
 * Calls onOffer() the moment a job is offered to this engineer, while the app is open: the live
 * stream (GET /api/me/events) says so, no push needed; each (re)connection reads once too, for
 * what came while it was away. Only when the stream cannot connect does the page look every
 * half-minute instead.
 */
export function listenForOffers(onOffer, pollMs = 30_000) {
  let poller = null;
  const poll = () => {
    poller ??= setInterval(() => {
      if (navigator.onLine && document.visibilityState === "visible") onOffer();
    }, pollMs);
  };
  const stopPolling = () => {
    clearInterval(poller);
    poller = null;
  };
  if (!("EventSource" in window)) {
    poll();
    return;
  }
  const connect = () => {
    const source = new EventSource("/api/me/events");
    source.addEventListener("hello", () => {
      stopPolling();
      document.body.dataset.live = "on";
      onOffer();
    });
    source.addEventListener("change", () => onOffer());
    source.addEventListener("error", () => {
      document.body.dataset.live = "off";
      poll();
      // A refused stream (signed out, the server without live updates) is not retried by the
      // browser: try again later, polling meanwhile.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 15_000);
    });
  };
  connect();
}
