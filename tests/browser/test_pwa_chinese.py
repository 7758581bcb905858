"""简体中文 in Chromium: a phone set to Chinese gets the app, its numbers and its notifications in
Chinese; the language switch is remembered as the user's setting over the phone's language."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.browser_push import offer_payload, pushes
from tests.support.factories import PASSWORD
from tests.support.loop import SITE, engineer, file_request, world
from tests.support.staff_app import fits_the_screen, phone, until_ready_offline


async def test_a_chinese_phone_gets_the_app_in_chinese(api, server):
    w = await world(api)
    me = await engineer(api, w, 2.5, stock={w.parts[0]["id"]: 1200})
    job = int((await file_request(api, w.token))["id"])
    async with phone(server, locale="zh-CN", position=SITE) as (context, page):
        await context.grant_permissions(["notifications"], origin=server)
        await page.goto(f"{server}/login")
        await expect(page).to_have_title("登录 · Fieldline")
        await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        await page.get_by_label("邮箱").fill(me.email)
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_url(f"{server}/engineer")

        await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^你好，"))
        await expect(page.get_by_text("值班中：可以接收派单。")).to_be_visible()
        await expect(page.get_by_text("关闭应用后定位即停止")).to_be_visible()
        offer = page.locator("#offer")
        await expect(offer.get_by_role("heading")).to_have_text("新工单")
        await expect(offer).to_contain_text("距离 2.5 公里")
        await expect(offer.get_by_role("timer")).to_have_text(
            re.compile(r"^请在 [0-4]:\d\d 内答复$")
        )
        await expect(offer.get_by_role("button", name="接单")).to_be_visible()
        # Numbers as Chinese writes them (grouping), from Intl in the page's language.
        await expect(page.locator("#stock-list")).to_contain_text("1,200 件 Part 0")
        await expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        await fits_the_screen(page)
        await page.screenshot(path="/tmp/pwa-engineer-zh.png", full_page=True)

        # The offer, pushed: the worker speaks the page's language.
        await until_ready_offline(page)
        push_service = await pushes(context, page, server)
        [shown] = await push_service.deliver(offer_payload(job))
        assert (shown["title"], shown["body"], shown["lang"]) == (
            f"新派单 #{job}",
            "距离 2 公里。点击答复。",
            "zh-CN",
        )

        # The user's own choice outranks the phone's language, on every page after it.
        await page.get_by_role("link", name="EN").click()
        await expect(page.get_by_text("On duty: you get job offers.")).to_be_visible()
        await page.goto(f"{server}/jobs/{job}")
        await expect(page.get_by_role("button", name="Accept")).to_be_visible()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
