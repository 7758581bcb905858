"""Contracts in the back office, in Chromium: a supervisor draws up a contract over the approval
threshold whose plan lines don't add up (the error beside the plan, nothing typed lost), fixes
it, submits, is refused a rejection without a reason, approves, records payments and sees the
first line partly paid then paid; a service contract with a monthly plan shows its planned work
orders once the plans clock has run, and suspending it asks for a reason. The pages in both
languages at 820 and 1280 px, screenshotted into pytest's tmp_path to look at."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from backend.clock import run_job
from backend.maintenance.plans import PLAN_ROUND
from tests.browser.test_office import WAIT, desktop
from tests.support.factories import account, create, device, product, team
from tests.support.office_pages import open_and_check


async def _ready(page: Page) -> None:
    """The page a form's script reloaded or opened has run its modules (js/office/forms.js): a
    click before that would send the form the browser's own way."""
    await page.wait_for_load_state("load")


async def _pick_account(page: Page, name: str) -> None:
    await page.get_by_label("Account", exact=True).fill(name[:6])
    await page.locator(".picker-results button", has_text=name).click()
    await expect(page.locator("[data-picker-chosen]")).to_contain_text(name)


async def test_a_supervisor_draws_up_submits_approves_and_collects_a_contract(api, server):
    people = await team(api)
    site = await account(api, people["rep"], name="Juniper Hotel")
    async with desktop(server, people["supervisor"]) as page:
        await page.goto(f"{server}/contracts/new")
        await _pick_account(page, "Juniper Hotel")
        await page.get_by_label("Contract title").fill("Boiler room refit")
        await page.get_by_label("Amount (CNY)").fill("150000")
        await page.get_by_label("Line 1: Amount").fill("100000")
        await page.get_by_role("button", name="Add a line").click()
        # The new line asks for what is left, three months after the one before.
        second = page.get_by_label("Line 2: Amount")
        await expect(second).to_have_value("50000.00")
        await second.fill("40000")
        await expect(page.locator("#plan-left")).to_contain_text("10,000.00 still to plan")

        await page.get_by_role("button", name="Create the contract").click()
        error = page.locator('[data-error-for="payment_plan"]')
        await expect(error).to_contain_text("The lines add up to 140000")
        # Nothing typed is lost.
        assert await page.get_by_label("Contract title").input_value() == "Boiler room refit"
        assert await second.input_value() == "40000"
        assert await page.get_by_label("Line 1: Amount").input_value() == "100000"

        await second.fill("50000")
        await page.get_by_role("button", name="Create the contract").click()
        await expect(page).to_have_url(re.compile(r"/contracts/\d+$"), timeout=WAIT)
        contract_id = int(page.url.rsplit("/", 1)[1])
        status = page.locator("#contract-status")
        await expect(status).to_have_text("Draft")
        await _ready(page)
        await expect(page.locator("#plan tbody tr")).to_have_count(2)

        await page.get_by_role("button", name="Submit the contract").click()
        await expect(status).to_have_text("Awaiting approval", timeout=WAIT)
        await _ready(page)

        # A rejection needs its reason: asked for beside the field, nothing changes.
        reject = page.locator("#reject")
        await reject.get_by_role("button", name="Reject the contract").click()
        await expect(reject.locator('[data-error-for="reason"]')).to_be_visible()
        await expect(status).to_have_text("Awaiting approval")

        await page.locator("#approve").get_by_label("Note (optional)").fill("预算已确认")
        await page.get_by_role("button", name="Approve the contract").click()
        await expect(status).to_have_text("In force", timeout=WAIT)
        await _ready(page)
        history = page.locator("#history")
        await expect(history.locator('[data-kind="approved"]')).to_contain_text("预算已确认")

        payment = page.locator("#payment")
        await expect(payment.get_by_label("Amount")).to_have_value("100000.00")
        await payment.get_by_label("Amount").fill("60000")
        await payment.get_by_label("Method").select_option("wechat")
        await payment.get_by_label("Reference").fill("WX-2026-001")
        await payment.get_by_role("button", name="Record the payment").click()
        first = page.locator('#plan tr[data-line="1"]')
        await expect(first).to_have_attribute("data-status", "partial", timeout=WAIT)
        await expect(first).to_contain_text("Partly paid")
        await _ready(page)
        await expect(page.locator("#received")).to_have_text("60,000.00")
        await expect(page.locator("#payments")).to_contain_text("WeChat Pay")

        await expect(payment.get_by_label("Amount")).to_have_value("40000.00")
        await payment.get_by_role("button", name="Record the payment").click()
        await expect(first).to_have_attribute("data-status", "paid", timeout=WAIT)
        await expect(page.locator('#plan tr[data-line="2"]')).to_have_attribute(
            "data-status", "pending"
        )
        await expect(page.locator("#outstanding")).to_have_text("50,000.00")

    made = await api.get(f"/api/contracts/{contract_id}", headers=people["admin"].headers)
    body = made.json()
    assert (body["status"], body["account_id"]) == ("active", site["id"])
    assert Decimal(body["received"]) == 100_000
    assert [e["kind"] for e in body["events"]] == ["submitted", "approved", "activated"]


