"""The admin's device journey in Chromium (issue 13): add a device to an account found by name,
print its QR label, and print the labels of any filtered set of devices — every device of the
filter, not only the page shown — on a sheet in the admin's language."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.test_office import WAIT, desktop
from tests.support.factories import account, device, product, team

SCREENSHOT = "/tmp/admin-device-labels.png"


async def test_an_admin_adds_a_device_and_prints_its_label_and_a_filters(api, server):
    people = await team(api)
    admin = people["admin"]
    chiller = await product(api, admin, sku="CHL-7", name="Rooftop chiller")
    boiler = await product(api, admin, sku="BLR-2", name="Wall boiler")
    site = await account(api, admin, name="Lotus Bakery", lat=31.22, lng=121.45)
    other = await account(api, admin, name="Pine Clinic")
    for n in range(55):  # more than one page of the list (50)
        await device(api, admin, other["id"], boiler["id"], serial=f"SN-BLR-{n:03d}")
    await device(api, admin, site["id"], chiller["id"], serial="SN-CHL-OLD")

    async with desktop(server, admin) as page:
        await page.goto(f"{server}/devices")
        await page.get_by_role("link", name="Add a device").click()
        await page.get_by_label("Account").fill("Lotus")
        await page.get_by_role("button", name=re.compile("Lotus Bakery")).click()
        await page.get_by_label("Product").select_option(label="Rooftop chiller (CHL-7)")
        await page.get_by_label("Serial").fill("SN-CHL-NEW")
        await page.get_by_role("button", name="Add device").click()
        await expect(page).to_have_url(re.compile(r"/devices/\d+$"), timeout=WAIT)
        await expect(page.locator("h1")).to_contain_text("SN-CHL-NEW")

        async with page.context.expect_page() as opened:
            await page.get_by_role("link", name="Print its label").click()
        sheet = await opened.value
        await sheet.wait_for_load_state()
        labels = sheet.locator("article.label")
        await expect(labels).to_have_count(1)
        await expect(labels).to_contain_text("S/N SN-CHL-NEW")
        assert await labels.locator("svg").count() == 1  # the QR code, drawn here
        await sheet.close()

        # Any filter: all 55 boilers, though the list shows 50 of them per page.
        await page.goto(f"{server}/devices")
        await (
            page.locator(".list-filters")
            .get_by_label("Product")
            .select_option(label="Wall boiler (BLR-2)")
        )
        await page.get_by_role("button", name="Show").click()
        await expect(page.locator(".pager .range")).to_contain_text("1–50 of 55")
        async with page.context.expect_page() as opened:
            await page.get_by_role("link", name="Print labels for all 55").click()
        sheet = await opened.value
        await sheet.wait_for_load_state()
        await expect(sheet.locator("article.label")).to_have_count(55)
        await expect(sheet.locator("section.sheet")).to_have_count(3)  # 24 to an A4 sheet
        assert await sheet.locator("article.label", has_text="SN-CHL").count() == 0
        await sheet.screenshot(path=SCREENSHOT)
        await sheet.close()

        # The same sheet in Chinese says how to print in Chinese.
        await page.goto(f"{server}/devices/labels?product_id={chiller['id']}&lang=zh_CN")
        await expect(page.locator("#label-count")).to_contain_text("共 2 张标签")
        assert await page.locator("html").get_attribute("lang") == "zh-CN"
