// The back office's frame: sign out, and the menu button that opens the navigation on a tablet.
import { api } from "../shared/session.js";
import { localizeTimes } from "../shared/times.js";

document.getElementById("logout")?.addEventListener("click", async () => {
  await api("POST", "/api/auth/logout");
  window.location.assign("/login");
});

const toggle = document.querySelector(".nav-toggle");
const nav = document.getElementById("office-nav");
toggle?.addEventListener("click", () => {
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  nav.classList.toggle("open", open);
  if (open) nav.querySelector("a")?.focus();
});
// Escape closes the menu it opened, and gives the focus back to the button.
nav?.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && nav.classList.contains("open")) {
    toggle.click();
    toggle.focus();
  }
});

// A select whose options are addresses (the pager's page size): choosing one opens it.
for (const select of document.querySelectorAll("select[data-go]")) {
  select.addEventListener("change", () => window.location.assign(select.value));
}

// A filter form leaves out what is not chosen ("All zones" is no zone_id=): an empty value is
// not a value, and the server rightly refuses `zone_id=` as a number.
for (const form of document.querySelectorAll("form[method=get]")) {
  form.addEventListener("submit", () => {
    for (const element of form.elements) {
      if (element.name && element.value === "" && !element.disabled) {
        element.disabled = true;
        // Back as it was if the page stays (a new tab, or the browser's back button).
        setTimeout(() => { element.disabled = false; });
      }
    }
  });
}

// Times come in UTC; they are shown in this computer's zone, in the page's language.
localizeTimes();
