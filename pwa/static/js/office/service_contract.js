// A new service contract: the chosen account's devices as tick boxes (kept in the hidden
// `device_ids` field as the API's JSON list), and the plan's fields off for a warranty.
const form = document.getElementById("sc-form");
const picks = document.getElementById("device-picks");
const hidden = form.querySelector('input[name="device_ids"]');
const all = document.getElementById("all-devices");
const kind = form.querySelector('select[name="kind"]');
const plan = document.getElementById("plan-box");
const boxes = () => [...picks.querySelectorAll("input[type=checkbox]")];

function sync() {
  const ticked = boxes().filter((box) => box.checked);
  hidden.value = JSON.stringify(ticked.map((box) => Number(box.value)));
  all.checked = ticked.length > 0 && ticked.length === boxes().length;
}

function planFields() {
  const off = kind.value === "warranty";
  plan.toggleAttribute("disabled", off); // greyed; collect() skips disabled fields
  for (const input of plan.querySelectorAll("input, select")) input.disabled = off;
  document.getElementById("plan-off").hidden = !off;
}

form.addEventListener("picker:chosen", async (event) => {
  const response = await fetch(`/api/devices?account_id=${event.detail.id}&limit=200`, { credentials: "same-origin" });
  if (!response.ok) return;
  const { items } = await response.json();
  picks.replaceChildren(...items.map((device) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = device.id;
    box.dataset.skip = "";
    const text = document.createElement("span");
    const serial = document.createElement("strong");
    serial.textContent = device.serial;
    text.append(serial, ` · ${device.product_name}`);
    label.append(box, " ", text);
    return label;
  }));
  document.getElementById("devices-hint").hidden = true;
  document.getElementById("no-devices").hidden = items.length > 0;
  document.getElementById("all-devices-box").hidden = items.length === 0;
  sync();
});

all.addEventListener("change", () => {
  for (const box of boxes()) box.checked = all.checked;
  sync();
});
picks.addEventListener("change", sync);
kind.addEventListener("change", planFields);
form.addEventListener("submit", sync); // before forms.js (loaded after this module) sends it
planFields();
sync();
