"""The engineer's PWA in Chromium: sign in, duty, an offer answered, a job worked with van parts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from httpx import AsyncClient
from playwright.async_api import Page, expect

from backend import db
from tests.support.factories import Staff
from tests.support.loop import SITE, World, engineer, file_request, step, world
from tests.support.staff_app import (
    eventually,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)

SCREENSHOTS = Path("/tmp")


async def _rated_job(api: AsyncClient, w: World) -> int:
    """An earlier job on the device, done by a colleague with a part swapped and rated 4."""
    veteran = await engineer(api, w, 1, stock={w.parts[2]["id"]: 2})
    job = (await file_request(api, w.token, "Compressor trips"))["id"]
    await step(api, veteran, job, "accept")
    await step(api, veteran, job, "travel")
    await step(api, veteran, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    used = {"part_id": w.parts[2]["id"], "qty": 1, "serial_out": "OLD-0001"}
    used["serial_in"] = "NEW-0001"
    body = {"resolution": "Swapped the relay", "parts": [used]}
    await step(api, veteran, job, "complete", body)
    rating = {"score": 4, "comment": "Quick and tidy"}
    response = await api.post(f"/api/public/devices/{w.token}/requests/{job}/rating", json=rating)
    assert response.status_code == 201, response.text
    response = await api.put("/api/me/duty", json={"status": "off_duty"}, headers=veteran.headers)
    assert response.status_code == 200, response.text
    return int(job)


async def _offered(api: AsyncClient) -> tuple[World, Staff, int, int]:
    w = await world(api)
    earlier = await _rated_job(api, w)
    me = await engineer(api, w, 2, stock={w.parts[0]["id"]: 3, w.parts[1]["id"]: 1})
    job = int((await file_request(api, w.token, "Water on the floor"))["id"])
    status = await db.fetchval("SELECT status FROM work_order WHERE id = $1", job)
    assert status == "offered"
    return w, me, job, earlier


async def _status(job: int) -> Any:
    return await db.fetchval("SELECT status FROM work_order WHERE id = $1", job)


async def test_engineer_accepts_and_completes_a_job_with_parts(api, server):
    w, me, job, earlier = await _offered(api)
    async with phone(server, position=(SITE[0] + 0.0004, SITE[1])) as (_, page):
        await sign_in(page, server, me, "/engineer")
        await expect(page.get_by_role("switch", name="On duty")).to_have_attribute(
            "aria-checked", "true"
        )
        await expect(page.get_by_text("Tracking stops when the app is closed")).to_be_visible()

        offer = page.locator("#offer")
        await expect(offer).to_contain_text("Water on the floor")
        await expect(offer).to_contain_text("2 km away")
        countdown = offer.get_by_role("timer")
        await expect(countdown).to_have_text(ANSWER_WITHIN)
        # Van stock: what the job can use.
        await expect(page.locator("#stock-list")).to_contain_text("3 × Part 0")
        await page.screenshot(path=SCREENSHOTS / "pwa-engineer-offer.png", full_page=True)

        await offer.get_by_role("button", name="Accept").click()
        await eventually(lambda: _status(job), "accepted")
        await until_synced(page)

        await page.get_by_role("link", name="Open the job").click()
        await page.wait_for_url(f"{server}/jobs/{job}")
        await _job_page_basics(page, w, earlier)

        await page.get_by_role("button", name="Set off").click()
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "en_route")
        await eventually(lambda: _status(job), "en_route")
        await until_synced(page)

        await page.get_by_role("button", name="I have arrived").click()
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "on_site")
        await eventually(lambda: _status(job), "on_site")
        await until_synced(page)
        arrived = await db.fetchrow(
            "SELECT lat, lng FROM work_order_event WHERE work_order = $1 AND kind = 'arrived'", job
        )
        assert arrived is not None
        assert (round(arrived["lat"], 4), round(arrived["lng"], 4)) == (
            round(SITE[0] + 0.0004, 4),
            SITE[1],
        )

        await _complete_with_parts(page, w)
        await eventually(lambda: _status(job), "completed")
        await until_synced(page)
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "completed")
        await expect(page.locator("#done")).to_contain_text("Cleared the drain pipe")
        await expect(page.locator("#done")).to_contain_text("taken out: OLD-7")
        await page.screenshot(path=SCREENSHOTS / "pwa-engineer-completed.png", full_page=True)

    assert await _status(job) == "completed"
    used = await db.fetch(
        """SELECT part, qty, serial_out, serial_in FROM part_usage WHERE work_order = $1
           ORDER BY part""",
        job,
    )
    assert [tuple(r) for r in used] == [
        (w.parts[0]["id"], 2, "OLD-7", "NEW-7"),
        (w.parts[1]["id"], 1, None, None),
    ]
    left = await db.fetch("SELECT part, qty FROM stock WHERE engineer = $1 ORDER BY part", me.id)
    assert [tuple(r) for r in left] == [(w.parts[0]["id"], 1), (w.parts[1]["id"], 0)]


# 5 minutes to answer (FIELDLINE_OFFER_TIMEOUT_SECONDS), counting down.
ANSWER_WITHIN = re.compile(r"^Answer within [0-4]:[0-5]\d$")


async def _job_page_basics(page: Page, w: World, earlier: int) -> None:
    """Customer, navigation to the device, the device's history with parts and rating."""
    await expect(page.locator("#job-title")).to_have_text(w.product["name"])
    await expect(page.locator("#site")).to_contain_text(w.account["name"])
    at = f"{SITE[0]},{SITE[1]}"
    geo = f"geo:{at}?q={at}({_quoted(w.account['name'])})"
    await expect(page.get_by_role("link", name="Navigate")).to_have_attribute("href", geo)
    history = page.locator("#history")
    await expect(history.locator(".past-job")).to_have_count(1)
    await expect(history).to_contain_text("Compressor trips")
    await expect(history).to_contain_text("Swapped the relay")
    await expect(history).to_contain_text("taken out: OLD-0001")
    await expect(history).to_contain_text("fitted: NEW-0001")
    await expect(history).to_contain_text("4 of 5")
    await expect(history).to_contain_text("Quick and tidy")
    assert earlier


