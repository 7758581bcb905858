"""The customer's journey in Chromium on a phone: report a problem, follow it, rate the job."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.support.loop import SITE, engineer, step, world

SCREENSHOT = "/tmp/customer-page.png"


async def test_customer_reports_follows_and_rates_a_job(api, server, phone: Page):
    w = await world(api)
    near = await engineer(api, w, 2)

    await phone.goto(f"{server}/q/{w.token}")
    await expect(phone.locator("h1")).to_have_text(w.product["name"])
    await expect(phone.locator("#serial")).to_have_text(w.device["serial"])

    await phone.get_by_label("Your name").fill("Wang Wei")
    await phone.get_by_label("Phone").fill("call me please")
    await phone.get_by_label("What is the problem?").fill("The fan makes a loud noise")
    await phone.get_by_role("button", name="Send request").click()
    error = phone.locator("#e-phone")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("Please enter a phone number we can call")
    await expect(phone.get_by_label("Phone")).to_have_attribute("aria-invalid", "true")
    await expect(phone.locator("#e-name")).to_be_hidden()  # only the offending field is marked
    await phone.screenshot(path="/tmp/customer-page-form.png", full_page=True)

    await phone.get_by_label("Phone").fill("+86 138 0013 8000")
    await phone.get_by_role("button", name="Send request").click()
    await phone.wait_for_url(f"{server}/q/{w.token}/requests/*")
    status = phone.locator("#status")
    await expect(status).to_have_attribute("data-status", "offered")
    await expect(status).to_have_text("Finding an engineer")
    await expect(phone.locator("#timeline")).to_contain_text("Request received")
    job = int(phone.url.rsplit("/", 1)[1])

    await step(api, near, job, "accept")
    await phone.get_by_role("button", name="Refresh").click()  # swaps in the server's new view
    await expect(status).to_have_attribute("data-status", "accepted")
    await expect(phone.locator("#timeline")).to_contain_text("An engineer took the job")

    await step(api, near, job, "travel")
    await step(api, near, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(api, near, job, "complete", {"resolution": "Replaced the fan bearing"})
    await phone.reload()
    await expect(status).to_have_attribute("data-status", "completed")
    await expect(phone.locator("#rating-form")).to_be_visible()
    await phone.screenshot(path="/tmp/customer-page-rating.png", full_page=True)

    await phone.locator("label[for=star-4]").click()
    await phone.get_by_label("Comment (optional)").fill("On time and tidy")
    await phone.get_by_role("button", name="Send rating").click()
    await expect(phone.locator("#thanks")).to_contain_text("Thank you for your feedback!")
    await expect(status).to_have_attribute("data-status", "rated")
    await expect(status).to_have_text("Completed and rated")
    await expect(phone.locator("#rating-form")).to_have_count(0)
    await phone.screenshot(path=SCREENSHOT, full_page=True)

    shown = await api.get(f"/api/public/devices/{w.token}/requests/{job}")
    assert shown.json()["status"] == "rated"
    assert shown.json()["rating"]["score"] == 4
    assert shown.json()["rating"]["comment"] == "On time and tidy"


async def test_chinese_phone_gets_chinese_messages(api, server, chinese_phone: Page):
    w = await world(api)
    await chinese_phone.goto(f"{server}/q/{w.token}")
    await expect(chinese_phone.locator("#report-title")).to_have_text("我要报修")

    send = chinese_phone.get_by_role("button", name="提交报修")
    # The API names the first field it refuses, so the form is put right one field at a time.
    await send.click()
    await expect(chinese_phone.locator("#e-name")).to_have_text("请填写您的姓名。")
    await chinese_phone.get_by_label("您的姓名").fill("王先生")
    await send.click()
    await expect(chinese_phone.locator("#e-name")).to_be_hidden()
    await expect(chinese_phone.locator("#e-phone")).to_contain_text("请填写能联系到您的电话号码")
    await chinese_phone.get_by_label("手机号码").fill("138 0013 8000")
    await send.click()
    await expect(chinese_phone.locator("#e-description")).to_contain_text("请简单描述故障")
    await chinese_phone.screenshot(path="/tmp/customer-page-zh.png", full_page=True)
