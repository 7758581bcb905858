"""The dispatch board's issue-13 defects that the Chinese board test leaves open: times follow the
person's language even where the browser speaks another; the engineer column keeps a name on
one line in Chinese; the queue grows with its jobs instead of scrolling inside itself."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.test_office import WAIT, _site, desktop
from tests.support.factories import device


async def _jobs(api, w, n: int) -> list[int]:
    ids = []
    for i in range(n):
        unit = (
            w["device"]
            if i == 0
            else await device(api, w["admin"], w["site"]["id"], w["device"]["product_id"])
        )
        made = await api.post(
            "/api/work-orders",
            json={"device_id": unit["id"], "description": f"Alarm number {i}"},
            headers=w["supervisor"].headers,
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    return ids


async def test_times_follow_the_persons_language_not_the_browsers(api, server):
    w = await _site(api)
    [job_id] = await _jobs(api, w, 1)
    # The browser says English; the person chose 中文 (?lang= keeps it in the cookie).
    async with desktop(server, w["supervisor"], locale="en-US") as page:
        await page.goto(f"{server}/boards/dispatch?lang=zh_CN")
        await page.locator(f'#queue tr[data-job="{job_id}"]').click()
        first = page.locator("#detail .events li").first
        await expect(first).to_contain_text("报修", timeout=WAIT)
        text = await first.inner_text()
        assert re.match(r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}", text), text  # zh-CN's own form
        assert not re.search(r"\b(AM|PM)\b", text), text

        # The engineer column keeps a Chinese name on one line, as the status column does.
        cell = page.locator(f'#queue tr[data-job="{job_id}"] td').nth(3)
        await expect(cell).to_contain_text(w["name"])
        height = await cell.evaluate(
            "c => { const r = document.createRange(); r.selectNodeContents(c);"
            " return r.getBoundingClientRect().height; }"
        )
        line = await cell.evaluate("c => parseFloat(getComputedStyle(c).lineHeight) || 24")
        assert height < line * 1.6, (height, line)

        # The tables' downloads follow the filters chosen on the board.
        await page.locator("#skill-filter").select_option("hvac")
        link = page.locator('a[data-export="jobs.xlsx"]')
        await expect(link).to_have_attribute(
            "href", "/api/boards/dispatch/xlsx?skill=hvac&table=jobs"
        )


@pytest.mark.parametrize("width", [1280, 1920])
async def test_the_queue_grows_with_its_jobs_instead_of_scrolling_inside(api, server, width):
    w = await _site(api)
    ids = await _jobs(api, w, 18)
    async with desktop(server, w["supervisor"], width=width) as page:
        await page.goto(f"{server}/boards/dispatch")
        await expect(page.locator("#queue tbody tr")).to_have_count(len(ids), timeout=WAIT)
        inner_scroll = await page.evaluate(
            """() => [...document.querySelectorAll('.queue, .queue *')]
                .filter((el) => el.scrollHeight > el.clientHeight + 1
                  && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))
                .map((el) => el.className || el.tagName)"""
        )
        assert inner_scroll == []
        # Every row is drawn in full: the last one ends inside the queue's card.
        card = await page.locator(".queue").bounding_box()
        last = await page.locator("#queue tbody tr").last.bounding_box()
        assert card is not None
        assert last is not None
        assert last["y"] + last["height"] <= card["y"] + card["height"] + 1
