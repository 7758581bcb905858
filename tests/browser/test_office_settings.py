"""The admin's settings, imports and webhooks in a desktop Chromium: an import from a CSV through
the page (the file read, a mapping fixed, a dry run that writes nothing, the commit, the same file
again creating nothing), a stage's probability changed and a pool rule refused beside its field,
a webhook registered to a local receiver whose delivery the page shows; and the pages in both
languages at 820 and 1280 px, screenshotted into pytest's tmp_path to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from backend import db
from tests.browser.test_office import WAIT, desktop
from tests.support.factories import team
from tests.support.office_pages import check_page
from tests.support.push_receiver import PushReceiver
from tests.support.servers import ServerFailed, app_server
from tests.support.staff_app import eventually
from tests.support.webhook_receiver import verify

# "Customer title" is no header the import knows: the user maps it to the account's name.
CSV = (
    "\ufeffCustomer title,电话,等级,地址\n"
    "Harbour Cold Chain,13800138001,A,上海市浦东新区\n"
    "Lotus Bakery,021 5555 0102,B,\n"
    "Jade Pharma,not a phone,A,\n"
).encode()
HOOK_URL = "https://erp.example.com/hooks/fieldline"
# Not words of ours: the uploaded file's header and the hook's URL are data.
DATA = {"Customer title", HOOK_URL}
NAMES = ["Harbour Cold Chain", "Lotus Bakery", "Jade Pharma"]


async def _accounts() -> int:
    return int(await db.fetchval("SELECT count(*) FROM account WHERE name = ANY($1)", NAMES))


def _figure(page: Page, label: str) -> Any:
    return (
        page.locator("#figures div")
        .filter(has=page.locator(f"dt:text-is('{label}')"))
        .locator("dd")
    )


async def test_an_admin_imports_a_csv_fixing_a_mapping_dry_run_first(api, server):
    people = await team(api)
    async with desktop(server, people["admin"]) as page:
        await page.goto(f"{server}/imports")
        await page.get_by_role("button", name="Read the columns").click()
        await expect(page.locator('[data-error-for="file"]')).to_be_visible()  # no file yet

        await page.get_by_label("The file holds").select_option("accounts")
        await page.set_input_files(
            "#f-file", files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": CSV}]
        )
        await page.get_by_role("button", name="Read the columns").click()
        name_column = page.get_by_label("Customer title", exact=True)
        await expect(name_column).to_have_value("")  # not guessed
        await expect(page.get_by_label("电话")).to_have_value("phone")  # guessed from Chinese
        await expect(page.locator("#missing")).to_contain_text("Name")

        # A dry run without the name's column: refused beside the mapping, nothing lost.
        await page.get_by_role("button", name="Dry run: check every row").click()
        await expect(page.locator('.step [data-error-for="mapping"]')).to_contain_text("name")
        await name_column.select_option("name")
        await expect(page.locator("#missing")).to_be_hidden()
        await page.get_by_role("button", name="Dry run: check every row").click()
        await expect(page.locator("#report-title")).to_contain_text("nothing was written")
        await expect(_figure(page, "Would create")).to_have_text("2")
        await expect(_figure(page, "Errors")).to_have_text("1")
        await expect(page.locator("#error-rows tr")).to_have_count(1)
        await expect(page.locator("#error-rows")).to_contain_text("4")  # the file's line
        await expect(page.locator("#error-rows")).to_contain_text("A phone number")
        assert await _accounts() == 0  # the dry run wrote nothing

        await page.get_by_role("button", name="Import the valid rows").click()
        await expect(page.locator("#report-title")).to_have_text("3. Imported")
        await expect(_figure(page, "Rows created")).to_have_text("2")
        assert await _accounts() == 2
        link = page.get_by_role("link", name="Download the rows in error (.xlsx)")
        async with page.expect_download() as download:
            await link.click()
        assert (await download.value).suggested_filename == "customers-errors.xlsx"

        # The same file again: the dry run says it would skip them; the commit creates nothing.
        await expect(page.get_by_role("button", name="Import the valid rows")).to_be_hidden()
        await page.get_by_role("button", name="Dry run: check every row").click()
        await expect(_figure(page, "Would create")).to_have_text("0")
        await expect(_figure(page, "Would skip")).to_have_text("2")
        await page.get_by_role("button", name="Import the valid rows").click()
        await expect(_figure(page, "Rows created")).to_have_text("0")
        await expect(_figure(page, "Skipped")).to_have_text("2")
        assert await _accounts() == 2

        await page.goto(f"{server}/imports?mode=commit")
        await expect(page.locator("#import-runs tbody tr")).to_have_count(2)
        await expect(page.locator("#import-runs")).to_contain_text("customers.csv")
    owners = await db.fetch("SELECT DISTINCT created_by FROM import_run")
    assert [r["created_by"] for r in owners] == [people["admin"].id]


async def test_an_admin_changes_a_stage_and_a_bad_pool_rule_is_refused_beside_it(api, server):
    people = await team(api)
    async with desktop(server, people["admin"]) as page:
        await page.goto(f"{server}/settings")
        stages = page.locator("#stages-form")
        proposal = stages.locator("tbody tr").nth(2)
        await expect(proposal.locator('[data-field="name"]')).to_have_value("Proposal and quote")
        await proposal.locator('[data-field="probability"]').fill("55")
        # A won stage at 90 is refused in its own cell; the 55 typed stays.
        won = stages.locator("tbody tr").nth(4)
        await won.locator('[data-field="probability"]').fill("90")
        await stages.get_by_role("button", name="Save the stages").click()
        await expect(stages.locator('[data-error-for="[4].probability"]')).to_be_visible()
        await expect(proposal.locator('[data-field="probability"]')).to_have_value("55")
        await won.locator('[data-field="probability"]').fill("100")
        # A new stage goes after the last open one and moves up; "Needs confirmed" is removed
        # (retired: deals keep its name).
        await stages.get_by_role("button", name="Add a stage").click()
        trial = stages.locator("tbody tr").nth(4)
        await expect(trial.locator('[data-field="name"]')).to_be_focused()
        await trial.locator('[data-field="name"]').fill("Trial run")
        await trial.locator('[data-field="name_zh"]').fill("试用")
        await trial.locator('[data-field="probability"]').fill("60")
        await trial.get_by_role("button", name="Move up").click()  # before Negotiation
        await stages.locator("tbody tr").nth(1).get_by_role("button", name="Remove").click()
        await expect(stages.locator("tbody tr")).to_have_count(6)
        await stages.get_by_role("button", name="Save the stages").click()
        await expect(stages.locator("[data-saved]")).to_be_visible(timeout=WAIT)

        pool = page.locator("#pool-form")
        await pool.get_by_label("Warn the owner (days before)").fill("-2")
        await pool.get_by_label("Grade B").fill("21")
        await pool.get_by_role("button", name="Save the pool rules").click()
        await expect(pool.locator('[data-error-for="warn_days"]')).to_be_visible()
        assert (
            await pool.get_by_label("Warn the owner (days before)").get_attribute("aria-invalid")
            == "true"
        )
        await expect(pool.get_by_label("Grade B")).to_have_value("21")  # nothing lost
        await pool.get_by_label("Warn the owner (days before)").fill("5")
        await pool.get_by_role("button", name="Save the pool rules").click()
        await expect(pool.locator("[data-saved]")).to_be_visible(timeout=WAIT)

        sla = page.locator("#sla-form")
        await sla.get_by_label("Urgent: Resolve within (hours)").fill("1")
        await sla.get_by_role("button", name="Save the SLA targets").click()
        await expect(sla.locator('[data-error-for="urgent.resolve_hours"]')).to_be_visible()
        await sla.get_by_label("Urgent: Resolve within (hours)").fill("6")
        await sla.get_by_role("button", name="Save the SLA targets").click()
        await expect(sla.locator("[data-saved]")).to_be_visible(timeout=WAIT)

    admin = people["admin"].headers
    stages_now = (await api.get("/api/stages", headers=admin)).json()
    assert [(s["name"], s["probability"]) for s in stages_now] == [
        ("Initial contact", 10),
        ("Proposal and quote", 55),
        ("Trial run", 60),
        ("Negotiation", 70),
        ("Won", 100),
        ("Lost", 0),
    ]
    assert stages_now[2]["name_zh"] == "试用"
    assert await db.fetchval("SELECT name FROM stage WHERE retired") == "Needs confirmed"
    pool_now = (await api.get("/api/settings/pool", headers=admin)).json()
    assert (pool_now["warn_days"], pool_now["recycle_days"]["B"]) == (5, 21)
    sla_now = (await api.get("/api/settings/sla", headers=admin)).json()
    assert sla_now["urgent"] == {"respond_hours": 2, "resolve_hours": 6}


@pytest.fixture(scope="module")
def hook_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose outbound guard lets webhooks reach http://127.0.0.1, as
    tests/integrations/conftest.py allows the in-process app."""
    log = tmp_path_factory.mktemp("hooks") / "uvicorn.log"
    allow = {"FIELDLINE_OUTBOUND_ALLOW": "127.0.0.0/8", "FIELDLINE_OUTBOUND_ALLOW_HTTP": "1"}
    try:
        with app_server(database_url, log, **allow) as (url, _):
            yield url
    except ServerFailed as failed:
        pytest.fail(str(failed))


