"""Job alerts in Chromium: subscribing after a tap, an offer pushed through DevTools shown as a
notification that opens the job, and a subscription renewed by the browser.

Chromium here reaches no push service (no internet): the page's side runs against the real API
with a stand-in PushManager (as in test_customer_push.py); the worker's side gets its pushes from
DevTools (ServiceWorker.deliverPushMessage), the way a push service would hand them over.
"""

from __future__ import annotations

import json

from playwright.async_api import expect

from backend import db
from tests.support.browser_push import FAKE_PUSH_MANAGER, offer_payload, pushes
from tests.support.loop import SITE, engineer, file_request, world
from tests.support.push_receiver import Browser
from tests.support.staff_app import phone, sign_in, until_ready_offline

FAKE_ENDPOINT = "https://push.example.com/send/engineer-1"
RENEWED_ENDPOINT = "https://push.example.com/send/engineer-1-renewed"


async def test_job_alerts_are_turned_on_and_off_by_a_tap(api, server):
    w = await world(api)
    me = await engineer(api, w, 2)
    keys = Browser.new().subscription(FAKE_ENDPOINT)["keys"]
    async with phone(server) as (context, page):
        await context.grant_permissions(["notifications"], origin=server)
        await page.add_init_script(
            FAKE_PUSH_MANAGER % {"endpoint": json.dumps(FAKE_ENDPOINT), "keys": json.dumps(keys)}
        )
        await sign_in(page, server, me, "/engineer")
        # Nothing is asked before the engineer taps the button.
        assert await page.evaluate("localStorage.getItem('fake-push')") is None
        await page.get_by_role("button", name="Turn on job alerts").click()
        await expect(page.get_by_role("button", name="Turn off job alerts")).to_be_visible()
        await expect(page.locator("#push-note")).to_have_text("Job alerts are on for this phone.")
        rows = await db.fetch('SELECT endpoint, "user" FROM push_subscription')
        assert [tuple(r) for r in rows] == [(FAKE_ENDPOINT, me.id)]

        await page.reload()  # remembered, and checked against the browser's subscription
        await page.get_by_role("button", name="Turn off job alerts").click()
        await expect(page.locator("#push-note")).to_have_text("Job alerts are off.")
        await expect(page.get_by_role("button", name="Turn on job alerts")).to_be_visible()
        assert await db.fetchval("SELECT count(*) FROM push_subscription") == 0


# Runs in the worker: what a tap on the notification does, with the window calls recorded.
TAP = """async (url) => {
  const calls = [];
  self.clients.openWindow = async (href) => { calls.push(["open", href]); return null; };
  WindowClient.prototype.focus = async function () {
    calls.push(["focus", this.url]);
    return this;
  };
  await focusOrOpen(url);
  return calls;
}"""


async def test_an_offer_push_is_shown_and_opens_the_job(api, server):
    w = await world(api)
    me = await engineer(api, w, 2)
    async with phone(server, position=SITE) as (context, page):
        await context.grant_permissions(["notifications"], origin=server)
        await sign_in(page, server, me, "/engineer")
        await until_ready_offline(page)
        await expect(page.get_by_text("No job right now.")).to_be_visible()
        push_service = await pushes(context, page, server)

        job = int((await file_request(api, w.token))["id"])
        [shown] = await push_service.deliver(offer_payload(job))
        assert shown == {
            "title": f"New job offer #{job}",
            "body": "2 km away. Tap to answer.",
            "tag": f"job-{job}",
            "lang": "en",
            "url": f"/jobs/{job}",
        }
        # The open page heard of the push through the worker and shows the offer at once.
        await expect(page.locator("#offer")).to_contain_text("No cooling at all")

        worker = push_service.worker
        assert await worker.evaluate(TAP, f"/jobs/{job}") == [["open", f"{server}/jobs/{job}"]]
        await page.goto(f"{server}/jobs/{job}")
        assert await worker.evaluate(TAP, f"/jobs/{job}") == [["focus", page.url]]

        # A push the worker cannot read still shows something (userVisibleOnly).
        titles = [n["title"] for n in await push_service.deliver("not json")]
        assert sorted(titles) == sorted(["Fieldline", f"New job offer #{job}"])


# Runs in the worker: the browser renewed the subscription (pushsubscriptionchange).
RENEW = """async ([endpoint, keys]) => {
  const renewed = { endpoint, toJSON: () => ({ endpoint, expirationTime: null, keys }) };
  await resubscribe({ newSubscription: renewed });
}"""


async def test_a_renewed_subscription_is_given_to_the_server(api, server):
    w = await world(api)
    me = await engineer(api, w, 2)
    keys = Browser.new().subscription(RENEWED_ENDPOINT)["keys"]
    async with phone(server) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await until_ready_offline(page)
        [worker] = context.service_workers
        await worker.evaluate(RENEW, [RENEWED_ENDPOINT, keys])
    rows = await db.fetch('SELECT endpoint, "user" FROM push_subscription')
    assert [tuple(r) for r in rows] == [(RENEWED_ENDPOINT, me.id)]
