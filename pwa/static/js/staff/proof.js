// Proof of work on the job page: photos made smaller on the phone and queued in the outbox, the
// customer's signature (signature_pad, kept on the phone until the completion carries it), pauses
// with a reason, the labour minutes, and whether the device is under contract or warranty.
import { $, fillWith, h, showError } from "./dom.js";
import * as outbox from "./outbox.js";
import { lang, number, say, table, time } from "../shared/text.js";

const MAX_SIDE = 1600; // px: the longer side of a photo as uploaded
const JPEG_QUALITY = 0.85;
const MAX_PHOTOS = 30; // the server keeps at most this many per job
const CAPTURE = ["on_site", "completed"]; // when photos may be added
const core = self.fieldlineOutbox;
const words = () => table("proof");

// --- photos ------------------------------------------------------------------------------------

function pictureOf(file) {
  // createImageBitmap turns a phone's photo upright (EXIF orientation); an <img> where it fails.
  return createImageBitmap(file).catch(() => new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = url;
  }));
}

/** The photo as a JPEG of at most MAX_SIDE px on its longer side: {data: ArrayBuffer, width, height}. */
export async function shrink(file) {
  const picture = await pictureOf(file);
  const width = picture.naturalWidth || picture.width;
  const height = picture.naturalHeight || picture.height;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext("2d").drawImage(picture, 0, 0, canvas.width, canvas.height);
  picture.close?.();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((made) => (made ? resolve(made) : reject(new Error("toBlob"))), "image/jpeg", JPEG_QUALITY);
  });
  return { data: await blob.arrayBuffer(), width: canvas.width, height: canvas.height };
}

const stageName = (stage) => words().stage?.[stage] || stage;
const photoEntries = (jobId, pending) =>
  pending.filter((entry) => entry.meta?.job === jobId && entry.meta.action === "photo");

async function queuePhoto(job, stage, file) {
  const { data } = await shrink(file);
  await outbox.send(
    "POST",
    `/api/work-orders/${job.id}/photos`,
    undefined,
    say("proof.label_photo", { id: job.id, stage: stageName(stage) }),
    { job: job.id, action: "photo", stage },
    { fields: { stage }, file: { field: "file", name: `job-${job.id}-${stage}.jpg`, type: "image/jpeg", data } },
  );
}

const previews = new Map(); // outbox entry's seq → object URL of its picture

function preview(entry) {
  if (!previews.has(entry.seq)) {
    previews.set(entry.seq, URL.createObjectURL(new Blob([entry.form.file.data], { type: entry.form.file.type })));
  }
  return previews.get(entry.seq);
}

/** Wires the two capture inputs (before, after) of the job's page. */
export function wirePhotos(currentJob, pendingNow) {
  for (const input of document.querySelectorAll(".photo-input")) {
    input.addEventListener("change", async () => {
      const job = currentJob();
      const files = [...input.files];
      input.value = ""; // the same picture may be chosen again
      showError($("photo-error"), "");
      for (const file of files) {
        if (job.photos.length + photoEntries(job.id, pendingNow()).length >= MAX_PHOTOS) {
          showError($("photo-error"), say("proof.photos_full", { n: MAX_PHOTOS }));
          return;
        }
        try {
          await queuePhoto(job, input.dataset.stage, file);
        } catch {
          showError($("photo-error"), say("proof.photo_failed"));
        }
      }
    });
  }
}

export function renderPhotos(job, status, pending) {
  const waiting = photoEntries(job.id, pending);
  const shown = job.photos.length + waiting.length > 0;
  $("photos").hidden = !CAPTURE.includes(status) && !shown;
  document.querySelector(".photo-buttons").hidden = !CAPTURE.includes(status);
  for (const [seq, url] of previews) {
    if (!waiting.some((entry) => entry.seq === seq)) {
      URL.revokeObjectURL(url);
      previews.delete(seq);
    }
  }
  const item = (src, stage, attributes, note) =>
    h("li", attributes,
      h("img", { src, alt: say("proof.photo_alt", { stage: stageName(stage) }), loading: "lazy" }),
      h("span", { class: "tag" }, note ? `${stageName(stage)} · ${note}` : stageName(stage)));
  fillWith($("photo-list"),
    job.photos.map((photo) => item(`/api/work-orders/${job.id}/photos/${photo.id}`, photo.stage,
      { "data-photo": photo.id, "data-stage": photo.stage })),
    waiting.map((entry) => item(preview(entry), entry.meta.stage,
      { class: "waiting", "data-stage": entry.meta.stage }, say("proof.photo_waiting"))));
  $("photos-empty").hidden = shown;
  $("photos-empty").textContent = say("proof.photos_none");
}