async def test_an_admin_registers_a_webhook_and_sees_its_delivery(api, hook_server, tmp_path: Path):
    people = await team(api)
    admin = people["admin"]
    async with PushReceiver() as receiver, desktop(hook_server, admin) as page:
        await page.goto(f"{hook_server}/webhooks")
        form = page.locator("#webhook-form")
        await form.get_by_label("URL").fill(receiver.url("/fieldline"))
        await form.get_by_role("button", name="Register").click()
        await expect(form.locator('[data-error-for="events"]')).to_be_visible()  # none chosen
        await form.get_by_label("A lead is created").check()
        await form.get_by_role("button", name="Register").click()
        secret = page.locator("#secret")
        await expect(secret).to_have_text(re.compile(r"^whsec_\w+$"), timeout=WAIT)
        shown = await secret.inner_text()
        await page.screenshot(path=tmp_path / "webhook-secret.png", full_page=True)
        await page.get_by_role("link", name="I have saved it").click()
        await expect(page).to_have_url(re.compile(r"/webhooks/\d+$"))
        assert shown not in await page.content()  # shown once

        async with httpx.AsyncClient(base_url=hook_server, headers=admin.headers) as client:
            made = await client.post("/api/leads", json={"name": "Wei Chen", "company": "Kite Ltd"})
            assert made.status_code == 201, made.text
        await receiver.wait_for(1)
        event = verify(receiver.at("/fieldline")[0], shown)
        assert event["type"] == "lead.created"
        await eventually(lambda: db.fetchval("SELECT status FROM webhook_delivery"), "delivered")

        await page.reload()
        row = page.locator("#deliveries tbody tr").first
        await expect(row).to_contain_text("lead.created")
        await expect(row).to_contain_text(event["id"])
        await expect(row.locator(".delivery-state")).to_have_text("Delivered")
        await row.locator("summary").click()
        await expect(row.locator(".tries li")).to_contain_text("HTTP 201")
        await page.screenshot(path=tmp_path / "webhook-delivered.png", full_page=True)

        # Sent again by hand: a second request with the same event id.
        await row.get_by_role("button", name="Retry").click()
        await receiver.wait_for(2)
        assert verify(receiver.at("/fieldline")[1], shown)["id"] == event["id"]

        await page.get_by_role("button", name="Turn off").click()
        await expect(page.locator("#hook-state")).to_have_text("Off", timeout=WAIT)
        page.once("dialog", lambda dialog: dialog.accept())
        await page.get_by_role("button", name="Delete").click()
        await expect(page).to_have_url(re.compile(r"/webhooks$"), timeout=WAIT)
    assert await db.fetchval("SELECT count(*) FROM webhook") == 0


