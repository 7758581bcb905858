"""Push on the tracking page in Chromium: the button, the worker, a push shown as a notification.

Chromium here reaches no push service (no internet), so a real subscribe() fails or never ends;
both are tested as the customer sees them. The worker's side is tested with a push delivered
through DevTools, and the page's side against the real API with a stand-in PushManager.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import BrowserContext, Page, expect

from backend import db
from tests.support.browser_push import FAKE_PUSH_MANAGER, pushes
from tests.support.chromium import chromium
from tests.support.loop import World, completed_job, engineer, file_request, step, world
from tests.support.push_receiver import Browser, unb64url

SCREENSHOT = "/tmp/customer-push.png"
# Chrome's own note when a page subscribes in an incognito profile (which Playwright's contexts
# are); the page then gets an AbortError, handled like any failed subscribe.
INCOGNITO_NOTE = "Chrome currently does not support the Push API in incognito mode"
FAKE_ENDPOINT = "https://push.example.com/send/customer-1"


@asynccontextmanager
async def _chromium(
    server: str, locale: str, profile: Path | None = None
) -> AsyncIterator[tuple[BrowserContext, Page]]:
    """A phone-sized page allowed to notify; incognito unless given a profile directory."""
    async with chromium(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale=locale,
        profile=profile,
        tolerate=(INCOGNITO_NOTE,),
        may_fail=("/api/public/",),
    ) as (context, page):
        await context.grant_permissions(["notifications"], origin=server)
        yield context, page


async def _open_request(api: Any) -> tuple[World, int, Any]:
    w = await world(api)
    near = await engineer(api, w, 2)
    return w, int((await file_request(api, w.token))["id"]), near


async def test_button_only_while_the_job_is_open(api, server, phone: Page):
    w, job, _ = await _open_request(api)
    await phone.goto(f"{server}/q/{w.token}/requests/{job}")
    button = phone.get_by_role("button", name="Notify me of updates")
    await expect(button).to_be_visible()
    await expect(phone.locator("#follow")).to_have_attribute("data-state", "idle")
    # Nothing is registered before the customer asks for it.
    assert await phone.evaluate("navigator.serviceWorker.getRegistration()") is None
    await phone.screenshot(path=SCREENSHOT, full_page=True)

    done = await completed_job(api, w)
    await phone.goto(f"{server}/q/{w.token}/requests/{done}")
    await expect(phone.locator("#rating-form")).to_be_visible()
    await expect(phone.locator("#follow")).to_have_count(0)
    await expect(phone.get_by_role("button", name="Notify me of updates")).to_have_count(0)


async def test_a_push_is_shown_in_the_customers_language(api, server):
    """zh-CN, incognito: subscribe() is refused at once; a push from DevTools is still shown."""
    w, job, near = await _open_request(api)
    async with _chromium(server, "zh-CN") as (context, page):
        await page.goto(f"{server}/q/{w.token}/requests/{job}")
        await page.get_by_role("button", name="有进展时通知我").click()
        note = page.locator("[data-follow-note]")
        await expect(note).to_have_text("无法在这台手机上开启通知。本页面打开时仍会自动更新。")
        await expect(page.get_by_role("button", name="有进展时通知我")).to_be_enabled()
        await page.screenshot(path="/tmp/customer-push-failed-zh.png", full_page=True)

        ready = await page.evaluate(
            """async () => {
              const registration = await navigator.serviceWorker.ready;
              return [registration.scope, registration.active.scriptURL];
            }"""
        )
        assert ready == [f"{server}/", f"{server}/sw.js"]  # the site's one worker
        push_service = await pushes(context, page, server)

        # What the server sends when the engineer accepts (backend.workorders.events.announce).
        await step(api, near, job, "accept")
        payload = {"type": "status", "work_order_id": job, "status": "accepted"}
        shown = await push_service.deliver(json.dumps(payload))
        assert shown == [
            {
                "title": f"报修单 #{job}：已派工程师",
                "body": "工程师已接单，即将出发。",
                "tag": f"request-{job}",
                "lang": "zh-CN",
                "url": f"/q/{w.token}/requests/{job}",
            }
        ]
        # The open page heard of the push from the worker and refreshed itself at once,
        # keeping the follow block and what it said.
        await expect(page.locator("#status")).to_have_attribute("data-status", "accepted")
        await expect(note).to_contain_text("无法在这台手机上开启通知")

        # A newer status replaces the request's notification rather than piling up.
        payload["status"] = "en_route"
        shown = await push_service.deliver(json.dumps(payload))
        assert [n["title"] for n in shown] == [f"报修单 #{job}：工程师正在路上"]

        # A tap on it: the open tracking page (in whatever language) is focused, else the page
        # is opened. Only a real tap may do either, so the two calls are recorded instead.
        taps = await push_service.worker.evaluate(TAPS, f"/q/{w.token}/requests/{job}")
        assert taps == [["focus", page.url], ["open", f"{server}/q/{w.token}/requests/999"]]


# Runs in the worker: focusOrOpen (sw.js) for the open page, then for a page not open.
TAPS = """async (url) => {
  const calls = [];
  WindowClient.prototype.focus = async function () {
    calls.push(["focus", this.url]);
    return this;
  };
  self.clients.openWindow = async (href) => { calls.push(["open", href]); return null; };
  await focusOrOpen(url + "?lang=en");
  await focusOrOpen(url.replace(/\\d+$/, "999"));
  return calls;
}"""


async def test_a_push_service_that_never_answers(api, server, tmp_path: Path):
    """A real profile: subscribe() waits for a push service it cannot reach; the page gives up."""
    w, job, _ = await _open_request(api)
    async with _chromium(server, "en-US", tmp_path / "profile") as (_, page):
        await page.clock.install()  # the page's 20-second limit, without waiting 20 seconds
        await page.goto(f"{server}/q/{w.token}/requests/{job}")
        button = page.get_by_role("button", name="Notify me of updates")
        await button.click()
        await expect(page.get_by_role("button", name="Please wait…")).to_be_disabled()
        # The worker is up (in real time) before the fake clock runs, so what times out is
        # the subscribe() that follows it.
        scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
        assert scope == f"{server}/"
        note = page.locator("[data-follow-note]")
        for _ in range(100):
            await page.clock.run_for(1000)
            if await note.text_content():
                break
            await asyncio.sleep(0.1)  # real time for the browser to get to subscribe()
        await expect(note).to_have_text(
            "We could not turn on notifications on this phone. "
            "This page still updates itself while it is open."
        )
        await expect(button).to_be_enabled()
        assert await db.fetchval("SELECT count(*) FROM push_subscription") == 0


async def test_follow_and_stop_against_the_api(api, server, phone: Page):
    w, job, _ = await _open_request(api)
    subscription = Browser.new().subscription(FAKE_ENDPOINT)
    await phone.context.grant_permissions(["notifications"], origin=server)
    await phone.add_init_script(
        FAKE_PUSH_MANAGER
        % {"endpoint": json.dumps(FAKE_ENDPOINT), "keys": json.dumps(subscription["keys"])}
    )
    await phone.goto(f"{server}/q/{w.token}/requests/{job}")
    follow = phone.locator("#follow")
    await phone.get_by_role("button", name="Notify me of updates").click()
    await expect(follow).to_have_attribute("data-state", "on")
    await expect(follow).to_contain_text("You'll be notified of updates on this phone.")
    await phone.screenshot(path="/tmp/customer-push-on.png", full_page=True)

    asked = json.loads(await phone.evaluate("localStorage.getItem('fake-push')"))
    # From the page's server: each process keeps the key it read first, and the tests empty
    # the table it came from between tests.
    async with httpx.AsyncClient(base_url=server) as http:
        server_key = (await http.get("/api/public/push/key")).json()["public_key"]
    assert asked["userVisibleOnly"] is True
    assert base64.b64decode(asked["key"]) == unb64url(server_key)  # base64url → 65 bytes
    rows = await db.fetch("SELECT endpoint, work_order FROM push_subscription")
    assert [tuple(r) for r in rows] == [(FAKE_ENDPOINT, job)]

    await phone.reload()  # remembered per request, and checked against the browser
    await expect(follow).to_have_attribute("data-state", "on")
    assert await phone.evaluate(f"localStorage.getItem('fl-follow:{job}')") == FAKE_ENDPOINT

    await phone.get_by_role("button", name="Stop notifications").click()
    await expect(follow).to_have_attribute("data-state", "idle")
    await expect(follow.locator("[data-follow-note]")).to_have_text("Notifications stopped.")
    await expect(phone.get_by_role("button", name="Notify me of updates")).to_be_visible()
    assert await db.fetchval("SELECT count(*) FROM push_subscription") == 0
    assert await phone.evaluate("localStorage.length") == 0


IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
)


async def test_browsers_without_push_are_told_so(api, server, phone: Page):
    w, job, _ = await _open_request(api)
    path = f"{server}/q/{w.token}/requests/{job}"
    follow = phone.locator("#follow")
    # Safari in a tab, as on iOS: no PushManager unless the page was opened from the Home Screen.
    agent = json.dumps(IPHONE_SAFARI)
    await phone.add_init_script(
        "delete window.PushManager;"
        f"Object.defineProperty(navigator, 'userAgent', {{get: () => {agent}}});"
    )
    await phone.goto(path)
    await expect(follow).to_have_attribute("data-state", "none")
    await expect(follow).to_contain_text(
        "On iPhone and iPad, Safari shows notifications only for apps added to the Home Screen."
    )
    await expect(phone.get_by_role("button", name="Notify me of updates")).to_be_hidden()


async def test_a_refused_permission_is_explained(api, server, phone: Page):
    """Nothing granted: headless Chromium, having no one to ask, answers "denied"."""
    w, job, _ = await _open_request(api)
    await phone.goto(f"{server}/q/{w.token}/requests/{job}")
    await phone.get_by_role("button", name="Notify me of updates").click()
    await expect(phone.locator("[data-follow-note]")).to_have_text(
        "Notifications are blocked for this site. "
        "To be notified, allow them in your browser's settings."
    )
    await expect(phone.locator("#follow")).to_have_attribute("data-state", "none")
    await expect(phone.get_by_role("button", name="Notify me of updates")).to_be_hidden()
