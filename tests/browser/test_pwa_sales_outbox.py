"""The rep's sales writes through the outbox, in Chromium: a won opportunity prompts its contract
(a draft from the deal, made once even when the phone was offline; a taken number asks again; "not
now" keeps it among the won deals without a contract), and a lead added offline is made once back
online, even when the first answer is lost, with the duplicate warning when the server finds one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from playwright.async_api import Page, Response, Route, expect

from backend import db
from tests.support.factories import PASSWORD, Staff, account, create, staff
from tests.support.staff_app import (
    CONNECTION_RESET,
    OFFLINE,
    eventually,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)

# The server's 409 to a queued write (a taken contract number, a likely duplicate lead), which
# the page handles by asking again or showing the matches.
CONFLICT = "Failed to load resource: the server responded with a status of 409"


async def _deal(api: AsyncClient, rep: Staff, name: str, amount: str = "90000") -> Any:
    acc = await account(api, rep, name=f"{name} Hotel")
    body = {"account_id": acc["id"], "name": name, "amount": amount, "expected_close": "2027-01-15"}
    return await create(api, rep, "/api/opportunities", body)


async def _won_stage() -> int:
    return await db.fetchval("SELECT id FROM stage WHERE kind = 'won' ORDER BY position LIMIT 1")


async def _contracts(deal_id: int) -> list[Any]:
    return await db.fetch(
        """SELECT c.id, c.number, c.title, c.amount, c.status,
                  array_agg(pp.amount ORDER BY pp.line) AS plan,
                  array_agg(pp.due_on ORDER BY pp.line) AS due
           FROM contract c JOIN payment_plan pp ON pp.contract = c.id
           WHERE c.opportunity = $1 GROUP BY c.id""",
        deal_id,
    )


async def _move_to_won(page: Page, deal_name: str) -> None:
    deal = page.locator("#pipeline .deal").filter(has_text=deal_name)
    await deal.get_by_role("combobox").select_option(str(await _won_stage()))


async def test_a_won_deal_prompts_its_contract_made_once_after_offline(api, server):
    rep = await staff(api, "rep")
    deal = await _deal(api, rep, "Chillers")
    async with phone(server, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/pipeline")
        await until_ready_offline(page)
        await context.set_offline(True)
        await _move_to_won(page, "Chillers")

        dialog = page.locator("#contract-dialog")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text("Chillers · Chillers Hotel")
        await expect(dialog.get_by_label("Contract title")).to_have_value("Chillers")
        await expect(dialog.get_by_label("Amount")).to_have_value("90000")
        await dialog.get_by_label("Contract number").fill("CH-2026-7")
        await dialog.get_by_label("Starts on").fill("2027-01-31")
        await dialog.get_by_label("Payment plan").select_option("3")
        # Three monthly lines from the start day; February has no 31st.
        await expect(page.locator("#contract-plan li")).to_have_count(3)
        await expect(page.locator("#contract-plan li").nth(1)).to_contain_text("Feb 28, 2027")
        await page.screenshot(path="/tmp/pwa-rep-won-contract.png", full_page=True)
        await dialog.get_by_role("button", name="Save the draft").click()
        await expect(dialog).to_be_hidden()
        await expect(page.locator("#sync-chip")).to_have_text("⟳ 2")  # the move, the contract
        await expect(page.locator("#won .won-deal")).to_have_count(1)
        assert await _contracts(deal["id"]) == []

        await context.set_offline(False)
        await until_synced(page)
        made = await _contracts(deal["id"])
        assert len(made) == 1
        contract = made[0]
        assert (contract["number"], contract["title"], contract["status"]) == (
            "CH-2026-7",
            "Chillers",
            "draft",
        )
        assert contract["plan"] == [Decimal("30000.00")] * 3
        assert [d.isoformat() for d in contract["due"]] == [
            "2027-01-31",
            "2027-02-28",
            "2027-03-31",
        ]
        won = await db.fetchval(
            "SELECT s.kind FROM opportunity o JOIN stage s ON s.id = o.stage WHERE o.id = $1",
            deal["id"],
        )
        assert won == "won"
        await expect(page.locator("#contract-status")).to_contain_text("CH-2026-7")
        await expect(page.locator("#won-section")).to_be_hidden()

        # On the account, the draft goes for approval (below the threshold: active at once).
        await page.locator("#contract-status").get_by_role("link").click()
        await page.wait_for_url(f"{server}/rep/accounts/{deal['account_id']}")
        row = page.locator("#account-contracts li").filter(has_text="CH-2026-7")
        await expect(row).to_contain_text("Draft")
        await row.get_by_role("button", name="Submit for approval").click()
        await expect(row).to_contain_text("Active")
        assert await db.fetchval("SELECT status FROM contract WHERE id = $1", contract["id"]) == (
            "active"
        )
        assert len(await _contracts(deal["id"])) == 1


async def test_a_taken_number_asks_again_and_not_now_keeps_the_deal_waiting(api, server):
    rep = await staff(api, "rep")
    other = await staff(api, "rep")
    theirs = await account(api, other, name="Elsewhere Ltd")
    await create(api, other, "/api/contracts", {
        "account_id": theirs["id"], "number": "HX-1", "title": "Theirs", "amount": "100",
        "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "payment_plan": [{"due_on": "2027-01-01", "amount": "100"}],
    })  # fmt: skip
    deal = await _deal(api, rep, "Cold room", amount="1000.50")
    async with phone(server, tolerate=(CONFLICT,)) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/pipeline")
        await _move_to_won(page, "Cold room")
        dialog = page.locator("#contract-dialog")
        await dialog.get_by_role("button", name="Not now").click()
        await expect(dialog).to_be_hidden()
        waiting = page.locator("#won .won-deal").filter(has_text="Cold room")
        await expect(waiting).to_have_count(1)

        # Still waiting after a reload: the server says the won deal has no contract yet.
        await page.reload()
        await expect(waiting).to_have_count(1)
        await waiting.get_by_role("button", name="Start its contract").click()
        await expect(dialog).to_be_visible()
        await dialog.get_by_label("Contract number").fill("HX-1")
        await dialog.get_by_label("Payment plan").select_option("4")
        await dialog.get_by_role("button", name="Save the draft").click()
        # Someone has that number: the prompt comes back with what was typed and says why.
        await expect(page.locator("#contract-number-taken")).to_be_visible()
        await expect(dialog.get_by_label("Payment plan")).to_have_value("4")
        await dialog.get_by_label("Contract number").fill("HX-2")
        await dialog.get_by_role("button", name="Save the draft").click()
        await until_synced(page)
        await expect(waiting).to_have_count(0)
        made = await _contracts(deal["id"])
        assert [c["number"] for c in made] == ["HX-2"]
        # 1,000.50 in four lines, the odd cents on the last: the plan adds up to the amount.
        assert made[0]["plan"] == [Decimal("250.12")] * 3 + [Decimal("250.14")]


async def test_the_contract_prompt_in_chinese(api, server):
    rep = await staff(api, "rep")
    await _deal(api, rep, "冷库")
    async with phone(server, locale="zh-CN") as (_, page):
        await sign_in_zh(page, server, rep)
        await page.goto(f"{server}/rep/pipeline")
        await _move_to_won(page, "冷库")
        dialog = page.locator("#contract-dialog")
        await expect(dialog).to_contain_text("已赢单：现在起草合同吗？")
        await expect(dialog.get_by_label("合同编号")).to_be_visible()
        await expect(page.locator("#contract-plan li")).to_have_count(1)
        await page.screenshot(path="/tmp/pwa-rep-won-contract-zh.png", full_page=True)
        await dialog.get_by_role("button", name="暂不").click()
        await expect(page.locator("#won-title")).to_have_text("已赢单，尚无合同")


async def sign_in_zh(page: Page, server: str, person: Staff) -> None:
    await page.goto(f"{server}/login?next=/rep")
    await page.get_by_label("邮箱").fill(person.email)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{server}/rep")


async def _name(person: Staff) -> str:
    return await db.fetchval("SELECT name FROM app_user WHERE id = $1", person.id)


async def _leads(company: str) -> int:
    return await db.fetchval("SELECT count(*) FROM lead WHERE company = $1", company)


async def test_a_lead_added_offline_is_made_once_online_and_duplicates_are_named(api, server):
    rep = await staff(api, "rep")
    other = await staff(api, "rep")
    await account(api, other, name="Harbour Cold Chain", phone="021-5888 1234")
    replays: list[str | None] = []

    async def lose_the_answer(route: Route) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        await route.fetch()  # the server makes the lead…
        await route.abort("connectionreset")  # …and its answer is lost on the way back

    def note(response: Response) -> None:
        if response.request.method == "POST" and response.url.endswith("/api/leads"):
            replays.append(response.headers.get("idempotent-replay"))

    async with phone(server, tolerate=(OFFLINE, CONNECTION_RESET, CONFLICT)) as (context, page):
        await sign_in(page, server, rep, "/rep")
        for tab in ("/rep/pipeline", "/rep/leads"):  # visited once online: kept for offline
            await page.goto(f"{server}{tab}")
            await until_ready_offline(page)
        page.on("response", note)
        await context.set_offline(True)
        # The Leads tab opens offline from the worker's saved copy, the rep's leads with it.
        await page.goto(f"{server}/rep/pipeline")
        await page.get_by_role("link", name="Leads").click()
        await page.wait_for_url(f"{server}/rep/leads")
        await expect(page.locator("#offline-banner")).to_be_visible()
        form = page.locator("#lead-form")
        await form.get_by_label("Name", exact=True).fill("Li Wei")
        await form.get_by_label("Company", exact=True).fill("Jade River Foods")
        await form.get_by_label("Phone", exact=True).fill("139 2222 3333")
        await form.get_by_role("button", name="Add lead").click()
        await expect(page.locator("#lead-queued")).to_have_text(
            "Saved on this phone; sent when the network returns."
        )
        await expect(page.locator("#sync-chip")).to_have_text("⟳ 1")
        assert await _leads("Jade River Foods") == 0

        await context.route("**/api/leads", lose_the_answer)
        await context.set_offline(False)
        await eventually(lambda: _leads("Jade River Foods"), 1)
        await expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
        await context.unroute("**/api/leads", lose_the_answer)
        await page.reload()  # a fresh page sends what waits at once, with the same key
        await until_synced(page)
        assert replays[-1] == "true"
        assert await _leads("Jade River Foods") == 1
        lead = page.locator("#leads > li").filter(has_text="Jade River Foods")
        await expect(lead).to_have_count(1)

        # Online, the same phone again: the duplicate warning names whose it is, nothing is made.
        await form.get_by_label("Name", exact=True).fill("Li Wei")
        await form.get_by_label("Phone", exact=True).fill("+86 139-2222-3333")
        await form.get_by_role("button", name="Add lead").click()
        warning = page.locator("#lead-duplicate")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text(f"Owned by {await _name(rep)}")
        await until_synced(page)
        assert (
            await db.fetchval("SELECT count(*) FROM lead WHERE phone_key LIKE '%13922223333'") == 1
        )

        # Offline, a colleague's account's phone: the warning comes when the network is back.
        await page.reload()
        await context.set_offline(True)
        await form.get_by_label("Name", exact=True).fill("Zhou Min")
        await form.get_by_label("Phone", exact=True).fill("021 58881234")
        await form.get_by_role("button", name="Add lead").click()
        await expect(warning).to_be_hidden()
        await context.set_offline(False)
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text(f"Owned by {await _name(other)}")
        await expect(warning).not_to_contain_text("Harbour")  # whose, never what
        await until_synced(page)
        assert await db.fetchval("SELECT count(*) FROM lead WHERE name = 'Zhou Min'") == 0
