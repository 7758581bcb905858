// The service worker's notifications: what each push payload says, in the words the pages left
// for it (see the top of sw.js). Loaded by sw.js with importScripts, so it shares the worker's
// globals: withFollows() for the customers' followed requests and `outbox` for the staff's texts.

// {"type": "status", "work_order_id", "status"}: a request a customer's page follows here
// (in its language), else a staff member's job.
async function statusNotification(payload) {
  const id = Number(payload.work_order_id);
  const follow = await withFollows("readonly", (store) => store.get(id)).catch(() => undefined);
  const status = String(payload.status || "");
  if (!follow) return staffStatusNotification(payload);
  const label = follow.statuses?.[status] || status;
  return {
    title: follow.title.replace("{status}", label),
    options: {
      body: follow.hints?.[status] || "",
      lang: follow.lang,
      // One notification per request: a newer status replaces the older one, and still alerts.
      tag: `request-${id}`,
      renotify: true,
      data: { url: follow.url },
    },
  };
}

// The staff app's texts, stored by its pages in their language (see the top of sw.js).
async function staffTexts() {
  return (await outbox.getMeta("push-texts").catch(() => undefined)) || null;
}

function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

// {"type": "offer", "work_order_id", "distance_km", "url": "/jobs/<id>"}: an engineer's new job.
async function offerNotification(payload) {
  const id = Number(payload.work_order_id);
  const url = payload.url || `/jobs/${id}`;
  const texts = await staffTexts();
  if (!texts) return { title: "Fieldline", options: { tag: `job-${id}`, data: { url } } };
  const km = Number(payload.distance_km);
  const distance = Number.isFinite(km)
    ? new Intl.NumberFormat(texts.lang, { maximumFractionDigits: 1 }).format(km)
    : "?";
  return {
    title: fill(texts.offerTitle, { id }),
    options: {
      body: fill(texts.offerBody, { km: distance }),
      lang: texts.lang,
      tag: `job-${id}`,
      renotify: true,
      // An offer lapses within minutes: it stays on screen until answered or dismissed.
      requireInteraction: true,
      icon: "/static/icons/icon-192.png",
      data: { url },
    },
  };
}

// {"type": "status", "work_order_id", "status"} about a job that no customer page follows here.
async function staffStatusNotification(payload) {
  const id = Number(payload.work_order_id);
  const texts = await staffTexts();
  if (!texts) return { title: "Fieldline", options: { tag: `request-${id}` } };
  const status = String(payload.status || "");
  return {
    title: fill(texts.statusTitle, { id, status: texts.statuses?.[status] || status }),
    options: {
      lang: texts.lang,
      tag: `job-${id}`,
      renotify: true,
      icon: "/static/icons/icon-192.png",
      data: { url: payload.url || `/jobs/${id}` },
    },
  };
}

// {"type": "task", "task_id", "rule", "title", "name", "url"}: a task come due (its reminder).
async function taskNotification(payload) {
  const id = Number(payload.task_id);
  const url = payload.url || "/rep/today";
  const texts = await staffTexts();
  const rule = texts?.taskRules?.[payload.rule];
  return {
    title: texts?.taskTitle || "Fieldline",
    options: {
      body: rule ? fill(rule, { name: payload.name || "" }) : String(payload.title || ""),
      lang: texts?.lang,
      tag: `task-${id}`,
      icon: "/static/icons/icon-192.png",
      data: { url },
    },
  };
}

// {"type": "pool_warning", "kind", "count", "days", "url"} or {"type": "renewal",
// "opportunity_id", "url"}: the rep's accounts (leads) about to go back to the pool, a renewal.
async function salesNotification(payload) {
  const texts = await staffTexts();
  const words = texts?.sales || {};
  const body = payload.type === "renewal"
    ? words.renewal
    : fill(words.pool_warning || "", { n: payload.count, days: payload.days });
  return {
    title: "Fieldline",
    options: {
      body: body || "",
      lang: texts?.lang,
      tag: `${payload.type}-${payload.kind || payload.opportunity_id || ""}`,
      icon: "/static/icons/icon-192.png",
      data: { url: payload.url || "/rep/pool" },
    },
  };
}

// One renderer per payload type.
const RENDERERS = {
  status: statusNotification,
  offer: offerNotification,
  task: taskNotification,
  pool_warning: salesNotification,
  renewal: salesNotification,
};
