// The sign-in form: posts the credentials, then opens the home page of the role.
import { api } from "./session.js";

const form = document.getElementById("login");
const error = document.getElementById("login-error");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  const result = await api("POST", "/api/auth/login", {
    email: fields.get("email"), password: fields.get("password"),
  });
  if (result.ok) {
    window.location.assign("/");
    return;
  }
  error.textContent = result.data?.detail ?? "Sign-in failed";
  error.hidden = false;
});
