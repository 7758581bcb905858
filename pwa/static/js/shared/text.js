// The scripts' words and formats. The page hands over its strings (#fl-strings), already in the
// user's language from the gettext catalog; numbers, distances and times use the same language
// through Intl, in the phone's own time zone.
const strings = JSON.parse(document.getElementById("fl-strings")?.textContent || "{}");
export const lang = document.documentElement.lang || "en";

function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

/** The string `key` with its {placeholders} filled in; a nested table with a dotted path. */
export function say(key, values = {}) {
  const found = strings[key] ?? key.split(".").reduce((table, part) => table?.[part], strings);
  return fill(found ?? key, values);
}

/** The string `key` with its {placeholders} left in, for whoever fills them later (the worker). */
export const template = (key) => strings[key] ?? key;

const plurals = new Intl.PluralRules(lang);

/** `key.one` or `key.other` for n, as the language counts (Chinese has one form). */
export function sayCount(key, n, values = {}) {
  const form = plurals.select(n) === "one" && strings[`${key}.one`] ? "one" : "other";
  return say(`${key}.${form}`, { n: number(n, 0), ...values });
}

/** The strings of a whole table, e.g. table("job_status").accepted. */
export const table = (name) => strings[name] || {};

export function number(value, digits = 1) {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
}

/** A distance in metres, as "850 m" or "2.4 km" in the page's language. */
export function distance(metres) {
  const km = metres >= 1000;
  return new Intl.NumberFormat(lang, {
    style: "unit",
    unit: km ? "kilometer" : "meter",
    maximumFractionDigits: km ? 1 : 0,
  }).format(km ? metres / 1000 : metres);
}

export const dateTime = (iso) =>
  new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
export const time = (iso) =>
  new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(new Date(iso));
export const day = (iso) =>
  new Intl.DateTimeFormat(lang, { dateStyle: "full" }).format(new Date(iso));

const UNITS = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 days ago", "昨天", … */
export function ago(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(0, "minute");
}

/** The local calendar day of a date as YYYY-MM-DD (what <input type=date> and ?date= take). */
export function isoDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
