// Home page behaviour: sign out, and gather the ticked devices for the label sheet.
import { api } from "../shared/session.js";

document.getElementById("logout")?.addEventListener("click", async () => {
  await api("POST", "/api/auth/logout");
  window.location.assign("/login");
});

const labels = document.getElementById("labels");
labels?.addEventListener("submit", () => {
  const ids = [...labels.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
  labels.querySelector("input[name=ids]").value = ids.join(",");
});