async def test_a_won_deal_opens_a_prefilled_contract(api, server):
    people = await team(api)
    site = await account(api, people["rep"], name="Cedar Mills")
    deal = await create(
        api,
        people["rep"],
        "/api/opportunities",
        {
            "account_id": site["id"],
            "name": "Chiller rental",
            "amount": "36000",
            "expected_close": date.today().isoformat(),
        },
    )
    async with desktop(server, people["supervisor"]) as page:
        await page.goto(f"{server}/contracts/new?opportunity_id={deal['id']}")
        await expect(page.locator("[data-picker-chosen]")).to_have_text("Cedar Mills")
        await expect(page.get_by_label("Contract title")).to_have_value("Chiller rental")
        await expect(page.get_by_label("Line 1: Amount")).to_have_value("36000.00")
        await expect(page.locator("#plan-left")).to_have_text("The lines add up to the amount.")
        await page.get_by_role("button", name="Create the contract").click()
        await expect(page).to_have_url(re.compile(r"/contracts/\d+$"), timeout=WAIT)
        await _ready(page)
        # Below the threshold: active on submit.
        await page.get_by_role("button", name="Submit the contract").click()
        await expect(page.locator("#contract-status")).to_have_text("In force", timeout=WAIT)
    contract_id = int(page.url.rsplit("/", 1)[1])
    made = await api.get(f"/api/contracts/{contract_id}", headers=people["admin"].headers)
    assert made.json()["opportunity_id"] == deal["id"]


