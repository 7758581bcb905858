"""The admin's settings, imports and webhooks pages render what the APIs hold (the browser
journeys are in tests/browser/test_office_settings.py): every event type, delivery state and
import field has its words, and the pages show the saved values, past runs and deliveries."""

from __future__ import annotations

import io
import re

import openpyxl

from backend import db
from backend.integrations.imports.kinds import FIELDS
from backend.integrations.tables import DeliveryStatus, EventType
from backend.pages import office_integrations as pages
from tests.integrations.test_imports_api import upload
from tests.support.factories import team


def test_every_event_state_and_import_field_has_its_words():
    assert set(pages.EVENTS) == {e.value for e in EventType}
    assert set(pages.DELIVERY_STATUSES) == {s.value for s in DeliveryStatus}
    assert {f.name for fields in FIELDS.values() for f in fields} <= set(pages.FIELD_LABELS)


async def test_the_settings_page_shows_what_is_saved(api):
    people = await team(api)
    admin = people["admin"]
    sla = {
        "urgent": {"respond_hours": 1, "resolve_hours": 5},
        "high": {"respond_hours": 3, "resolve_hours": 17},
        "normal": {"respond_hours": 9, "resolve_hours": 47},
    }
    assert (await api.put("/api/settings/sla", json=sla, headers=admin.headers)).status_code == 200
    page = await api.get("/settings", headers=admin.headers)
    assert page.status_code == 200
    assert 'name="normal.resolve_hours" type="number" min="1" max="8760" step="1" value="47"' in (
        page.text
    )
    assert re.search(r'name="recycle_days\.A"[^>]*value="30"', page.text)
    assert '<option value="won" selected>' in page.text  # each stage's kind as saved
    assert '<option value="lost" selected>' in page.text
    assert 'value="初步接洽"' in page.text  # the default stages, both names
    assert 'id="f-contact_enabled" aria-describedby="e-contact_enabled" checked' in page.text
    chinese = await api.get("/settings", headers={**admin.headers, "Accept-Language": "zh-CN"})
    assert "商机阶段" in chinese.text


async def test_the_imports_page_lists_past_runs(api):
    people = await team(api)
    admin = people["admin"]
    await upload(api, admin, b"name,grade\nGamma Cooling,Z\n", filename="gamma.csv")
    page = await api.get("/imports", headers=admin.headers)
    assert page.status_code == 200
    assert "gamma.csv" in page.text
    run = await db.fetchval("SELECT id FROM import_run")
    assert f'href="/api/imports/{run}/errors.xlsx"' in page.text
    searched = await api.get(
        "/imports", params={"q": "gam", "kind": "accounts"}, headers=admin.headers
    )
    assert "gamma.csv" in searched.text
    none = await api.get("/imports", params={"kind": "leads"}, headers=admin.headers)
    assert "gamma.csv" not in none.text
    assert (await api.get("/imports", params={"x": "1"}, headers=admin.headers)).status_code == 400

    assert "/imports/export?q=gam&amp;kind=accounts&amp;format=csv" in searched.text
    csv = await api.get(
        "/imports/export", params={"format": "csv", "q": "gam", "lang": "en"}, headers=admin.headers
    )
    assert csv.status_code == 200, csv.text
    header, row = csv.content.decode("utf-8-sig").strip().splitlines()
    assert header == "When,By,Holds,File,Run,Rows,Rows created,Updated,Skipped,Errors"
    assert ",Accounts,gamma.csv,Dry run,1,0,0,0,1" in row
    empty = await api.get(
        "/imports/export", params={"format": "csv", "kind": "leads"}, headers=admin.headers
    )
    assert len(empty.content.decode("utf-8-sig").strip().splitlines()) == 1


async def test_the_webhook_pages_show_hooks_and_deliveries(api):
    people = await team(api)
    admin = people["admin"]
    hook = await db.fetchval(
        """INSERT INTO webhook (url, events, secret) VALUES
           ('https://hooks.example.com/in', '{lead.created}', 'whsec_x') RETURNING id"""
    )
    await db.execute(
        """INSERT INTO webhook_delivery (webhook, event_id, event_type, body, status, attempts,
               last_status)
           VALUES ($1, gen_random_uuid(), 'lead.created', '{}', 'failed', 8, 500)""",
        hook,
    )
    listing = await api.get("/webhooks", headers=admin.headers)
    assert f'href="/webhooks/{hook}">https://hooks.example.com/in<' in listing.text
    assert "whsec_x" not in listing.text  # the secret is shown once, when registered
    detail = await api.get(f"/webhooks/{hook}", headers=admin.headers)
    assert detail.status_code == 200
    assert 'data-api="/api/webhooks/deliveries/' in detail.text  # a failed one may be retried
    assert '<span class="chip bad delivery-state">Failed</span>' in detail.text
    await db.execute("UPDATE webhook_delivery SET status = 'pending'")
    queued = await api.get(f"/webhooks/{hook}", headers=admin.headers)
    assert "Queued" in queued.text
    assert 'data-api="/api/webhooks/deliveries/' not in queued.text  # queued: no retry
    assert "whsec_x" not in detail.text
    failed = await api.get(f"/webhooks/{hook}", params={"status": "failed"}, headers=admin.headers)
    assert 'data-delivery="' not in failed.text  # the queued one is not failed
    assert (await api.get("/webhooks/999999", headers=admin.headers)).status_code == 404

    assert f"/webhooks/{hook}/export?status=failed&amp;format=xlsx" in failed.text
    sheet = await api.get(
        f"/webhooks/{hook}/export",
        params={"format": "xlsx", "lang": "zh_CN"},
        headers=admin.headers,
    )
    assert sheet.status_code == 200, sheet.text
    rows = list(
        openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:5] == ("时间", "事件", "事件编号", "状态", "尝试次数")
    assert rows[1][1] == "lead.created"
    assert rows[1][3:6] == ("排队中", 8, 500)
    gone = await api.get("/webhooks/999999/export", params={"format": "csv"}, headers=admin.headers)
    assert gone.status_code == 404
