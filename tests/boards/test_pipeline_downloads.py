"""The sales pipeline's tables as files (GET /api/boards/sales/pipeline/csv and /xlsx): the JSON's
columns and values, per rep when asked, a rep's name that looks like a formula stays text, and the
board's page links each table's file for the range it shows."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from backend import db
from tests.support.factories import account, create, team


def _csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(body: bytes) -> list[dict[str, object]]:
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def _deals(api):
    people = await team(api)
    rep, other = people["rep"], people["other_rep"]
    await db.execute("UPDATE app_user SET name = '=HYPERLINK(\"x\")' WHERE id = $1", other.id)
    for who, amount in ((rep, "1000"), (rep, "500"), (other, "700")):
        acc = await account(api, who)
        await create(api, who, "/api/opportunities", {
            "account_id": acc["id"], "name": "D", "amount": amount, "expected_close": "2027-02-10",
        })  # fmt: skip
    return people


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_the_funnel_per_rep_and_the_forecast_as_files(api, fmt):
    people = await _deals(api)
    boss = people["supervisor"].headers
    read = _csv if fmt == "csv" else _xlsx
    by_rep = await api.get(
        f"/api/boards/sales/pipeline/{fmt}", params={"table": "funnel_by_rep"}, headers=boss
    )
    assert by_rep.status_code == 200, by_rep.text
    assert "sales-funnel_by_rep-" in by_rep.headers["content-disposition"]
    rows = read(by_rep.content)
    assert list(rows[0]) == ["owner_id", "owner_name", "stage_id", "count", "amount"]
    amounts = {str(r["owner_name"]): (int(r["count"]), float(r["amount"])) for r in rows}
    assert amounts == {
        await db.fetchval("SELECT name FROM app_user WHERE id = $1", people["rep"].id): (2, 1500),
        '\'=HYPERLINK("x")': (1, 700),  # a formula reaches the spreadsheet as text
    }
    forecast = await api.get(
        f"/api/boards/sales/pipeline/{fmt}",
        params={"table": "forecast", "owner_id": people["rep"].id},
        headers=boss,
    )
    months = {r["month"]: float(r["weighted"]) for r in read(forecast.content)}
    assert months == {"2027-02": 150.0}  # 1,500 at the first stage's 10 %


async def test_a_table_that_is_not_there_is_a_400_naming_it(api):
    people = await team(api)
    answer = await api.get(
        "/api/boards/sales/pipeline/csv",
        params={"table": "secrets"},
        headers=people["supervisor"].headers,
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "table"


async def test_the_board_links_each_pipeline_table_for_its_range(api):
    people = await team(api)
    page = await api.get(
        "/boards/sales?from=2026-11-01&to=2026-11-30", headers=people["supervisor"].headers
    )
    assert page.status_code == 200
    for table in ("funnel", "forecast", "payments", "pool"):
        for fmt in ("csv", "xlsx"):
            link = f"/api/boards/sales/pipeline/{fmt}?table={table}&amp;"
            assert link + "from=2026-11-01&amp;to=2026-11-30" in page.text