// --- the signature -----------------------------------------------------------------------------

let pad = null;
let draftKey = null;

async function saveDraft() {
  const name = $("signer-name").value.trim();
  if (!pad || (pad.isEmpty() && !name)) {
    await core.setMeta(draftKey, null);
  } else {
    await core.setMeta(draftKey, { name, strokes: pad.isEmpty() ? [] : pad.toData() });
  }
  showKept();
}

function showKept() {
  const name = $("signer-name").value.trim();
  const kept = $("signature-kept");
  kept.hidden = !pad || pad.isEmpty() || !name;
  kept.textContent = say("proof.signature_kept", { name });
}

/** Sizes the pad to its box (sharp on a phone's dense screen), keeping what was drawn. */
export function fitSignature() {
  const canvas = $("signature-pad");
  if (!pad || !canvas.offsetWidth) return;
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  const width = Math.round(canvas.offsetWidth * ratio);
  const height = Math.round(canvas.offsetHeight * ratio);
  if (canvas.width === width && canvas.height === height) return;
  const strokes = pad.toData();
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").scale(ratio, ratio);
  pad.clear();
  if (strokes.length) pad.fromData(strokes);
}

/** Starts the pad; what was drawn for this job before (offline, a reload) comes back. */
export async function startSignature(jobId, userId) {
  draftKey = `signature:${userId}:${jobId}`;
  if (!window.SignaturePad) return; // the library did not load: the completion says so if needed
  pad = new window.SignaturePad($("signature-pad"), { backgroundColor: "rgb(255, 255, 255)", penColor: "#0b2340" });
  pad.addEventListener("endStroke", () => {
    showError($("signature-error"), "");
    $("signature").classList.remove("invalid");
    saveDraft();
  });
  $("signer-name").addEventListener("input", saveDraft);
  $("signature-clear").addEventListener("click", () => {
    pad.clear();
    saveDraft();
  });
  window.addEventListener("resize", fitSignature);
  const draft = await core.getMeta(draftKey).catch(() => null);
  if (draft) {
    $("signer-name").value = draft.name || "";
    fitSignature();
    if (draft.strokes?.length) pad.fromData(draft.strokes);
    showKept();
  }
}

export function showSignatureProblem(message) {
  showError($("signature-error"), message);
  $("signature").classList.toggle("invalid", Boolean(message));
  if (message) $("signature").scrollIntoView({ block: "center" });
}

/**
 * The completion's `signature` ({name, image}), null when none is given, or false when the
 * completion must wait: required and missing, or drawn without the signer's name. The reason is
 * shown beside the pad.
 */
export function signatureForCompletion(required) {
  showSignatureProblem("");
  const name = $("signer-name").value.trim();
  const drawn = pad !== null && !pad.isEmpty();
  if (!drawn) {
    if (!required) return null;
    showSignatureProblem(say("proof.signature_required"));
    return false;
  }
  if (!name) {
    showSignatureProblem(say("proof.signature_name_missing"));
    $("signer-name").focus();
    return false;
  }
  return { name, image: pad.toDataURL("image/png") };
}

export function renderSignatureNeed(required) {
  $("signature-need").textContent = say(required ? "proof.signature_needed" : "proof.signature_optional");
}

/** Once the completion that carried it is applied, the phone's copy is no longer needed. */
export const forgetSignature = () => core.setMeta(draftKey, null);

// --- pauses and labour -------------------------------------------------------------------------

const pauseEntries = (jobId, pending) =>
  pending.filter((entry) => entry.meta?.job === jobId && ["pause", "resume"].includes(entry.meta.action));