async def test_a_monthly_plan_shows_its_planned_jobs_and_suspending_asks_why(api, server):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin, name="Boiler 24 kW")
    site = await account(api, admin, name="Lotus Trading", lat=31.23, lng=121.47)
    one = await device(api, admin, site["id"], model["id"], serial="SN-LOT-1")
    two = await device(api, admin, site["id"], model["id"], serial="SN-LOT-2")
    await device(api, admin, site["id"], model["id"], serial="SN-LOT-3")
    async with desktop(server, people["supervisor"]) as page:
        await page.goto(f"{server}/service-contracts/new")
        await _pick_account(page, "Lotus Trading")
        picks = page.locator("#device-picks")
        await expect(picks.get_by_role("checkbox")).to_have_count(3)
        # No device ticked: the API's refusal beside the devices, in the page's words.
        await page.get_by_role("button", name="Create the service contract").click()
        await expect(page.locator('[data-error-for="device_ids"]')).to_contain_text(
            "Choose at least one device."
        )
        await picks.get_by_label(re.compile("SN-LOT-1")).check()
        await picks.get_by_label(re.compile("SN-LOT-2")).check()
        await page.get_by_label("Respond within (hours)").fill("4")
        await page.get_by_label("The customer signs for every visit").check()
        assert await page.get_by_label("Unit").input_value() == "month"
        await page.get_by_role("button", name="Create the service contract").click()
        await expect(page).to_have_url(re.compile(r"/service-contracts/\d+$"), timeout=WAIT)
        contract_id = int(page.url.rsplit("/", 1)[1])
        await expect(page.locator("#plan-rule")).to_contain_text("Monthly")
        await expect(page.locator("#covered tbody tr")).to_have_count(2)
        await expect(page.locator("#coming li").first).to_be_visible()  # due days, not made yet
        await _ready(page)

        # The plans clock makes the visits due within the horizon: today's, one per device.
        assert await run_job(PLAN_ROUND) is not None
        await page.reload()
        rows = page.locator("#occurrences tbody tr")
        await expect(rows).to_have_count(2)
        await expect(rows.first).to_contain_text("SN-LOT-1")
        job_link = rows.first.get_by_role("link", name=re.compile(r"^#\d+$"))
        job_id = int((await job_link.inner_text()).lstrip("#"))

        suspend = page.locator("#suspend")
        await suspend.get_by_role("button", name="Suspend the contract").click()
        await expect(suspend.locator('[data-error-for="reason"]')).to_have_text("Required.")
        await expect(page.locator("#sc-status")).to_have_text("In force")
        await suspend.get_by_label("Reason").fill("Customer renovating until March")
        await suspend.get_by_role("button", name="Suspend the contract").click()
        await expect(page.locator("#sc-status")).to_have_text("Suspended", timeout=WAIT)
        await expect(page.locator("#sc-reason")).to_have_text("Customer renovating until March")
        await expect(rows.first).to_contain_text("Cancelled")
        await expect(page.get_by_role("button", name="Resume the contract")).to_be_visible()

        await page.goto(f"{server}/work-orders/{job_id}")
        await expect(page.locator("#job-status")).to_have_text("Cancelled")
        back = page.get_by_role("link", name=re.compile("Planned maintenance"))
        await expect(back).to_have_attribute("href", f"/service-contracts/{contract_id}")
        await expect(page.locator("#events")).to_contain_text("Customer renovating until March")

    made = await api.get(f"/api/service-contracts/{contract_id}", headers=admin.headers)
    body = made.json()
    assert sorted(body["device_ids"]) == sorted([one["id"], two["id"]])
    assert (body["respond_hours"], body["signature_required"]) == (4, True)
    assert body["plan"]["unit"] == "month"


async def _paths(api: Any) -> tuple[Any, list[str]]:
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    site = await account(api, rep, name="上海凯瑞餐饮管理股份有限公司")
    model = await product(api, admin, name="壁挂炉 24 kW")
    unit = await device(api, admin, site["id"], model["id"])
    start = date.today() - timedelta(days=100)
    contract = await create(
        api,
        rep,
        "/api/contracts",
        {
            "account_id": site["id"],
            "number": "HT-2026-0001",
            "title": "净水系统",
            "amount": "45200",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=364)).isoformat(),
            "payment_plan": [
                {"due_on": (start + timedelta(days=d)).isoformat(), "amount": "11300"}
                for d in (0, 91, 182, 273)
            ],
        },
    )
    await api.post(f"/api/contracts/{contract['id']}/submit", headers=rep.headers)
    paid = await api.post(
        f"/api/contracts/{contract['id']}/payments",
        json={"amount": "16300", "received_on": date.today().isoformat(), "method": "alipay"},
        headers=rep.headers,
    )
    assert paid.status_code == 201, paid.text
    service = await create(
        api,
        admin,
        "/api/service-contracts",
        {
            "account_id": site["id"],
            "kind": "maintenance",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=364)).isoformat(),
            "device_ids": [unit["id"]],
            "plan": {"every": 3, "unit": "month"},
        },
    )
    await run_job(PLAN_ROUND)
    return people["supervisor"], [
        "/contracts",
        f"/contracts/{contract['id']}",
        "/contracts/new",
        f"/contracts/new?account_id={site['id']}",
        "/service-contracts",
        f"/service-contracts/{service['id']}",
        f"/service-contracts/new?account_id={site['id']}",
    ]


@pytest.mark.parametrize("width", [820, 1280])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_contract_pages_render_in_both_languages_at_both_widths(
    api, server, locale, width, tmp_path: Path
):
    supervisor, paths = await _paths(api)
    async with desktop(server, supervisor, width=width, locale=locale) as page:
        for path in paths:
            await open_and_check(page, f"{server}{path}", path, locale, shots=tmp_path)
