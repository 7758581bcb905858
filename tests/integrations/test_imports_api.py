"""The Excel/CSV import through the API: header mapping in English and Chinese, a dry run that
changes nothing, commits that create once, GBK and BOM CSVs, .xlsx both ways, duplicates within
the file and against the database, the error rows' workbook."""

from __future__ import annotations

import io
import json
from typing import Any

from httpx import AsyncClient
from openpyxl import Workbook, load_workbook

from backend import db
from tests.support.factories import Staff, account, product, staff

ACCOUNTS_CSV = """客户名称,电话,地址,等级,负责人,纬度,经度
上海恒温科技有限公司,13800138001,上海市黄浦区人民大道1号,A,{rep},31.23,121.47
北京冷链物流,010-8888 0001,北京市朝阳区,b,,,
,13800138003,无名,C,,,
杭州制冷,phone?,杭州,D,nobody@example.test,,
上海恒温科技,13800138009,重复的名字,A,,,
"""


async def upload(
    api: AsyncClient,
    who: Staff,
    content: bytes,
    *,
    kind: str = "accounts",
    filename: str = "accounts.csv",
    mode: str = "dry_run",
    mapping: dict[str, Any] | None = None,
    on_duplicate: str = "skip",
    expect: int = 200,
) -> Any:
    form = {"kind": kind, "mode": mode, "on_duplicate": on_duplicate}
    if mapping is not None:
        form["mapping"] = json.dumps(mapping, ensure_ascii=False)
    response = await api.post(
        "/api/imports", files={"file": (filename, content)}, data=form, headers=who.headers
    )
    assert response.status_code == expect, response.text
    return response.json()


def problems(result: Any) -> set[tuple[int, str]]:
    return {(e["row"], e["field"]) for e in result["errors"]}


async def counts() -> dict[str, int]:
    tables = ("account", "contact", "lead", "device", "pool_move")
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in tables}


async def test_a_chinese_csv_dry_run_checks_every_row_and_changes_nothing(api):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    before = await counts()
    content = ("\ufeff" + ACCOUNTS_CSV.format(rep=rep.email)).encode()
    result = await upload(api, admin, content)
    assert result["mapping"] == {
        "客户名称": "name",
        "电话": "phone",
        "地址": "address",
        "等级": "grade",
        "负责人": "owner_email",
        "纬度": "lat",
        "经度": "lng",
    }
    assert result["mode"] == "dry_run"
    assert (result["rows"], result["valid"], result["created"]) == (5, 2, 2)
    assert problems(result) == {
        (4, "name"),  # required
        (5, "phone"),
        (5, "grade"),
        (5, "owner_email"),
        (6, "name"),  # 上海恒温科技 is 上海恒温科技有限公司 without its legal form
    }
    assert "duplicate of row 2" in next(e for e in result["errors"] if e["row"] == 6)["message"]
    assert result["no_position"] == [3]  # kept, flagged: no geocoder is called
    assert await counts() == before


async def test_commit_creates_once_and_again_creates_nothing(api):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    content = ACCOUNTS_CSV.format(rep=rep.email).encode()
    first = await upload(api, admin, content, mode="commit")
    assert (first["created"], first["updated"], first["skipped"]) == (2, 0, 0)
    rows = await db.fetch("SELECT name, grade, owner, lat, phone_key FROM account ORDER BY id")
    assert [tuple(r) for r in rows] == [
        ("上海恒温科技有限公司", "A", rep.id, 31.23, "13800138001"),
        ("北京冷链物流", "B", None, None, "01088880001"),
    ]
    again = await upload(api, admin, content, mode="commit")
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 2)
    assert {s["message"] for s in again["skipped_rows"]} == {
        "exists already (id 1)",
        "exists already (id 2)",
    }
    assert await db.fetchval("SELECT count(*) FROM account") == 2


