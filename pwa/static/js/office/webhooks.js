// Webhook pages (office/webhooks.html, webhook.html): the event checkboxes kept in the form's
// "events" field (forms.js sends it), and a new hook's secret shown once after registering.
const form = document.getElementById("webhook-form");
const events = form.querySelector('input[name="events"]');

function sync() {
  events.value = JSON.stringify([...form.querySelectorAll("input[data-event]:checked")].map((box) => box.value));
}
form.addEventListener("change", (event) => {
  if (event.target.matches("input[data-event]")) sync();
});
sync();

const box = document.getElementById("secret-box");
if (box) {
  form.addEventListener("office:saved", (event) => {
    const hook = event.detail;
    document.getElementById("secret").textContent = hook.secret;
    document.getElementById("secret-done").href = `/webhooks/${hook.id}`;
    form.hidden = true;
    box.hidden = false;
    document.getElementById("copy-secret").focus();
  });
  document.getElementById("copy-secret").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(document.getElementById("secret").textContent);
      document.getElementById("copied").hidden = false;
    } catch {
      window.getSelection()?.selectAllChildren(document.getElementById("secret"));
    }
  });
}