function pauseState(job, pending) {
  const queued = pauseEntries(job.id, pending).at(-1);
  if (queued) {
    return queued.meta.action === "pause"
      ? { paused: true, since: queued.queuedAt, reason: queued.body.reason }
      : { paused: false };
  }
  const open = (job.labour?.pauses || []).find((p) => !p.ended_at);
  return open ? { paused: true, since: open.started_at, reason: open.reason } : { paused: false };
}

function queuePause(job, action, body) {
  const label = say(action === "pause" ? "proof.label_pause" : "proof.label_resume", { id: job.id });
  return outbox.send("POST", `/api/work-orders/${job.id}/${action}`, body, label, { job: job.id, action });
}

/** Wires the pause form (a reason from a short list, "other" with a few words) and resume. */
export function wirePauses(currentJob) {
  const reasons = Object.fromEntries(words().pause_reasons || []);
  const note = $("pause-note");
  fillWith($("pause-reasons"), Object.entries(reasons).map(([code, text]) =>
    h("label", { class: "choice" },
      h("input", { type: "radio", name: "pause-reason", value: code,
        onchange: () => { note.hidden = code !== "other"; if (!note.hidden) note.focus(); } }),
      " ", text)));
  $("pause-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const error = $("pause-error");
    const picked = $("pause-form").querySelector("input[type=radio]:checked")?.value;
    if (!picked) return showError(error, say("proof.pause_pick"));
    const reason = picked === "other" ? note.value.trim() : reasons[picked];
    if (!reason) return showError(error, say("proof.pause_note_missing"));
    showError(error, "");
    $("pause-form").reset();
    note.hidden = true;
    return queuePause(currentJob(), "pause", { reason });
  });
  $("resume-button").addEventListener("click", () => queuePause(currentJob(), "resume"));
}

export function renderWork(job, status, pending) {
  $("work").hidden = status !== "on_site";
  const labour = job.labour || {};
  const parts = [];
  if (labour.travel_minutes != null) parts.push(say("proof.travel_minutes", { n: number(labour.travel_minutes, 0) }));
  if (labour.work_minutes != null) parts.push(say("proof.work_minutes", { n: number(labour.work_minutes, 0) }));
  $("labour").textContent = parts.join(" · ");
  const state = pauseState(job, pending);
  const shown = $("pause-state");
  shown.className = state.paused ? "paused" : "muted";
  shown.textContent = state.paused
    ? say("proof.paused_since", { time: time(state.since), reason: state.reason })
    : say("proof.working");
  $("pause-form").hidden = state.paused;
  $("resume-button").hidden = !state.paused;
}

// --- coverage ----------------------------------------------------------------------------------

// A contract's end day is a calendar day: shown as it is, whatever the phone's time zone.
const calendarDay = (iso) =>
  new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

function coverageLine(contract) {
  const day = calendarDay(contract.ends_on);
  if (contract.id === null) return say("proof.coverage_warranty", { day });
  return say(contract.kind === "warranty" ? "proof.coverage_warranty_contract" : "proof.coverage_contract", { day });
}

/** One line for a job card: the first contract in force, or chargeable; null while unknown. */
export function coverageSummary(found) {
  if (!found?.ok) return null;
  const [first] = found.data || [];
  return first ? coverageLine(first) : say("proof.coverage_none");
}

/** Under contract / warranty until …, or chargeable; `found` is load()'s answer of the coverage. */
export function renderCoverage(found) {
  const slot = $("job-coverage");
  slot.hidden = false;
  if (!found.ok) {
    slot.className = "coverage none";
    slot.textContent = say("proof.coverage_unknown");
    return;
  }
  const contracts = found.data || [];
  slot.className = contracts.length ? "coverage" : "coverage none";
  slot.dataset.covered = contracts.length ? "1" : "0";
  if (!contracts.length) {
    slot.textContent = say("proof.coverage_none");
    return;
  }
  fillWith(slot, contracts.flatMap((contract, i) => [
    i ? h("br") : null,
    h("span", {}, coverageLine(contract)),
    contract.signature_required ? h("span", { class: "chip warn" }, say("proof.coverage_signature")) : null,
  ]));
}
