"""The sales half of the back office in a desktop Chromium: a supervisor adds a lead, sees the
duplicate warning with its match, saves it anyway, converts it with an opportunity, moves that
through the stages (a lost move without a reason is refused beside the field) to won and is
offered the contract; the pool claims and assigns, a rep's cap shown beside the row; and the
pages in both languages at 820 and 1280 px, screenshotted into pytest's tmp_path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.test_office import WAIT, desktop
from tests.support.factories import account, create, team
from tests.support.office_pages import open_and_check


async def _stage_ids(api: Any, who: Any) -> dict[str, int]:
    listed = (await api.get("/api/stages", headers=who.headers)).json()
    return {s["name"]: s["id"] for s in listed}


async def test_a_supervisor_takes_a_lead_to_a_won_opportunity(api, server):
    people = await team(api)
    sup = people["supervisor"]
    site = await account(api, people["admin"], name="Oakridge Logistics", phone="021 5647 8800")
    stages = await _stage_ids(api, sup)
    async with desktop(server, sup) as page:
        await page.goto(f"{server}/leads/new")
        await page.get_by_label("Contact name").fill("Li Ming")
        await page.get_by_label("Company").fill("Oakridge Logistics Co., Ltd.")
        await page.get_by_label("Phone").fill("+86 21 5647 8800")
        await page.get_by_label("Source").select_option("referral")
        await page.get_by_label("Give to").select_option(str(people["rep"].id))
        await page.get_by_role("button", name="Create lead").click()

        duplicates = page.locator("[data-duplicates]")
        await expect(duplicates).to_be_visible()
        match = duplicates.get_by_role("link", name="Oakridge Logistics")
        await expect(match).to_have_attribute("href", f"/accounts/{site['id']}")
        await expect(duplicates).to_contain_text("same phone")
        assert await page.get_by_label("Contact name").input_value() == "Li Ming"
        await duplicates.get_by_role("button", name="Create anyway").click()
        await expect(page).to_have_url(re.compile(r"/leads/\d+$"), timeout=WAIT)
        lead_id = int(page.url.rsplit("/", 1)[1])
        await expect(page.locator("#score")).to_contain_text("Source: referral")

        # Convert, with an opportunity: its fields appear once asked for.
        await page.get_by_label("Also open an opportunity").check()
        await page.get_by_label("Opportunity name").fill("Cold room refit")
        await page.get_by_label("Amount").fill("120000")
        await page.get_by_label("Expected close").fill("2027-03-31")
        await page.get_by_role("button", name="Convert the lead").click()
        await expect(page).to_have_url(re.compile(r"/pipeline/\d+$"), timeout=WAIT)
        deal_id = int(page.url.rsplit("/", 1)[1])
        await expect(page.locator("#current-stage")).to_have_text("Initial contact")

        stage = page.get_by_label("Stage", exact=True)
        await stage.select_option(str(stages["Needs confirmed"]))
        await page.get_by_role("button", name="Move").click()
        await expect(page.locator("#current-stage")).to_have_text("Needs confirmed", timeout=WAIT)

        # Lost asks why: without a reason the move is refused beside the field.
        await expect(page.locator("#lost-fields")).to_be_hidden()
        await stage.select_option(str(stages["Lost"]))
        await expect(page.locator("#lost-fields")).to_be_visible()
        await page.get_by_role("button", name="Move").click()
        error = page.locator('[data-error-for="lost_reason"]')
        await expect(error).to_be_visible()
        assert await page.get_by_label("Reason").get_attribute("aria-invalid") == "true"
        await expect(page.locator("#current-stage")).to_have_text("Needs confirmed")

        for name in ("Proposal and quote", "Won"):
            await stage.select_option(str(stages[name]))
            await page.get_by_role("button", name="Move").click()
            await expect(page.locator("#current-stage")).to_have_text(name, timeout=WAIT)
        prompt = page.locator("#contract-prompt")
        await expect(prompt).to_be_visible()
        await expect(prompt.get_by_role("link", name="Create a contract")).to_have_attribute(
            "href", f"/contracts/new?opportunity_id={deal_id}"
        )
        history = page.locator("#stage-history tbody tr")
        await expect(history).to_have_count(4)  # opened, needs confirmed, proposal, won
        await expect(history.first).to_contain_text("Won")  # newest first

    lead = (await api.get(f"/api/leads/{lead_id}", headers=sup.headers)).json()
    assert (lead["status"], lead["opportunity_id"]) == ("converted", deal_id)
    deal = (await api.get(f"/api/opportunities/{deal_id}", headers=sup.headers)).json()
    assert (deal["name"], deal["amount"], deal["stage_kind"]) == (
        "Cold room refit",
        "120000.00",
        "won",
    )
    me = (await api.get(f"/api/users/{sup.id}", headers=people["admin"].headers)).json()["name"]
    assert [h["actor_name"] for h in deal["history"]] == [me] * 4


async def test_the_pool_claims_and_assigns_with_the_caps_shown(api, server):
    people = await team(api)
    admin, sup, rep, other = (
        people["admin"],
        people["supervisor"],
        people["rep"],
        people["other_rep"],
    )
    rules = (await api.get("/api/settings/pool", headers=admin.headers)).json()
    saved = await api.put(
        "/api/settings/pool", json={**rules, "owned_lead_cap": 1}, headers=admin.headers
    )
    assert saved.status_code == 200, saved.text
    await create(api, rep, "/api/leads", {"name": "Held", "company": "Held Co"})
    site = await account(api, admin, name="Juniper Hotel")
    first = await create(api, sup, "/api/leads", {"name": "Ma Jun", "owner_id": None})
    second = await create(api, sup, "/api/leads", {"name": "Xu Fei", "owner_id": None})
    async with desktop(server, sup) as page:
        await page.goto(f"{server}/leads/pool")
        await expect(page.locator("#claims-left")).to_contain_text("20 more today")
        await page.get_by_role("button", name="Claim Ma Jun").click()
        await expect(page.locator(f'[data-pool-row="{first["id"]}"]')).to_have_count(
            0, timeout=WAIT
        )
        await expect(page.locator("#claims-left")).to_contain_text("19 more today")

        # The rep is at his cap of open leads: refused, said beside the row, nothing moves.
        row = page.locator(f'[data-pool-row="{second["id"]}"]')
        await row.get_by_label("Assign Xu Fei to").select_option(str(rep.id))
        await row.get_by_role("button", name="Assign").click()
        await expect(row.locator(".assign [data-error-for=body]")).to_have_text(
            "At the cap: already owns 1 of at most 1 open leads."
        )
        await row.get_by_label("Assign Xu Fei to").select_option(str(other.id))
        await row.get_by_role("button", name="Assign").click()
        await expect(row).to_have_count(0, timeout=WAIT)

        # An account of the pool is handed over the same way.
        await page.get_by_role("link", name="Accounts", exact=True).last.click()
        await expect(page).to_have_url(re.compile(r"kind=account"), timeout=WAIT)
        row = page.locator(f'[data-pool-row="{site["id"]}"]')
        await row.get_by_label("Assign Juniper Hotel to").select_option(str(rep.id))
        await row.get_by_role("button", name="Assign").click()
        await expect(row).to_have_count(0, timeout=WAIT)

    claimed = (await api.get(f"/api/leads/{first['id']}", headers=sup.headers)).json()
    assert claimed["owner_id"] == sup.id
    assigned = (await api.get(f"/api/leads/{second['id']}", headers=sup.headers)).json()
    assert assigned["owner_id"] == other.id
    owned = (await api.get(f"/api/accounts/{site['id']}", headers=sup.headers)).json()
    assert owned["owner_id"] == rep.id
    moves = (await api.get(f"/api/leads/{second['id']}/pool-moves", headers=sup.headers)).json()
    assert moves[0]["kind"] == "assigned"


async def test_a_lead_is_disqualified_with_a_reason_and_reopened(api, server):
    people = await team(api)
    sup = people["supervisor"]
    lead = await create(api, sup, "/api/leads", {"name": "Qin Lan", "owner_id": people["rep"].id})
    async with desktop(server, sup) as page:
        await page.goto(f"{server}/leads/{lead['id']}")
        form = page.locator("#disqualify-form")
        await form.get_by_role("button", name="Disqualify").click()
        await expect(form.locator('[data-error-for="disqualified_reason"]')).to_be_visible()
        await form.get_by_label("Reason").fill("Student project, no budget")
        await form.get_by_role("button", name="Disqualify").click()
        await expect(page.locator("#lead-status")).to_have_text("Disqualified", timeout=WAIT)
        await expect(page.locator(".bad-note")).to_contain_text("Student project, no budget")
        await page.get_by_role("button", name="Work on it again").click()
        await expect(page.locator("#lead-status")).to_have_text("Working", timeout=WAIT)
    after = (await api.get(f"/api/leads/{lead['id']}", headers=sup.headers)).json()
    assert (after["status"], after["disqualified_reason"]) == ("working", None)


async def _sales_paths(api: Any) -> tuple[Any, list[str]]:
    people = await team(api)
    sup, rep = people["supervisor"], people["rep"]
    site = await account(api, sup, name="上海橡树物流有限公司", owner_id=rep.id)
    lead = await create(
        api,
        sup,
        "/api/leads",
        {"name": "王磊", "company": "上海松柏食品有限公司", "owner_id": rep.id},
    )
    await create(
        api, sup, "/api/leads", {"name": "赵敏", "company": "上海云杉酒店", "owner_id": None}
    )
    deal = await create(
        api,
        sup,
        "/api/opportunities",
        {
            "account_id": site["id"],
            "name": "锅炉更换",
            "amount": "880000",
            "expected_close": "2027-02-28",
        },
    )
    return sup, [
        "/leads",
        "/leads/pool",
        "/leads/pool?kind=account",
        "/leads/new",
        f"/leads/{lead['id']}",
        "/pipeline",
        "/pipeline/list",
        f"/pipeline/{deal['id']}",
    ]


@pytest.mark.parametrize("width", [820, 1280])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_sales_pages_render_in_both_languages(api, server, locale, width, tmp_path: Path):
    sup, paths = await _sales_paths(api)
    async with desktop(server, sup, width=width, locale=locale) as page:
        for path in paths:
            await open_and_check(page, f"{server}{path}", path, locale, shots=tmp_path)


async def test_a_change_that_looks_like_a_duplicate_shows_it_without_create_anyway(api, server):
    people = await team(api)
    sup = people["supervisor"]
    await create(
        api, sup, "/api/leads", {"name": "Lu Ping", "phone": "13812345678", "owner_id": None}
    )
    other = await create(api, sup, "/api/leads", {"name": "Fang Yi", "owner_id": people["rep"].id})
    async with desktop(server, sup) as page:
        await page.goto(f"{server}/leads/{other['id']}")
        form = page.locator("#lead-form")
        await form.get_by_label("Phone").fill("138 1234 5678")
        await form.get_by_role("button", name="Save").click()
        duplicates = form.locator("[data-duplicates]")
        await expect(duplicates).to_contain_text("Lu Ping")
        await expect(duplicates.get_by_role("button", name="Create anyway")).to_be_hidden()
        assert await form.get_by_label("Phone").input_value() == "138 1234 5678"
    unchanged = (await api.get(f"/api/leads/{other['id']}", headers=sup.headers)).json()
    assert unchanged["phone"] is None
