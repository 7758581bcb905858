// An opportunity's page: the lost stage's reason and note appear (and are sent) only when a
// lost stage is chosen; a disabled fieldset sends nothing.
const stage = document.getElementById("f-stage_id");
const lost = document.getElementById("lost-fields");

function sync() {
  const chosen = stage.selectedOptions[0];
  const isLost = chosen?.dataset.stageKind === "lost";
  lost.disabled = !isLost;
  lost.hidden = !isLost;
}

if (stage && lost) {
  stage.addEventListener("change", sync);
  sync();
}
