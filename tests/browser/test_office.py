"""The back office in a desktop Chromium: the office takes a phone call into a dispatched work
order by keyboard; forms keep what was typed and show every error; the boards' filters and map
behave; every page renders in both languages at 1280 and 1920 px without breaking its layout."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from playwright.async_api import Page, expect

from backend.pages.frame import NAV
from tests.support.chromium import chromium
from tests.support.factories import (
    PASSWORD,
    Staff,
    account,
    create,
    device,
    product,
    staff,
    team,
)
from tests.support.office_pages import open_and_check

TILES = "https://tile.openstreetmap.org/**"
WAIT = 10_000  # ms: a bound for a hung test, never a claim about speed
CJK = re.compile(r"[\u4e00-\u9fff]")


@asynccontextmanager
async def desktop(
    server: str, who: Staff, *, width: int = 1280, locale: str = "en-US"
) -> AsyncIterator[Page]:
    async with chromium(
        viewport={"width": width, "height": 900},
        locale=locale,
        # Tiles cannot load (no internet); the API's 4xx are answers the forms show.
        may_fail=("tile.openstreetmap.org", "/api/"),
    ) as (context, page):
        await context.route(TILES, lambda route: route.abort())
        signed_in = await context.request.post(
            f"{server}/api/auth/login", data={"email": who.email, "password": PASSWORD}
        )
        assert signed_in.ok, await signed_in.text()
        yield page


async def _site(api: Any) -> dict[str, Any]:
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin, required_skill="hvac")
    site = await account(
        api, admin, name="Oakridge Logistics", phone="021 5647 8800", lat=31.2304, lng=121.4737
    )
    unit = await device(api, admin, site["id"], model["id"], serial="SN-OAK-1")
    engineer = await staff(api, "engineer", skills=["hvac"], home_lat=31.2310, home_lng=121.4740)
    duty = await api.put("/api/me/duty", json={"status": "available"}, headers=engineer.headers)
    assert duty.status_code == 200, duty.text
    user = await api.get(f"/api/users/{engineer.id}", headers=admin.headers)
    return {
        **people,
        "site": site,
        "device": unit,
        "engineer": engineer,
        "name": user.json()["name"],
    }


async def test_the_office_takes_a_phone_call_into_a_dispatched_work_order(api, server):
    w = await _site(api)
    async with desktop(server, w["supervisor"]) as page:
        await page.goto(f"{server}/work-orders/new")
        await page.keyboard.type("5647 88")  # the caller's phone, as the office hears it
        await expect(page.locator("#call-results button").first).to_contain_text("Oakridge")
        await page.keyboard.press("Enter")  # the first match: the account
        await expect(page.locator("#call-account")).to_contain_text("Oakridge Logistics")
        device_choice = page.get_by_role("radio", name=re.compile("SN-OAK-1"))
        await expect(device_choice).to_be_checked()  # its only device
        await page.get_by_label("Urgent").check()
        await page.get_by_label("Description").fill("Cold room alarm; call Mr Li back")

        # Nothing is lost on a failed submit: the server's answer arrives beside the field.
        await page.get_by_label("Description").fill("ab")
        await page.get_by_role("button", name="Create and dispatch").click()
        error = page.locator('[data-error-for="description"]')
        await expect(error).to_be_visible()
        assert await device_choice.is_checked()

        await page.get_by_label("Description").fill("Cold room alarm; call Mr Li back")
        await page.get_by_role("button", name="Create and dispatch").click()
        await expect(page).to_have_url(re.compile(r"/work-orders/\d+$"), timeout=WAIT)
        await expect(page.locator("#job-status")).to_have_text("Offered")
        await expect(page.locator("#job-engineer")).to_contain_text(w["name"])


async def test_a_new_account_shows_errors_by_fields_and_the_duplicate(api, server):
    w = await _site(api)
    async with desktop(server, w["admin"]) as page:
        await page.goto(f"{server}/accounts/new")
        await page.get_by_label("Phone").fill("not a phone!")
        await page.get_by_label("Latitude").fill("95")
        await page.get_by_role("button", name="Create account").click()
        # The API names the first field it refuses (msgspec stops there); it shows beside it.
        await expect(page.locator('[data-error-for="phone"]')).to_be_visible()
        assert await page.get_by_label("Phone").get_attribute("aria-invalid") == "true"
        assert await page.get_by_label("Phone").input_value() == "not a phone!"
        assert await page.get_by_label("Latitude").input_value() == "95"

        await page.locator("#f-name").fill("Oakridge Logistics")
        await page.get_by_label("Phone").fill("")
        await page.get_by_label("Latitude").fill("")
        await page.get_by_role("button", name="Create account").click()
        duplicates = page.locator("[data-duplicates]")
        await expect(duplicates).to_be_visible()
        await expect(duplicates.get_by_role("link")).to_have_attribute(
            "href", f"/accounts/{w['site']['id']}"
        )
        await duplicates.get_by_role("button", name="Create anyway").click()
        await expect(page).to_have_url(re.compile(r"/accounts/\d+$"), timeout=WAIT)
        assert not page.url.endswith(f"/accounts/{w['site']['id']}")


async def test_all_zones_sends_no_empty_zone_id(api, server):
    w = await _site(api)
    zone = await api.post(
        "/api/zones",
        json={"name": "Huangpu", "boundary": [[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]},
        headers=w["admin"].headers,
    )
    assert zone.status_code == 201, zone.text
    async with desktop(server, w["supervisor"]) as page:
        for board in ("satisfaction", "sales"):
            await page.goto(f"{server}/boards/{board}")
            await page.get_by_label("Zone").select_option("")
            await page.get_by_role("button", name="Show").click()
            await page.wait_for_load_state()
            assert "zone_id" not in page.url, page.url
            assert "from=" in page.url
            await expect(page.locator(".office-nav")).to_be_visible()


async def test_the_maps_zoom_stays_under_the_sticky_bar(api, server):
    w = await _site(api)
    async with desktop(server, w["supervisor"]) as page:
        await page.set_viewport_size({"width": 1280, "height": 500})
        await page.goto(f"{server}/boards/dispatch")
        zoom = page.locator(".leaflet-control-zoom-in")
        await expect(zoom).to_be_visible()
        box = await zoom.bounding_box()
        assert box is not None
        bar_height = await page.evaluate("document.querySelector('.bar').offsetHeight")
        # Scroll until the zoom button lies where the bar is drawn.
        await page.evaluate(f"window.scrollBy(0, {box['y'] - bar_height / 2})")
        on_top = await page.evaluate(
            f"document.elementFromPoint({box['x'] + box['width'] / 2}, {bar_height / 2})"
            ".closest('.bar') !== null"
        )
        assert on_top, "the map's zoom button draws over the sticky bar"


async def test_the_dispatch_board_in_chinese_names_events_and_offers(api, server):
    w = await _site(api)
    made = await api.post(
        "/api/work-orders",
        json={"device_id": w["device"]["id"], "description": "Compressor trips"},
        headers=w["supervisor"].headers,
    )
    assert made.status_code == 201, made.text
    job_id = made.json()["id"]
    async with desktop(server, w["supervisor"], locale="zh-CN") as page:
        await page.goto(f"{server}/boards/dispatch?lang=zh_CN")
        row = page.locator(f'#queue tr[data-job="{job_id}"]')
        await row.click()
        events = page.locator("#detail .events li")
        await expect(events.first).to_contain_text("报修", timeout=WAIT)
        for text in await events.all_inner_texts():
            assert not re.search(r"\b(created|offered|expired)\b", text), text
            assert CJK.search(text), text
        button = page.locator("#detail form.assign button")
        assert (await button.inner_text()) != "OK"
        # A status cell keeps its word on one line: no column squeezed to a letter per line.
        cell = row.locator("td").nth(2)
        text_height = await cell.evaluate(
            "c => { const r = document.createRange(); r.selectNodeContents(c);"
            " return r.getBoundingClientRect().height; }"
        )
        line = await cell.evaluate("c => parseFloat(getComputedStyle(c).lineHeight) || 24")
        assert text_height < line * 1.6, (text_height, line)


async def _pages(api: Any) -> tuple[Staff, list[str], set[str]]:
    """Every page the admin opens, on a world that fills each; and the names its data carries."""
    w = await _site(api)
    job = await api.post(
        "/api/work-orders",
        json={"device_id": w["device"]["id"], "description": "Leaking"},
        headers=w["admin"].headers,
    )
    admin, site = w["admin"], w["site"]["id"]
    lead = await create(api, admin, "/api/leads", {"name": "Wang Fang", "company": "Harbour Foods"})
    deal = {"name": "Chiller upgrade", "amount": "180000", "expected_close": "2027-03-31"}
    deal = await create(api, admin, "/api/opportunities", {**deal, "account_id": site})
    plan = [
        {"due_on": "2027-01-31", "amount": "60000"},
        {"due_on": "2027-04-30", "amount": "40000"},
    ]
    contract = {"account_id": site, "number": "HT-L-1", "title": "Chillers", "amount": "100000"}
    contract = await create(
        api,
        admin,
        "/api/contracts",
        {**contract, "starts_on": "2026-12-01", "ends_on": "2027-11-30", "payment_plan": plan},
    )
    service = {"account_id": site, "kind": "maintenance", "device_ids": [w["device"]["id"]]}
    service = await create(
        api,
        admin,
        "/api/service-contracts",
        {
            **service,
            "starts_on": "2026-12-01",
            "ends_on": "2027-11-30",
            "plan": {"every": 1, "unit": "month"},
        },
    )
    paths = [
        *(item.href for item in NAV),  # every page of the navigation, the day it is served
        "/accounts/new",
        f"/accounts/{site}",
        "/devices/new",
        f"/devices/{w['device']['id']}",
        "/work-orders/new",
        f"/work-orders/{job.json()['id']}",
        f"/users/{w['engineer'].id}",
        "/leads/pool",
        "/leads/new",
        f"/leads/{lead['id']}",
        "/pipeline/list",
        f"/pipeline/{deal['id']}",
        "/contracts/new",
        f"/contracts/{contract['id']}",
        "/service-contracts/new",
        f"/service-contracts/{service['id']}",
    ]
    return admin, paths, {w["name"], "Wang Fang", "Harbour Foods", "Chiller upgrade", "Chillers"}


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_every_page_renders_in_both_languages_at_both_widths(api, server, width, locale):
    admin, paths, names = await _pages(api)
    async with desktop(server, admin, width=width, locale=locale) as page:
        for path in paths:
            await open_and_check(page, f"{server}{path}", path, locale, names=names)
