// The sign-in form: posts the credentials, then opens the page asked for (?next=, e.g. a job
// opened from a notification) or the home page of the role.
import { api } from "../shared/session.js";

const form = document.getElementById("login");
const error = document.getElementById("login-error");

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  // Only a path of this site: "//host" or "https://…" would make this an open redirect.
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  let result;
  try {
    result = await api("POST", "/api/auth/login", {
      email: fields.get("email"), password: fields.get("password"),
    });
  } catch {
    result = { ok: false, status: 0 };
  }
  if (result.ok) {
    window.location.assign(nextPage());
    return;
  }
  error.textContent = form.dataset[result.status === 429 ? "tooMany" : result.status === 0 ? "offline" : "failed"];
  error.hidden = false;
});
