"""The office's home full of work (open jobs, overdue tasks, payments due with long account
names and amounts) keeps its layout in both languages at 1280 and 1920 px: no sideways scroll,
nothing past the right edge, every column of the open jobs in view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.test_office import _site, desktop
from tests.office.test_home_today import _task
from tests.support.activity import contract, plan_line
from tests.support.factories import account
from tests.support.office_pages import LAYOUT_PROBLEMS


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_a_busy_home_keeps_its_layout(api, server, width, locale):
    w = await _site(api)
    made = await api.post(
        "/api/work-orders",
        json={"device_id": w["device"]["id"], "description": "Compressor trips"},
        headers=w["supervisor"].headers,
    )
    assert made.status_code == 201, made.text
    long_name = "Northstar Precision Machinery (Shanghai) Co., Ltd. 上海北辰精密机械有限公司"
    site = await account(api, w["admin"], name=long_name, owner_id=w["rep"].id)
    for n in range(12):
        await _task(
            f"Follow up: {long_name} (Met the facilities manager) {n}",
            w["rep"].id,
            -n - 1,
            site["id"],
        )
        signed = await contract(site["id"], w["rep"].id, number=f"HT-2026-{n:04d}")
        await plan_line(signed, 1, date.today() - timedelta(days=n))

    async with desktop(server, w["supervisor"], width=width, locale=locale) as page:
        await page.goto(f"{server}/")
        await page.wait_for_load_state("networkidle")
        assert await page.locator("#payments-due li").count() == 10
        assert await page.evaluate(LAYOUT_PROBLEMS) == []
        # The open jobs' last column (the deadline) is in view, not scrolled away.
        due = page.locator(".today .wide th").last
        box = await due.bounding_box()
        card = await page.locator(".today .wide").bounding_box()
        assert box is not None
        assert card is not None
        assert box["x"] + box["width"] <= card["x"] + card["width"]
        await page.screenshot(path=f"/tmp/office-home-{width}-{locale}.png", full_page=True)
