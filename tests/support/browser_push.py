"""Push in Chromium with no push service to reach: a stand-in PushManager for the page's side,
DevTools to hand the worker its pushes, and the notifications the worker then shows."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from playwright.async_api import BrowserContext, CDPSession, Page, Worker

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


# Runs in the worker: counts each showNotification() once it has resolved, when the platform
# already lists the notification as on display. Installed once per worker; returns the count.
COUNT_SHOWN = """() => {
  if (self.testShown === undefined) {
    self.testShown = 0;
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = async function (...args) {
      try {
        return await show.apply(this, args);
      } finally {
        self.testShown += 1;
      }
    };
  }
  return self.testShown;
}"""
SHOWN_WITHIN = 60.0  # seconds: a bound for a push that never shows, not a claim about speed


@dataclass
class Pushes:
    """DevTools' way into the site's worker: pushes handed over as a push service would."""

    page: Page
    origin: str
    devtools: CDPSession
    registration: str
    worker: Worker

    async def deliver(self, data: str) -> list[dict[str, Any]]:
        """Hands the worker one push; once the worker has shown its notification, the
        notifications on display.

        Never read while a notification is being shown: Chromium's getNotifications() deletes,
        for good, every stored notification that the platform does not list as displayed yet
        and that is older than the call (platform_notification_context_impl.cc), so a read
        between the worker's write and the display loses the push. Polling getNotifications()
        right after deliverPushMessage (which answers before the push is handled) did exactly
        that under load: "expected 1 notification(s), got []".
        """
        before = await self.worker.evaluate(COUNT_SHOWN)
        await self.devtools.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.origin, "registrationId": self.registration, "data": data},
        )
        deadline = time.monotonic() + SHOWN_WITHIN
        while await self.worker.evaluate("self.testShown") == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"the worker showed nothing for the push {data!r}")
            await asyncio.sleep(0.05)
        shown: list[dict[str, Any]] = await self.page.evaluate(NOTIFICATIONS)
        return shown


async def pushes(context: BrowserContext, page: Page, origin: str) -> Pushes:
    """DevTools on the page, the site's one service worker registration and its worker."""
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
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("no service worker registration reported by DevTools")
    workers = [w for w in context.service_workers if w.url == f"{origin}/sw.js"]
    worker = workers[0] if workers else await context.wait_for_event("serviceworker")
    return Pushes(page, origin, devtools, registration, worker)


def offer_payload(job: int) -> str:
    """What the server pushes to the engineer (backend.workorders.events.announce)."""
    return json.dumps(
        {"type": "offer", "work_order_id": job, "distance_km": 2.0, "url": f"/jobs/{job}"}
    )
