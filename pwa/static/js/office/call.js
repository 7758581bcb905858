// Taking a phone call: one search box finds accounts (name, phone) and devices (serial) at once;
// picking either lists the account's devices to choose from. The form itself is sent by forms.js
// (POST /api/work-orders), which shows the API's errors beside the fields.
import "./forms.js";

const form = document.getElementById("call");
const T = JSON.parse(document.getElementById("call-strings").textContent);
const search = document.getElementById("call-q");
const results = document.getElementById("call-results");
const chosenAccount = document.getElementById("call-account");
const deviceList = document.getElementById("call-devices");
const DELAY_MS = 200;
let timer = null;
let asked = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

async function get(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  return response.ok ? (await response.json()).items : [];
}

function warranty(device) {
  if (!device.warranty_until) return "";
  return device.in_warranty ? T.warranty : T.expired;
}

async function showDevices(accountId, deviceId) {
  const items = await get(`/api/devices?account_id=${accountId}&limit=200&sort=serial`);
  if (!items.length) {
    deviceList.replaceChildren(el("p", { class: "empty" }, T.no_devices));
    return;
  }
  deviceList.replaceChildren(...items.map((d) => {
    const radio = el("input", { type: "radio", name: "device_id", value: String(d.id), "data-kind": "int" });
    if (d.id === deviceId || items.length === 1) radio.checked = true;
    const note = warranty(d);
    return el("label", {}, radio, el("span", {}, el("strong", {}, d.product_name), ` · ${d.serial}`,
      note ? el("small", {}, ` · ${note}`) : ""));
  }));
  (deviceList.querySelector("input:checked") || deviceList.querySelector("input"))?.focus();
}

function chooseAccount(account, deviceId) {
  chosenAccount.textContent = [account.name, account.phone].filter(Boolean).join(" · ");
  chosenAccount.hidden = false;
  results.replaceChildren();
  search.value = "";
  showDevices(account.id, deviceId);
}

function column(title, items, label, pick) {
  const list = el("ul");
  for (const item of items) {
    const button = el("button", { type: "button", class: "secondary small" }, label(item));
    button.addEventListener("click", () => pick(item));
    list.append(el("li", {}, button));
  }
  return el("div", {}, el("h3", {}, title), items.length ? list : el("p", { class: "muted" }, T.none));
}

async function find() {
  const text = search.value.trim();
  const ticket = ++asked;
  if (!text) return results.replaceChildren();
  const q = encodeURIComponent(text);
  const [accounts, devices] = await Promise.all([
    get(`/api/accounts?q=${q}&limit=8`), get(`/api/devices?q=${q}&limit=8`),
  ]);
  if (ticket !== asked) return; // typing went on: a newer search answers
  results.replaceChildren(
    column(T.accounts, accounts, (a) => [a.name, a.phone].filter(Boolean).join(" · "), (a) => chooseAccount(a)),
    column(T.devices, devices, (d) => `${d.serial} · ${d.product_name} · ${d.account_name}`,
      (d) => chooseAccount({ id: d.account_id, name: d.account_name }, d.id)),
  );
}

search.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(find, DELAY_MS);
});
search.addEventListener("keydown", async (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault(); // Enter here picks the first match; it never sends the form
  clearTimeout(timer);
  await find();
  results.querySelector("button")?.click();
});
results.addEventListener("keydown", (event) => {
  const buttons = [...results.querySelectorAll("button")];
  const at = buttons.indexOf(document.activeElement);
  if (event.key === "ArrowDown") { event.preventDefault(); buttons[Math.min(at + 1, buttons.length - 1)]?.focus(); }
  if (event.key === "ArrowUp") { event.preventDefault(); (at <= 0 ? search : buttons[at - 1]).focus(); }
});

if (form.dataset.account) showDevices(Number(form.dataset.account), Number(form.dataset.device) || null);
