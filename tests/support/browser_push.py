"""Push in Chromium with no push service to reach: a stand-in PushManager for the page's side,
DevTools to hand the worker its pushes, and the notifications the worker then shows."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page

NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map(
    (n) => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang, url: n.data?.url}));
}"""

# What pushManager would do with a working push service: one subscription, kept in the page's
# localStorage so that it survives a reload. Its keys are a real P-256 pair, as the API checks.
FAKE_PUSH_MANAGER = """
(() => {
  const endpoint = %(endpoint)s;
  const made = {
    endpoint,
    options: {userVisibleOnly: true, applicationServerKey: null},
    toJSON: () => ({endpoint, expirationTime: null, keys: %(keys)s}),
    unsubscribe: async () => { localStorage.removeItem("fake-push"); return true; },
  };
  PushManager.prototype.getSubscription = async () =>
    localStorage.getItem("fake-push") ? made : null;
  PushManager.prototype.subscribe = async (options) => {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem("fake-push", JSON.stringify({
      userVisibleOnly: options.userVisibleOnly, key: btoa(String.fromCharCode(...key))}));
    made.options.applicationServerKey = key.buffer;
    return made;
  };
})();
"""


async def worker_registration(context: BrowserContext, page: Page) -> tuple[CDPSession, str]:
    """DevTools on the page, and the id of the site's service worker registration."""
    devtools = await context.new_cdp_session(page)
    found: list[dict[str, Any]] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(event["registrations"]),
    )
    await devtools.send("ServiceWorker.enable")
    await page.evaluate("navigator.serviceWorker.ready")
    for _ in range(50):
        ids = {r["registrationId"] for r in found if not r["isDeleted"]}
        if ids:
            [registration] = ids
            return devtools, registration
        await asyncio.sleep(0.1)
    raise AssertionError("no service worker registration reported by DevTools")


async def notifications(page: Page, count: int = 1) -> list[dict[str, Any]]:
    """The worker's notifications once there are `count` of them (shown asynchronously)."""
    shown: list[dict[str, Any]] = []
    for _ in range(50):
        shown = await page.evaluate(NOTIFICATIONS)
        if len(shown) >= count:
            return shown
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {count} notification(s), got {shown}")


def offer_payload(job: int) -> str:
    """What the server pushes to the engineer (backend.workorders.events.announce)."""
    return json.dumps(
        {"type": "offer", "work_order_id": job, "distance_km": 2.0, "url": f"/jobs/{job}"}
    )
