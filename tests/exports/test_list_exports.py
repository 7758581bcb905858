"""Every back-office list downloads what it filters, in its order, as CSV (UTF-8 with a BOM) or a
real .xlsx, with headers in the reader's language and formulas neutralised (backend/pages/export.py
over backend/exports.py)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.support.factories import account, create, device, product, team

BOM = b"\xef\xbb\xbf"


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode("utf-8"))))


def _xlsx(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_accounts_export_the_whole_filter_in_its_order_as_csv_and_xlsx(api):
    people = await team(api)
    admin = people["admin"]
    for name, grade in (("Cedar Mills", "A"), ("Apex Labs", "A"), ("Birch Foods", "B")):
        await account(api, admin, name=name, grade=grade)
    await account(api, admin, name="=1+1", grade="A")
    filters = {"grade": "A", "sort": "name"}

    page = await api.get("/accounts", params={**filters, "limit": 25}, headers=admin.headers)
    assert "/accounts/export?grade=A&amp;sort=name&amp;format=xlsx" in page.text

    response = await api.get(
        "/accounts/export", params={**filters, "format": "csv"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "accounts-" in response.headers["content-disposition"]
    assert response.headers["content-disposition"].count(".csv") == 2
    rows = _csv(response.content)
    assert rows[0][:3] == ["Name", "Grade", "VIP"]
    # The filter (grade A, not Birch) and its order; "=1+1" is text, not a formula.
    assert [r[0] for r in rows[1:]] == ["'=1+1", "Apex Labs", "Cedar Mills"]
    assert response.headers["x-total-count"] == "3"

    response = await api.get(
        "/accounts/export", params={**filters, "format": "xlsx"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = _xlsx(response.content)
    assert rows[0][0] == "Name"
    assert [r[0] for r in rows[1:]] == ["'=1+1", "Apex Labs", "Cedar Mills"]
    assert [r[1] for r in rows[1:]] == ["A", "A", "A"]


async def test_an_export_takes_every_row_not_the_page_shown(api):
    people = await team(api)
    admin = people["admin"]
    for n in range(30):
        await account(api, admin, name=f"Pagoda {n:02d}")
    page = await api.get("/accounts", params={"limit": 25, "q": "Pagoda"}, headers=admin.headers)
    assert "1–25 of 30" in page.text
    response = await api.get(
        "/accounts/export", params={"q": "Pagoda", "format": "csv"}, headers=admin.headers
    )
    assert len(_csv(response.content)) == 31


async def test_headers_and_codes_come_in_the_readers_language(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    site = await account(api, admin, lat=31.2, lng=121.4)
    unit = await device(api, admin, site["id"], model["id"])
    made = await create(
        api, admin, "/api/work-orders", {"device_id": unit["id"], "description": "+cmd|calc"}
    )
    headers = {**admin.headers, "Accept-Language": "zh-CN"}
    response = await api.get("/work-orders/export", params={"format": "xlsx"}, headers=headers)
    assert response.status_code == 200, response.text
    rows = _xlsx(response.content)
    header = rows[0]
    assert "状态" in header
    assert "优先级" in header
    job = dict(zip(header, rows[1], strict=True))
    assert job["工单"] == made["id"]
    assert job["问题描述"] == "'+cmd|calc"
    assert job["状态"] in ("待派", "已派单")  # a word, not the code
    assert job["状态"] != made["status"]

    english = await api.get("/work-orders/export", params={"format": "csv"}, headers=admin.headers)
    rows = _csv(english.content)
    assert rows[0][:3] == ["Job", "Priority", "Status"]
    assert rows[1][1] == "Normal"


async def test_filters_of_devices_users_and_the_catalogue_are_respected(api):
    people = await team(api)
    admin = people["admin"]
    boiler = await product(api, admin, sku="BLR-1", name="Wall boiler")
    chiller = await product(api, admin, sku="CHL-9", name="Chiller")
    await create(api, admin, "/api/parts", {"sku": "FLT-2", "name": "Filter", "price": "12.50"})
    await create(api, admin, "/api/parts", {"sku": "VLV-1", "name": "@SUM(A1)", "price": "3"})
    site = await account(api, admin)
    await device(api, admin, site["id"], boiler["id"], serial="SN-BOILER")
    await device(api, admin, site["id"], chiller["id"], serial="SN-CHILLER")
    headers = admin.headers

    found = await api.get(
        "/devices/export", params={"product_id": chiller["id"], "format": "csv"}, headers=headers
    )
    assert [r[0] for r in _csv(found.content)[1:]] == ["SN-CHILLER"]

    found = await api.get(
        "/users/export", params={"role": "engineer", "format": "xlsx"}, headers=headers
    )
    rows = _xlsx(found.content)
    assert sorted(r[0] for r in rows[1:]) == sorted(
        [f"Engineer {people[k].email[8:].split('@')[0]}" for k in ("engineer", "other_engineer")]
    )
    assert {r[3] for r in rows[1:]} == {"Engineer"}

    found = await api.get(
        "/catalogue/export", params={"q": "boiler", "format": "csv"}, headers=headers
    )
    assert [r[0] for r in _csv(found.content)[1:]] == ["BLR-1"]
    found = await api.get("/catalogue/parts/export", params={"format": "xlsx"}, headers=headers)
    rows = _xlsx(found.content)
    assert rows[0] == ["SKU", "Name", "Price"]
    assert sorted(rows[1:]) == [["FLT-2", "Filter", 12.5], ["VLV-1", "'@SUM(A1)", 3]]


async def test_a_bad_format_or_unknown_parameter_is_a_400_naming_it(api):
    people = await team(api)
    headers = people["admin"].headers
    response = await api.get("/accounts/export", params={"format": "pdf"}, headers=headers)
    assert response.status_code == 400
    assert "format" in response.text
    response = await api.get(
        "/accounts/export", params={"format": "csv", "limit": 5}, headers=headers
    )
    assert response.status_code == 400
    assert "limit" in response.text