def _quoted(text: str) -> str:
    """As encodeURIComponent does it."""
    return quote(text, safe="-_.!~*'()")


async def _complete_with_parts(page: Page, w: World) -> None:
    form = page.locator("#complete-form")
    await expect(form).to_be_visible()
    await form.get_by_role("button", name="Add a part").click()
    await form.get_by_role("button", name="Add a part").click()
    first, second = form.locator(".part-row").nth(0), form.locator(".part-row").nth(1)
    await first.get_by_label("Part", exact=True).select_option(str(w.parts[0]["id"]))
    await first.get_by_label("Quantity").fill("2")
    await first.get_by_label("Serial of the part taken out").fill("OLD-7")
    await first.get_by_label("Serial of the part fitted").fill("NEW-7")
    await second.get_by_label("Part", exact=True).select_option(str(w.parts[1]["id"]))
    # More than the van holds is refused on the phone already.
    await second.get_by_label("Quantity").fill("2")
    await form.get_by_label("Resolution").fill("Cleared the drain pipe")
    await form.get_by_role("button", name="Complete the job").click()
    await expect(form.get_by_role("alert")).to_have_text("Only 1 of Part 1 in the van.")
    await second.get_by_label("Quantity").fill("1")
    await form.get_by_role("button", name="Complete the job").click()


async def test_declining_an_offer_hands_it_on(api, server):
    _, me, job, _ = await _offered(api)
    async with phone(server, position=SITE) as (_, page):
        await sign_in(page, server, me, "/engineer")
        await page.locator("#offer").get_by_role("button", name="Decline").click()
        # It asks why, from a short list; "Other" takes a few words.
        await page.locator("#offer").get_by_role("button", name="Decline the job").click()
        await expect(page.get_by_text("Choose a reason.")).to_be_visible()
        await page.get_by_label("Other").check()
        await page.get_by_label("What is the reason?").fill("Ladder too short")
        await page.locator("#offer").get_by_role("button", name="Decline the job").click()
        await eventually(lambda: _declined_by(job), [me.id])
        reason = await db.fetchrow(
            "SELECT reason, note FROM work_order_event WHERE work_order = $1 AND kind = 'declined'",
            job,
        )
        assert (reason["reason"], reason["note"]) == ("other", "Ladder too short")
        await until_synced(page)
        await expect(page.locator("#offer")).to_be_hidden()
        await expect(page.get_by_text("No job right now.")).to_be_visible()
    assert await db.fetchval("SELECT engineer FROM work_order WHERE id = $1", job) != me.id


async def _declined_by(job: int) -> list[int]:
    rows = await db.fetch(
        "SELECT engineer FROM work_order_event WHERE work_order = $1 AND kind = 'declined'", job
    )
    return [r["engineer"] for r in rows]


async def test_duty_switch_sends_the_position(api, server):
    w = await world(api)
    me = await engineer(api, w, 3, on_duty=False)
    here = (31.2404, 121.4837)
    async with phone(server, position=here) as (_, page):
        await sign_in(page, server, me, "/engineer")
        duty = page.get_by_role("switch", name="On duty")
        await expect(duty).to_have_attribute("aria-checked", "false")
        await expect(page.get_by_text("Off duty: no job offers.")).to_be_visible()
        await until_ready_offline(page)
        await duty.click()
        await expect(duty).to_have_attribute("aria-checked", "true")
        await eventually(lambda: _duty(me.id), "available")
        await until_synced(page)
        row = await db.fetchrow(
            "SELECT duty_status, last_lat, last_lng FROM app_user WHERE id = $1", me.id
        )
        assert (row["duty_status"], row["last_lat"], row["last_lng"]) == ("available", *here)
        await duty.click()
        await expect(duty).to_have_attribute("aria-checked", "false")
        await eventually(lambda: _duty(me.id), "off_duty")


async def _duty(user: int) -> Any:
    return await db.fetchval("SELECT duty_status FROM app_user WHERE id = $1", user)


async def test_another_engineers_job_says_it_is_not_his(api, server):
    w, _, job, _ = await _offered(api)
    other = await engineer(api, w, 9)
    refused = ("Failed to load resource",)  # the browser's own note on the 403 the page handles
    async with phone(server, position=SITE, tolerate=refused) as (_, page):
        await sign_in(page, server, other, "/engineer")
        await page.goto(f"{server}/jobs/{job}")
        await expect(page.locator("#job-missing")).to_be_visible()
        await expect(page.locator("#job")).to_be_hidden()
        await expect(page.locator("#job-loading")).to_be_hidden()