async def _admin_paths(api: Any) -> tuple[Any, list[str]]:
    people = await team(api)
    admin = people["admin"]
    hook = await db.fetchval(
        """INSERT INTO webhook (url, events, secret, created_by) VALUES
           ($1, '{lead.created,work_order.completed}', 'whsec_x', $2) RETURNING id""",
        HOOK_URL,
        admin.id,
    )
    delivery = await db.fetchval(
        """INSERT INTO webhook_delivery (webhook, event_id, event_type, body, status, attempts,
               last_status, delivered_at)
           VALUES ($1, gen_random_uuid(), 'lead.created', '{}', 'delivered', 2, 200, now())
           RETURNING id""",
        hook,
    )
    await db.execute(
        """INSERT INTO webhook_attempt (delivery, at, status_code, error, duration_ms) VALUES
           ($1, now() - interval '1 minute', NULL, 'connect timeout', 5001),
           ($1, now(), 200, NULL, 84)""",
        delivery,
    )
    return admin, ["/settings", "/imports", "/webhooks", f"/webhooks/{hook}"]


@pytest.mark.parametrize("width", [820, 1280])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
async def test_the_admin_pages_render_in_both_languages(api, server, locale, width, tmp_path: Path):
    admin, paths = await _admin_paths(api)
    async with desktop(server, admin, width=width, locale=locale) as page:
        for path in paths:
            response = await page.goto(f"{server}{path}")
            assert response is not None, path
            assert response.status == 200, path
            await page.wait_for_load_state("networkidle")
            if path == "/imports":  # the mapping step drawn too
                await page.set_input_files(
                    "#f-file", files=[{"name": "客户.csv", "mimeType": "text/csv", "buffer": CSV}]
                )
                await page.locator("#read-file").click()
                await expect(page.locator(".mapping-table tbody tr")).to_have_count(4)
                await page.locator("#map-0").select_option("name")
                await page.locator("#dry-run").click()
                await expect(page.locator("#step-report")).to_be_visible()
                said = "电话号码" if locale == "zh-CN" else "A phone number"
                await expect(page.locator("#error-rows")).to_contain_text(said)
                await page.evaluate("window.scrollTo(0, 0)")
            await check_page(page, path, locale, names=DATA, shots=tmp_path)
