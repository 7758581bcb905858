"""The rep's PWA in Chromium: today's visits, check-in near and far (GPS emulated), check-out,
planning a visit, accounts, and the route of the day recorded while the app is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from playwright.async_api import Page, expect

from backend import db
from tests.support.factories import Staff, account, staff
from tests.support.loop import SITE
from tests.support.staff_app import TILES, eventually, phone, sign_in, until_synced

HERE = (SITE[0] + 0.0005, SITE[1])  # 55 m north of the first customer, 2.05 km from the second


async def _visit(api: AsyncClient, rep: Staff, site: dict[str, Any], hours: float) -> int:
    planned = datetime.now(UTC) + timedelta(hours=hours)
    body = {"account_id": site["id"], "planned_at": planned.isoformat()}
    response = await api.post("/api/visits", json=body, headers=rep.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _day(api: AsyncClient) -> tuple[Staff, dict[str, Any], dict[str, Any], int, int]:
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    near = await account(api, admin, lat=SITE[0], lng=SITE[1], owner_id=rep.id, grade="A")
    far = await account(api, admin, lat=SITE[0] - 0.018, lng=SITE[1], owner_id=rep.id, grade="B")
    # Minutes either side of now: both on today's list, whatever the hour of the run.
    return rep, near, far, await _visit(api, rep, near, -0.05), await _visit(api, rep, far, 0.05)


async def _visit_row(visit: int) -> Any:
    return await db.fetchrow("SELECT * FROM visit WHERE id = $1", visit)


async def _check_in(page: Page, server: str, name: str, visit: int) -> None:
    await page.goto(f"{server}/rep")
    await page.get_by_role("link", name=name).click()
    await page.wait_for_url(f"{server}/visits/{visit}")
    await page.get_by_role("button", name="Check in here").click()


async def test_rep_checks_in_near_and_far_and_checks_out(api, server):
    rep, near, far, first, second = await _day(api)
    async with phone(server, position=HERE) as (_, page):
        await sign_in(page, server, rep, "/rep")
        visits = page.locator("#visits > li")
        await expect(visits).to_have_count(2)
        await expect(visits.nth(0)).to_contain_text(near["name"])
        await expect(visits.nth(0)).to_contain_text("Grade A")
        await expect(visits.nth(1)).to_contain_text(far["name"])
        await expect(page.locator("#visits-map .leaflet-interactive")).to_have_count(2)
        await page.screenshot(path="/tmp/pwa-rep-today.png", full_page=True)

        # Near: 55 m from the customer, on site.
        await _check_in(page, server, near["name"], first)
        result = page.locator("#checkin-result")
        await expect(result).to_have_attribute("data-on-site", "true")
        await expect(result).to_contain_text("On site: 55 m from the customer.")
        row = await _visit_row(first)
        assert row["on_site"] is True
        assert round(row["checkin_distance_m"]) == 55

        form = page.locator("#checkout-form")
        await form.get_by_label("Notes").fill("Met the facilities manager; chiller B is noisy.")
        await form.get_by_label("Outcome").select_option(label="Needs a follow-up")
        await form.get_by_label("Next step").fill("Send a service quote")
        await form.get_by_role("button", name="Check out").click()
        await expect(page.locator("#summary")).to_contain_text("Send a service quote")
        await eventually(lambda: _checked_out(first), True)
        await until_synced(page)
        row = await _visit_row(first)
        assert (row["notes"], row["outcome"], row["next_step"]) == (
            "Met the facilities manager; chiller B is noisy.",
            "follow_up",
            "Send a service quote",
        )

        # Far: the same spot is 2 km from the second customer; the check-in is kept, flagged.
        await _check_in(page, server, far["name"], second)
        await expect(result).to_have_attribute("data-on-site", "false")
        await expect(result).to_contain_text(
            "Off site: 2.1 km from the customer. The check-in is kept and flagged for your "
            "supervisor."
        )
        await page.screenshot(path="/tmp/pwa-rep-off-site.png", full_page=True)
        row = await _visit_row(second)
        assert row["on_site"] is False
        assert round(row["checkin_distance_m"]) == 2051

        await page.goto(f"{server}/rep")
        await expect(visits.nth(1)).to_contain_text("Off site")


async def _checked_out(visit: int) -> Any:
    return await db.fetchval("SELECT checkout_at IS NOT NULL FROM visit WHERE id = $1", visit)


async def test_rep_plans_a_visit_and_sees_accounts(api, server):
    rep, near, far, _, _ = await _day(api)
    async with phone(server, position=SITE) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.get_by_role("link", name="Accounts").click()
        await page.wait_for_url(f"{server}/rep/accounts")
        rows = page.locator("#accounts > li")
        await expect(rows).to_have_count(2)
        await expect(rows.nth(0)).to_contain_text(f"Grade A {near['name']}")
        await expect(rows.nth(0)).to_contain_text("Never contacted")
        await expect(page.locator("#accounts-count")).to_have_text("2 accounts")

        await rows.nth(1).get_by_role("link", name="Plan a visit").click()
        await page.wait_for_url(f"{server}/rep?plan={far['id']}")
        form = page.locator("#plan-form")
        await expect(form.get_by_label("Account")).to_have_value(str(far["id"]))
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).astimezone()
        await form.get_by_label("When").fill(tomorrow.strftime("%Y-%m-%dT10:30"))
        await form.get_by_role("button", name="Plan the visit").click()
        await expect(page.locator("#plan-done")).to_contain_text(f"Visit planned: {far['name']}")
        await eventually(lambda: _visits_of(far["id"]), 2)
        await until_synced(page)


async def _visits_of(account_id: int) -> Any:
    return await db.fetchval("SELECT count(*) FROM visit WHERE account = $1", account_id)


async def test_route_of_the_day_is_tracked_and_drawn(api, server):
    rep, *_ = await _day(api)
    async with phone(server, position=SITE) as (context, page):
        await sign_in(page, server, rep, "/rep")
        tracking = page.get_by_role("switch", name="Record my route")
        await expect(tracking).to_have_attribute("aria-checked", "false")
        await expect(page.get_by_text("Tracking stops when the app is closed")).to_be_visible()
        await tracking.click()
        await expect(tracking).to_have_attribute("aria-checked", "true")
        state = page.locator("#tracking-state")
        await expect(state).to_contain_text("Positions kept: 1;")

        # Ten fixes about 111 m apart going north, and one too inaccurate to keep.
        for n in range(1, 10):
            await context.set_geolocation(
                {"latitude": SITE[0] + n * 0.001, "longitude": SITE[1], "accuracy": 10}
            )
            await expect(state).to_contain_text(f"Positions kept: {n + 1};")
            if n == 5:
                await context.set_geolocation(
                    {"latitude": SITE[0] + 0.02, "longitude": SITE[1], "accuracy": 500}
                )
        # The tenth fix made a batch: sent through the outbox as one request.
        await expect(state).to_contain_text("not sent yet: 0.")
        await eventually(lambda: _pings(rep.id), 10)
        await until_synced(page)

        await page.get_by_role("link", name="Route").click()
        await page.wait_for_url(f"{server}/rep/route")
        await expect(page.locator("#route-km")).to_have_text("1 km")
        await expect(page.locator("#route-map path.leaflet-interactive")).to_have_count(1)
        await page.screenshot(path="/tmp/pwa-rep-route.png", full_page=True)

    route = (await api.get(f"/api/users/{rep.id}/route", headers=rep.headers)).json()
    assert route["geometry"]["type"] == "LineString"
    assert round(route["properties"]["distance_km"], 1) == 1.0


async def _pings(user: int) -> Any:
    return await db.fetchval('SELECT count(*) FROM location_ping WHERE "user" = $1', user)


async def test_pages_work_without_map_tiles(api, server):
    rep, near, *_ = await _day(api)
    tile_failure = "Failed to load resource: net::ERR_FAILED"
    async with phone(server, position=SITE, tolerate=(tile_failure,)) as (context, page):
        await context.unroute(TILES)
        await context.route(TILES, lambda route: route.abort())
        await sign_in(page, server, rep, "/rep")
        await expect(page.locator("#visits > li")).to_have_count(2)
        await expect(page.get_by_text("The map background could not load")).to_be_visible()
        await page.get_by_role("link", name="Route").click()
        await expect(page.locator("#route-km")).to_have_text("0 km")
        await expect(page.get_by_text("No route recorded on this day.")).to_be_visible()
        assert near
