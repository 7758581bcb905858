// Staff session helpers: JSON calls carrying the CSRF token that cookie-authenticated writes need.
/** A cookie's value (the CSRF token's, fl_csrf), or "". */
export function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}

export async function api(method, path, body) {
  const headers = { "Content-Type": "application/json", "X-CSRF-Token": cookie("fl_csrf") };
  const response = await fetch(path, {
    method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data };
}
