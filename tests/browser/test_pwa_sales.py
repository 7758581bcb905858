"""The rep's sales screens in Chromium: add a lead and meet the duplicate warning, add another and
convert it with an opportunity, move the opportunity to won; claim from the pool offline, and
back online the claim is applied once."""

from __future__ import annotations

from playwright.async_api import expect

from backend import db
from tests.support.factories import PASSWORD, account, staff
from tests.support.staff_app import (
    OFFLINE,
    eventually,
    fits_the_screen,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)

# The duplicate warning is the server's 409 to the outbox's write, which the page shows.
CONFLICT = "Failed to load resource: the server responded with a status of 409"


async def test_lead_duplicate_then_convert_and_win(api, server):
    rep = await staff(api, "rep")
    other = await staff(api, "rep")
    await account(api, other, name="Harbour Cold Chain Co., Ltd.", phone="021-58881234")
    async with phone(server, tolerate=(CONFLICT,)) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.get_by_role("link", name="Leads").click()
        await page.wait_for_url(f"{server}/rep/leads")
        form = page.locator("#lead-form")
        await form.get_by_label("Name", exact=True).fill("Wang Fang")
        await form.get_by_label("Company", exact=True).fill(
            "ＨＡＲＢＯＵＲ ＣＯＬＤ ＣＨＡＩＮ 有限公司"
        )
        await form.get_by_role("button", name="Add lead").click()
        warning = page.locator("#lead-duplicate")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text("Owned by")
        await expect(warning).not_to_contain_text("Harbour")  # a colleague's: whose, not what
        await page.screenshot(path="/tmp/pwa-rep-lead-duplicate.png", full_page=True)

        await form.get_by_label("Company", exact=True).fill("Jade River Foods")
        await form.get_by_label("Phone", exact=True).fill("139 2222 3333")
        await form.get_by_role("button", name="Add lead").click()
        lead = page.locator("#leads > li").filter(has_text="Jade River Foods")
        await expect(lead).to_have_count(1)
        await expect(lead).to_contain_text("Score")
        await lead.locator("summary").click()
        await lead.get_by_label("Opportunity", exact=True).fill("Cold room")
        await lead.get_by_label("Amount", exact=True).fill("250000")
        await lead.get_by_label("Expected close", exact=True).fill("2027-03-01")
        await lead.get_by_role("button", name="Convert").click()
        await eventually(
            lambda: db.fetchval("SELECT status FROM lead WHERE company = 'Jade River Foods'"),
            "converted",
        )
        await until_synced(page)
        await fits_the_screen(page)

        await page.get_by_role("link", name="Pipeline").click()
        await page.wait_for_url(f"{server}/rep/pipeline")
        deal = page.locator(".deal").filter(has_text="Cold room")
        await expect(deal).to_have_count(1)
        await page.screenshot(path="/tmp/pwa-rep-pipeline.png", full_page=True)
        won = await db.fetchval("SELECT id FROM stage WHERE kind = 'won'")
        await deal.get_by_role("combobox").select_option(str(won))
        await eventually(
            lambda: db.fetchval(
                "SELECT s.kind FROM opportunity o JOIN stage s ON s.id = o.stage"
                " WHERE o.name = 'Cold room'"
            ),
            "won",
        )
        await expect(page.locator(".deal")).to_have_count(0)


async def test_a_lost_move_asks_why(api, server):
    rep = await staff(api, "rep")
    acc = await account(api, rep)
    made = await api.post(
        "/api/opportunities",
        json={
            "account_id": acc["id"],
            "name": "Chillers",
            "amount": 1000,
            "expected_close": "2027-01-01",
        },
        headers=rep.headers,
    )
    assert made.status_code == 201
    async with phone(server) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/pipeline")
        lost = await db.fetchval("SELECT id FROM stage WHERE kind = 'lost'")
        await page.locator(".deal").get_by_role("combobox").select_option(str(lost))
        dialog = page.locator("#lost-dialog")
        await expect(dialog).to_be_visible()
        await dialog.get_by_role("combobox").select_option("competitor")
        await dialog.get_by_role("button", name="Move").click()
        await eventually(
            lambda: db.fetchval(
                "SELECT lost_reason FROM opportunity WHERE id = $1", made.json()["id"]
            ),
            "competitor",
        )


