"""The supervisor's boards in a desktop Chromium: the dispatch board follows every change live,
without a reload; manual reassignment from the board; the satisfaction board renders offline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from httpx import AsyncClient
from playwright.async_api import Page, expect

from backend import db
from tests.support.chromium import chromium
from tests.support.factories import PASSWORD, Staff
from tests.support.loop import World, engineer, file_request, go_on_duty, step, world

SCREENSHOT = "/tmp/dispatch-board.png"
LIVE = 10_000  # ms: a bound for a hung test, never a claim about speed
TILES = "https://tile.openstreetmap.org/**"


@asynccontextmanager
async def desktop(server: str, who: Staff) -> AsyncIterator[Page]:
    """A desktop-sized page signed in as `who`; the map tiles it cannot load are no error."""
    async with chromium(
        viewport={"width": 1400, "height": 900},
        locale="en-US",
        may_fail=("tile.openstreetmap.org",),
    ) as (context, page):
        # Tests never touch the internet: every tile fails, as on a machine offline.
        await context.route(TILES, lambda route: route.abort())
        signed_in = await context.request.post(
            f"{server}/api/auth/login", data={"email": who.email, "password": PASSWORD}
        )
        assert signed_in.ok, await signed_in.text()
        yield page


async def _new_job(api: AsyncClient, w: World, description: str) -> Any:
    """A work order the supervisor opens for the site's device; dispatch offers it at once."""
    response = await api.post(
        "/api/work-orders",
        json={"device_id": w.device["id"], "description": description},
        headers=w.supervisor.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_dispatch_board_follows_changes_without_reload(api, server):
    w = await world(api)
    near = await engineer(api, w, 1, on_duty=False)
    other = await engineer(api, w, 2, on_duty=False)
    third = await engineer(api, w, 5, on_duty=False)

    async with desktop(server, w.supervisor) as page:
        await page.goto(f"{server}/boards/dispatch")
        await expect(page.locator("#live")).to_have_attribute("data-live", "true", timeout=LIVE)
        pin = page.locator(f'#engineers li[data-engineer="{near.id}"]')
        await expect(pin).to_have_attribute("data-state", "off_duty")
        await page.evaluate("window.sameDocument = true")  # gone if the page ever reloads

        # Every change below is made in this test process, not by the server the page talks
        # to: it reaches the board only through PostgreSQL NOTIFY and the server's stream.
        await go_on_duty(api, near, 31.2394, 121.4737)
        await expect(pin).to_have_attribute("data-state", "free", timeout=LIVE)
        await expect(page.locator('[data-count="free"]')).to_have_text("1", timeout=LIVE)

        job = await _new_job(api, w, "Compressor trips")
        row = page.locator(f'#queue tr[data-job="{job["id"]}"]')
        await expect(row).to_have_attribute("data-status", "offered", timeout=LIVE)
        await expect(pin).to_have_attribute("data-state", "offered", timeout=LIVE)
        await step(api, near, job["id"], "accept")
        await expect(row).to_have_attribute("data-status", "accepted", timeout=LIVE)
        await expect(pin).to_have_attribute("data-state", "travelling", timeout=LIVE)

        # On the way, his phone sends its fixes: the pin follows him.
        fix = {"at": datetime.now(UTC).isoformat(), "lat": 31.2351, "lng": 121.4737, "accuracy": 8}
        sent = await api.post("/api/me/locations", json={"pings": [fix]}, headers=near.headers)
        assert sent.status_code == 202, sent.text
        await expect(pin).to_have_attribute("data-position", "31.23510,121.47370", timeout=LIVE)

        # A second job goes to the nearer free engineer; the supervisor moves it on the board.
        await go_on_duty(api, other, 31.2484, 121.4737)
        await go_on_duty(api, third, 31.2754, 121.4737)
        second = await _new_job(api, w, "Water on the floor")
        row2 = page.locator(f'#queue tr[data-job="{second["id"]}"]')
        await expect(row2).to_contain_text(second["engineer"]["name"], timeout=LIVE)
        await row2.click()
        detail = page.locator("#detail")
        await expect(detail).to_have_attribute("data-job", str(second["id"]))
        # Offered instead to the eligible engineers, nearest first: not the one holding it.
        await expect(detail.locator(f'option[value="{third.id}"]')).to_have_count(1, timeout=LIVE)
        assert await detail.locator(f'option[value="{other.id}"]').count() == 0
        await detail.locator("select").select_option(str(third.id))
        await detail.get_by_role("button", name="Offer the job").click()
        third_pin = page.locator(f'#engineers li[data-engineer="{third.id}"]')
        await expect(third_pin).to_have_attribute("data-state", "offered", timeout=LIVE)
        other_pin = page.locator(f'#engineers li[data-engineer="{other.id}"]')
        await expect(other_pin).to_have_attribute("data-state", "free", timeout=LIVE)

        # Done and gone: a completed job leaves the queue.
        await step(api, near, job["id"], "arrive", {"lat": 31.2304, "lng": 121.4737})
        await expect(pin).to_have_attribute("data-state", "on_site", timeout=LIVE)
        await step(api, near, job["id"], "complete", {"resolution": "Reset the breaker"})
        await expect(row).to_have_count(0, timeout=LIVE)
        await expect(pin).to_have_attribute("data-state", "free", timeout=LIVE)

        # The server's LISTEN connection drops (a database failover): a change made meanwhile
        # may be lost, so the server reconnects and tells the page to reload the whole board.
        loaded = await page.locator("#dispatch").get_attribute("data-loaded-at")
        await db.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            """WHERE datname = current_database() AND query LIKE '%LISTEN "fieldline_boards"'"""
        )
        off = await api.put("/api/me/duty", json={"status": "off_duty"}, headers=other.headers)
        assert off.status_code == 200, off.text
        await expect(page.locator("#dispatch")).not_to_have_attribute(
            "data-loaded-at", loaded or "", timeout=LIVE
        )
        await expect(other_pin).to_have_attribute("data-state", "off_duty", timeout=LIVE)

        assert await page.evaluate("window.sameDocument === true"), "the page reloaded"
        assert await page.locator("#map").get_attribute("data-tiles") == "unavailable"
        await page.screenshot(path=SCREENSHOT)


