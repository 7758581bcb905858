// A search-as-you-type picker over a list endpoint of the API (accounts, devices, engineers):
//   <div class="picker" data-source="/api/accounts" data-label="name">
//     <input type="search" data-picker-query> <input type="hidden" name="account_id" data-kind="int">
//     <ul data-picker-results></ul> <p data-picker-chosen></p></div>
// Arrow keys move through the results, Enter picks one; the choice fires "picker:chosen".
const DELAY_MS = 200; // one request per pause in typing, not one per key

function label(item, spec) {
  return spec.split("|").map((key) => item[key]).filter(Boolean).join(" · ");
}

export function picker(root) {
  const query = root.querySelector("[data-picker-query]");
  const value = root.querySelector("input[type=hidden]");
  const results = root.querySelector("[data-picker-results]");
  const chosen = root.querySelector("[data-picker-chosen]");
  let timer = null;
  let asked = 0;

  function choose(item) {
    value.value = item.id;
    chosen.textContent = label(item, root.dataset.label || "name");
    chosen.hidden = false;
    results.replaceChildren();
    query.value = "";
    root.dispatchEvent(new CustomEvent("picker:chosen", { detail: item, bubbles: true }));
  }

  async function search() {
    const text = query.value.trim();
    const ticket = ++asked;
    if (text.length < 1) return results.replaceChildren();
    const url = `${root.dataset.source}${root.dataset.source.includes("?") ? "&" : "?"}q=${encodeURIComponent(text)}&limit=10`;
    const response = await fetch(url, { credentials: "same-origin" });
    if (ticket !== asked || !response.ok) return; // a later search has started, or failed
    const items = (await response.json()).items;
    results.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = label(item, root.dataset.label || "name");
      button.addEventListener("click", () => choose(item));
      li.append(button);
      return li;
    }));
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = root.dataset.none || "—";
      results.append(li);
    }
  }

  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY_MS);
  });
  root.addEventListener("keydown", (event) => {
    const buttons = [...results.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && buttons.length) {
      event.preventDefault();
      buttons[Math.min(at + 1, buttons.length - 1)].focus();
    } else if (event.key === "ArrowUp" && buttons.length) {
      event.preventDefault();
      (at <= 0 ? query : buttons[at - 1]).focus();
    } else if (event.key === "Enter" && document.activeElement === query && buttons.length) {
      event.preventDefault(); // Enter in the search box picks the first match, not the form
      clearTimeout(timer);
      buttons[0].click();
    }
  });
  return { choose };
}

for (const root of document.querySelectorAll(".picker[data-source]")) picker(root);
