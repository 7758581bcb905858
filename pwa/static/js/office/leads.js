// A lead's page: "Also open an opportunity" enables its fields (a disabled fieldset sends
// nothing, so the conversion is made without one), and a converted lead opens what it became.
const box = document.getElementById("with-opportunity");
const fields = document.getElementById("opportunity-fields");

function sync(focus) {
  fields.disabled = !box.checked;
  fields.hidden = !box.checked;
  if (focus && box.checked) fields.querySelector("input")?.focus();
}

if (box && fields) {
  box.addEventListener("change", () => sync(true));
  sync(false); // a box the browser kept checked on going back
}

document.getElementById("convert-form")?.addEventListener("office:saved", (event) => {
  const made = event.detail || {};
  window.location.assign(made.opportunity_id ? `/pipeline/${made.opportunity_id}` : `/accounts/${made.account_id}`);
});