async def test_satisfaction_board_renders_with_its_json(api, server):
    w = await world(api)
    async with desktop(server, w.supervisor) as page:
        await page.goto(f"{server}/boards/satisfaction")
        await expect(page.locator("h2").first).to_be_visible()
        response = await page.request.get(f"{server}/api/boards/satisfaction")
        data = await response.json()
        assert await page.locator("#ftf").inner_text() == "–"  # nothing completed yet
        assert data["first_time_fix"]["pct"] is None
        await page.get_by_role("link", name="Sales board").click()
        await expect(page.locator("#reps")).to_be_visible()


async def test_board_times_show_in_the_supervisors_own_zone(api, server):
    w = await world(api)
    near = await engineer(api, w, 1)
    job = await file_request(api, w.token)
    for action, body in [
        ("accept", None),
        ("arrive", {"lat": 31.2304, "lng": 121.4737}),
        ("complete", {"resolution": "Reset the breaker"}),
    ]:
        await step(api, near, job["id"], action, body)
    rated = await api.post(
        f"/api/public/devices/{w.token}/requests/{job['id']}/rating",
        json={"score": 1, "comment": "Came late"},
    )
    assert rated.status_code == 201, rated.text
    at = await db.fetchval("SELECT at FROM rating WHERE work_order = $1", job["id"])
    async with desktop(server, w.supervisor) as page:
        await page.goto(f"{server}/boards/satisfaction")
        shown = page.locator("tr.low time")
        await expect(shown).to_have_count(1)
        # The context runs in Asia/Shanghai: the page's script turns the server's UTC into it.
        local = at.astimezone(ZoneInfo("Asia/Shanghai"))
        await expect(shown).to_contain_text(f"{local.hour % 12 or 12}:{local.minute:02d}")
        assert "UTC" not in (await shown.inner_text())
