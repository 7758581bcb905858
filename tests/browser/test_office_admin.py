"""The admin's desktop journey in Chromium: create an engineer with a home base picked on the map
(errors beside the fields first, nothing typed lost), draw a zone, count a van; and the admin
pages in both languages on a tablet (820 px) and at 1280 and 1920 px, screenshotted into
pytest's tmp_path to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.browser.test_office import WAIT, desktop
from tests.support.factories import Staff, create, product, team
from tests.support.office_pages import open_and_check


async def _click_map(page: Page, selector: str, fx: float, fy: float) -> None:
    """A click at a fraction (fx, fy) of the map's box."""
    box = await page.locator(selector).bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


async def test_an_admin_creates_an_engineer_with_a_home_base_on_the_map(api, server):
    people = await team(api)
    async with desktop(server, people["admin"]) as page:
        await page.goto(f"{server}/users/new")
        await page.get_by_label("Name").fill("Wang Lei")
        await page.get_by_label("Password").fill("short")
        await page.get_by_label("Skills").fill("hvac, electrical")
        await _click_map(page, "#home-map", 0.5, 0.5)
        lat = page.get_by_label("Latitude")
        await expect(lat).not_to_have_value("")
        assert abs(float(await lat.input_value()) - 31.23) < 0.2  # the map opens on Shanghai
        await expect(page.locator("#home-map .place-pin")).to_have_count(1)

        # The schema names the first field it refuses; it shows beside it, nothing is lost.
        await page.get_by_role("button", name="Create user").click()
        await expect(page.locator('[data-error-for="password"]')).to_be_visible()
        assert await page.get_by_label("Skills").input_value() == "hvac, electrical"

        await page.get_by_label("Password").fill("long-enough-1")
        await page.get_by_role("button", name="Create user").click()
        await expect(page.locator('[data-error-for="email"]')).to_be_visible()
        await expect(page.locator('[data-error-for="password"]')).to_be_hidden()

        await page.get_by_label("Email").fill("wang.lei@example.test")
        await page.get_by_role("button", name="Create user").click()
        await expect(page).to_have_url(re.compile(r"/users/\d+$"), timeout=WAIT)
        user_id = int(page.url.rsplit("/", 1)[1])
        await expect(page.locator("#home-map .place-pin")).to_have_count(1)

    made = (await api.get(f"/api/users/{user_id}", headers=people["admin"].headers)).json()
    assert (made["role"], made["skills"]) == ("engineer", ["hvac", "electrical"])
    assert made["home_lat"] == pytest.approx(31.23, abs=0.2)
    assert made["home_lng"] == pytest.approx(121.47, abs=0.3)


async def test_an_admin_draws_a_zone_on_the_map_and_a_crossing_is_refused(api, server):
    people = await team(api)
    async with desktop(server, people["admin"]) as page:
        await page.goto(f"{server}/zones/new")
        await page.get_by_label("Name").fill("Huangpu")
        for fx, fy in ((0.3, 0.3), (0.7, 0.7), (0.7, 0.3), (0.3, 0.7)):  # a bow tie
            await _click_map(page, "#zone-map", fx, fy)
        await expect(page.locator("#corner-count")).to_have_text("(4)")
        await expect(page.locator("#zone-map .corner-pin")).to_have_count(4)
        await page.get_by_role("button", name="Save the zone").click()
        error = page.locator('[data-error-for="boundary"]')
        await expect(error).to_contain_text("crossing")
        assert await page.get_by_label("Name").input_value() == "Huangpu"

        await page.get_by_role("button", name="Start again").click()
        await expect(page.locator("#zone-map .corner-pin")).to_have_count(0)
        for fx, fy in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)):  # a square
            await _click_map(page, "#zone-map", fx, fy)
        # The corners are text too: the keyboard's way to the same polygon.
        await expect(page.locator("#f-boundary")).to_have_value(
            re.compile(r"^(31\.\d+, 121\.\d+\n?){4}$")
        )
        await page.get_by_role("button", name="Save the zone").click()
        await expect(page).to_have_url(re.compile(r"/zones/\d+$"), timeout=WAIT)
        zone_id = int(page.url.rsplit("/", 1)[1])
        await expect(page.locator("#zone-map .corner-pin")).to_have_count(4)

        # Redrawn: a corner removed by clicking it, saved with PUT.
        await page.locator("#zone-map .corner-pin").nth(3).click()
        await expect(page.locator("#corner-count")).to_have_text("(3)")
        await page.get_by_role("button", name="Save the zone").click()
        await expect(page.locator("#zone-map .corner-pin")).to_have_count(3, timeout=WAIT)

    zone = (await api.get(f"/api/zones/{zone_id}", headers=people["admin"].headers)).json()
    assert zone["name"] == "Huangpu"
    assert len(zone["boundary"]) == 3
    assert all(abs(lat - 31.23) < 0.2 and abs(lng - 121.47) < 0.3 for lat, lng in zone["boundary"])


