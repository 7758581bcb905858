// The devices list: tick devices (or all on the page) and print their QR labels.
const form = document.getElementById("labels");
const boxes = () => [...form.querySelectorAll("tbody input[type=checkbox]")];
const button = document.getElementById("print-ticked");

function update() {
  const ticked = boxes().filter((box) => box.checked);
  button.disabled = ticked.length === 0;
  form.querySelector("input[name=ids]").value = ticked.map((box) => box.value).join(",");
}

form.addEventListener("change", update);
document.getElementById("tick-all").addEventListener("change", (event) => {
  for (const box of boxes()) box.checked = event.target.checked;
  update();
});
