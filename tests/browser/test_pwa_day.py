"""The engineer's Jobs tab in Chromium: today's offer and the last 30 days' completed jobs, and a
new offer arriving on the live stream while the app is open, without push (no subscription)."""

from __future__ import annotations

from playwright.async_api import expect

from tests.support.loop import SITE, engineer, file_request, step, world
from tests.support.staff_app import phone, sign_in


async def test_the_jobs_tab_lists_today_and_the_last_30_days_and_takes_offers_live(api, server):
    w = await world(api, vip=True)
    me = await engineer(api, w, 1)
    done = (await file_request(api, w.token, "Fan rattles"))["id"]
    await step(api, me, done, "accept")
    await step(api, me, done, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(api, me, done, "complete", {"resolution": "Tightened the fan"})
    async with phone(server, position=SITE) as (_, page):
        await sign_in(page, server, me, "/engineer")
        await page.get_by_role("link", name="Jobs").click()
        await expect(page.get_by_role("link", name="Jobs")).to_have_attribute(
            "aria-current", "page"
        )
        await expect(page.locator(f"#day-done [data-job='{done}']")).to_contain_text("Fan rattles")
        await expect(page.locator("#day-today-empty")).to_be_visible()
        await expect(page.locator("body[data-live='on']")).to_have_count(1)
        # Offered while the page is open: the stream brings it, no push and no 30 s poll.
        offered = (await file_request(api, w.token, "Leaking again"))["id"]
        card = page.locator(f"#day-today [data-job='{offered}']")
        await expect(card).to_contain_text("Leaking again", timeout=3000)
        await expect(card).to_contain_text(w.account["name"])
        await expect(card).to_contain_text("VIP")
        await expect(card).to_contain_text("High priority")
        await card.get_by_role("link").click()
        await expect(page).to_have_url(f"{server}/jobs/{offered}")