async def test_a_supervisor_counts_an_engineers_van(api, server):
    people = await team(api)
    await create(api, people["admin"], "/api/parts", {"sku": "VLV-1", "name": "Gas valve"})
    engineer = people["engineer"]
    async with desktop(server, people["supervisor"]) as page:
        await page.goto(f"{server}/users/{engineer.id}")
        stock = page.locator("#stock-form")
        await stock.get_by_label("Add a part").fill("valve")
        await stock.get_by_role("button", name=re.compile("VLV-1")).click()
        quantity = stock.get_by_label("Gas valve")
        await quantity.fill("-2")
        await stock.get_by_role("button", name="Save the count").click()
        await expect(stock.locator('[data-error-for="items[0].qty"]')).to_be_visible()
        assert await quantity.get_attribute("aria-invalid") == "true"
        await quantity.fill("4")
        await stock.get_by_role("button", name="Save the count").click()
        await expect(stock.get_by_label("Quantity of Gas valve")).to_have_value("4", timeout=WAIT)
    van = await api.get(f"/api/engineers/{engineer.id}/stock", headers=people["admin"].headers)
    assert [(i["sku"], i["qty"]) for i in van.json()["items"]] == [("VLV-1", 4)]


async def test_a_supervisor_sees_zones_without_the_editor(api, server):
    people = await team(api)
    zone = await api.post(
        "/api/zones",
        json={"name": "Minhang", "boundary": [[31.0, 121.3], [31.0, 121.4], [31.1, 121.35]]},
        headers=people["admin"].headers,
    )
    async with desktop(server, people["supervisor"]) as page:  # a script error fails the test
        await page.goto(f"{server}/zones")
        await expect(page.locator("#zones-map path.leaflet-interactive")).to_have_count(1)
        await page.goto(f"{server}/zones/{zone.json()['id']}")
        await expect(page.locator("#zone-map path.leaflet-interactive")).to_have_count(1)
        await expect(page.locator("#zone-map .corner-pin")).to_have_count(0)
        await expect(page.get_by_role("button", name="Save the zone")).to_have_count(0)


async def _admin_paths(api: Any) -> tuple[Staff, list[str]]:
    people = await team(api)
    zone = await api.post(
        "/api/zones",
        json={"name": "静安", "boundary": [[31.2, 121.4], [31.2, 121.5], [31.3, 121.45]]},
        headers=people["admin"].headers,
    )
    model = await product(api, people["admin"], sku="BLR-24", name="壁挂炉 24 kW")
    part = await create(
        api, people["admin"], "/api/parts", {"sku": "VLV-1", "name": "燃气阀", "price": "128.50"}
    )
    return people["admin"], [
        "/catalogue",
        "/catalogue/parts",
        "/catalogue/products/new",
        f"/catalogue/products/{model['id']}",
        f"/catalogue/parts/{part['id']}",
        "/users",
        "/users/new",
        f"/users/{people['engineer'].id}",
        "/zones",
        "/zones/new",
        f"/zones/{zone.json()['id']}",
    ]


@pytest.mark.parametrize("width", [820, 1280, 1920])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_admin_pages_render_in_both_languages_at_both_widths(
    api, server, locale, width, tmp_path: Path
):
    admin, paths = await _admin_paths(api)
    async with desktop(server, admin, width=width, locale=locale) as page:
        for path in paths:
            await open_and_check(page, f"{server}{path}", path, locale, shots=tmp_path)