async def test_claim_from_the_pool_offline_applied_once_online(api, server):
    rep = await staff(api, "rep")
    admin = await staff(api, "admin")
    pooled = await account(api, admin, name="Lotus Printing")
    async with phone(server, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/pool")
        item = page.locator(".pool-item").filter(has_text="Lotus Printing")
        await expect(item).to_contain_text("Never owned")
        await expect(page.locator("#pool-cap")).to_have_text("20 of 20 claims left today")
        await until_ready_offline(page)

        await context.set_offline(True)
        await expect(page.locator("#offline-banner")).to_be_visible()
        await item.get_by_role("button", name="Claim").click()
        await expect(page.locator("#sync-chip")).to_have_text("⟳ 1")
        await page.screenshot(path="/tmp/pwa-rep-pool-offline.png", full_page=True)
        assert await db.fetchval("SELECT owner FROM account WHERE id = $1", pooled["id"]) is None

        await context.set_offline(False)
        await eventually(
            lambda: db.fetchval("SELECT owner FROM account WHERE id = $1", pooled["id"]), rep.id
        )
        await until_synced(page)
        await expect(item).to_contain_text("Claimed")
        claims = await db.fetchval(
            "SELECT count(*) FROM pool_move WHERE account = $1 AND kind = 'claimed'", pooled["id"]
        )
        assert claims == 1


async def test_the_pool_in_chinese(api, server):
    rep = await staff(api, "rep")
    admin = await staff(api, "admin")
    await account(api, admin, name="莲花印刷有限公司")
    async with phone(server, locale="zh-CN") as (_, page):
        await page.goto(f"{server}/login?next=/rep/pool")
        await page.get_by_label("邮箱").fill(rep.email)
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_url(f"{server}/rep/pool")
        await expect(page.locator("h1")).to_contain_text("公海")
        await expect(page.locator(".pool-item")).to_contain_text("从未被领取")
        await expect(page.get_by_role("link", name="线索")).to_be_visible()
        await page.screenshot(path="/tmp/pwa-rep-pool-zh.png", full_page=True)


async def test_the_account_page_shows_deals_contracts_and_claims_from_the_pool(api, server):
    rep = await staff(api, "rep")
    admin = await staff(api, "admin")
    mine = await account(api, rep, name="Blue Sky Hotel")
    deal = {"account_id": mine["id"], "name": "Chillers", "amount": "8000"}
    made = await api.post(
        "/api/opportunities", json={**deal, "expected_close": "2027-01-01"}, headers=rep.headers
    )
    assert made.status_code == 201
    contract = await api.post(
        "/api/contracts",
        json={
            "account_id": mine["id"],
            "number": "BS-1",
            "title": "Chillers",
            "amount": "8000",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "payment_plan": [{"due_on": "2026-02-01", "amount": "8000"}],
        },
        headers=rep.headers,
    )
    await api.post(f"/api/contracts/{contract.json()['id']}/submit", headers=rep.headers)
    pooled = await account(api, admin, name="Green Leaf Mall")
    async with phone(server) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/accounts")
        await page.get_by_role("link", name="Blue Sky Hotel").click()
        await page.wait_for_url(f"{server}/rep/accounts/{mine['id']}")
        await expect(page.locator("#account-deals")).to_contain_text("Chillers")
        await expect(page.locator("#account-contracts")).to_contain_text("BS-1")
        await expect(page.locator("#account-contracts")).to_contain_text("overdue")
        await expect(page.locator("#account-claim")).to_be_hidden()
        await fits_the_screen(page)
        await page.screenshot(path="/tmp/pwa-rep-account.png", full_page=True)

        await page.goto(f"{server}/rep/accounts/{pooled['id']}")
        await page.get_by_role("button", name="Claim").click()
        await eventually(
            lambda: db.fetchval("SELECT owner FROM account WHERE id = $1", pooled["id"]), rep.id
        )
        await expect(page.locator("#account-claim-status")).to_have_text("Claimed")