async def test_a_gbk_csv_and_duplicates_of_the_database_updated_on_request(api):
    admin = await staff(api, "admin")
    known = await account(api, admin, name="广州空调工程有限公司", phone="020 3333 0001")
    content = "客户名称,电话,等级\n广州空调工程,,A\n深圳暖通,0755-1234 5678,B\n".encode("gbk")
    dry = await upload(api, admin, content, filename="客户.csv")
    assert (dry["valid"], dry["created"], dry["skipped"]) == (2, 1, 1)
    done = await upload(api, admin, content, mode="commit", on_duplicate="update")
    assert (done["created"], done["updated"]) == (1, 1)
    grade = await db.fetchval("SELECT grade FROM account WHERE id = $1", known["id"])
    assert grade == "A"
    phone = await db.fetchval("SELECT phone FROM account WHERE id = $1", known["id"])
    assert phone == "020 3333 0001"  # a blank cell keeps what is there
    same = await upload(api, admin, content, mode="commit", on_duplicate="update")
    assert (same["created"], same["updated"], same["skipped"]) == (0, 0, 2)  # no change


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_contacts_from_xlsx_with_a_corrected_mapping_and_the_error_workbook(api):
    admin = await staff(api, "admin")
    await account(api, admin, name="Acme Cooling Ltd")
    content = workbook(
        [
            ["Customer", "Contact name", "Handy", "E-mail", "Decision maker"],
            ["Acme Cooling", "Li Wei", 13900001111, "li.wei@acme.test", "yes"],
            ["Acme Cooling", "Wang Fang", None, "not-an-email", "no"],
            ["Nobody Inc", "Zhao Lei", None, None, None],
            ["Acme Cooling", "Li Wei (again)", "139 0000 1111", None, None],
        ]
    )
    guessed = await upload(api, admin, content, kind="contacts", filename="contacts.xlsx")
    assert guessed["mapping"]["Handy"] is None  # not a header it knows: the user maps it
    result = await upload(
        api,
        admin,
        content,
        kind="contacts",
        filename="contacts.xlsx",
        mode="commit",
        mapping={"Handy": "phone"},
    )
    assert result["mapping"]["Handy"] == "phone"
    assert problems(result) == {(3, "email"), (4, "account_name"), (5, "phone")}
    assert result["created"] == 1
    contact = await db.fetchrow("SELECT name, phone, phone_key, decision_maker FROM contact")
    assert tuple(contact) == ("Li Wei", "13900001111", "13900001111", True)

    download = await api.get(result["errors_url"], headers=admin.headers)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(download.content)).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == [
        "row",
        "Customer",
        "Contact name",
        "Handy",
        "E-mail",
        "Decision maker",
        "error",
    ]
    assert [r[0] for r in table[1:]] == [3, 4, 5]
    assert table[1][-1] == "email: an e-mail address such as name@example.com"
    assert table[3][-1] == "phone: duplicate of row 2 in this file"


async def test_leads_skip_what_sales_already_has(api):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    await account(api, admin, name="Known Trading", phone="021 5555 0000")
    content = (
        "Name,Company,Phone,Email,Owner\n"
        f"Chen Jie,New Prospect Co,13700000001,chen@prospect.test,{rep.email}\n"
        "Sun Li,Known Trading Co Ltd,,,\n"
    ).encode()
    result = await upload(api, admin, content, kind="leads", filename="leads.csv", mode="commit")
    assert (result["created"], result["skipped"]) == (1, 1)
    assert result["skipped_rows"][0]["message"] == "matches account 1"
    lead = await db.fetchrow(
        "SELECT name, owner, company_key, claimed_at IS NOT NULL AS c FROM lead"
    )
    assert tuple(lead) == ("Chen Jie", rep.id, "newprospect", True)
    again = await upload(api, admin, content, kind="leads", filename="leads.csv", mode="commit")
    assert again["created"] == 0
    listed = await api.get("/api/leads", headers=rep.headers)
    assert [x["name"] for x in listed.json()["items"]] == ["Chen Jie"]


async def test_devices_by_account_name_and_sku(api):
    admin = await staff(api, "admin")
    site = await account(api, admin, name="Plant Seven")
    model = await product(api, admin, sku="CH-200", warranty_months=24)
    content = (
        "客户名称,产品型号,序列号,安装日期\n"
        "Plant Seven,CH-200,SN-1,2024-03-31\n"
        "Plant Seven,CH-999,SN-2,\n"
        "Plant Seven,CH-200,SN-3,2999-01-01\n"
    ).encode()
    result = await upload(api, admin, content, kind="devices", filename="d.csv", mode="commit")
    assert problems(result) == {(3, "product_sku"), (4, "installed_on")}
    device = await db.fetchrow("SELECT account, product, warranty_until, qr_token FROM device")
    assert (device["account"], device["product"]) == (site["id"], model["id"])
    assert device["warranty_until"].isoformat() == "2026-03-31"
    assert len(device["qr_token"]) >= 16
    again = await upload(api, admin, content, kind="devices", filename="d.csv", mode="commit")
    assert (again["created"], again["skipped"]) == (0, 1)


async def test_bad_uploads_name_their_field(api):
    admin = await staff(api, "admin")
    content = b"name,phone\nA Co,123456\n"

    async def field(**kwargs: Any) -> str:
        result = await upload(api, admin, content, expect=400, **kwargs)
        return str(result["errors"][0]["field"])

    assert await field(mapping={"phone": "nonsense"}) == "mapping.phone"
    assert await field(mapping={"missing": "phone"}) == "mapping.missing"
    assert await field(mapping={"name": None}) == "mapping"  # name is required
    assert await field(filename="a.pdf") == "file"
    assert await field(kind="planets") == "kind"
    rep = await staff(api, "rep")
    await upload(api, rep, content, expect=403)
