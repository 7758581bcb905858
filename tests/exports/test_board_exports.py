"""Every board table downloads as CSV and as a real .xlsx with the same columns and values: the
satisfaction and sales tables beside their original /csv, the dispatch board's jobs and
engineers following its zone and skill; formulas stay text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.board_history import Job, at, build, range_params
from tests.support.factories import account, create, device, product, staff, team

HYPERLINK = '=HYPERLINK("http://evil.example/","Click")'


def _xlsx(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_a_satisfaction_table_as_xlsx_has_the_csvs_columns_and_values(api):
    job = Job(
        "d1",
        "e1",
        at(1, 9),
        offers=[("e1", at(1, 9, 5))],
        accepted=at(1, 9, 10),
        arrived=at(1, 10),
        completed=at(1, 11),
        rating=(1, HYPERLINK, at(1, 12)),
    )
    w = await build(api, [job])
    params = {**range_params(), "table": "low_ratings"}
    as_csv = await api.get(
        "/api/boards/satisfaction/csv", params=params, headers=w.supervisor.headers
    )
    as_xlsx = await api.get(
        "/api/boards/satisfaction/xlsx", params=params, headers=w.supervisor.headers
    )
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "satisfaction-low_ratings-" in as_xlsx.headers["content-disposition"]
    csv_rows, xlsx_rows = _csv(as_csv.content), _xlsx(as_xlsx.content)
    assert xlsx_rows[0] == csv_rows[0]
    row = dict(zip(xlsx_rows[0], xlsx_rows[1], strict=True))
    assert row["comment"] == "'" + HYPERLINK
    assert row["score"] == 1

    summary = await api.get(
        "/api/boards/satisfaction/xlsx",
        params={**range_params(), "table": "summary"},
        headers=w.supervisor.headers,
    )
    figures = dict(_xlsx(summary.content)[1:])
    assert figures["ratings"] == 1


async def test_a_sales_table_as_xlsx(api):
    people = await team(api)
    await account(api, people["admin"], name="@SUM(1+1)", grade="A", owner_id=people["rep"].id)
    response = await api.get(
        "/api/boards/sales/xlsx",
        params={**range_params(), "table": "uncontacted"},
        headers=people["supervisor"].headers,
    )
    assert response.status_code == 200, response.text
    rows = _xlsx(response.content)
    names = [dict(zip(rows[0], r, strict=True))["name"] for r in rows[1:]]
    assert names == ["'@SUM(1+1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_the_dispatch_boards_tables_follow_its_filters(api, fmt):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin, required_skill="lifts")
    site = await account(api, admin, lat=31.2, lng=121.4)
    unit = await device(api, admin, site["id"], model["id"])
    job = await create(
        api, admin, "/api/work-orders", {"device_id": unit["id"], "description": "-2+3 leak"}
    )
    lifter = await staff(api, "engineer", skills=["lifts"])

    def read(body: bytes) -> list[dict[str, object]]:
        rows = _csv(body) if fmt == "csv" else _xlsx(body)
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]

    headers = people["supervisor"].headers
    jobs = await api.get(f"/api/boards/dispatch/{fmt}", params={"table": "jobs"}, headers=headers)
    assert jobs.status_code == 200, jobs.text
    [row] = read(jobs.content)
    assert str(row["id"]) == str(job["id"])
    assert row["description"] == "'-2+3 leak"
    assert row["account"] == site["name"]

    engineers = await api.get(
        f"/api/boards/dispatch/{fmt}",
        params={"table": "engineers", "skill": "lifts"},
        headers=headers,
    )
    assert [str(r["id"]) for r in read(engineers.content)] == [str(lifter.id)]
    none = await api.get(
        f"/api/boards/dispatch/{fmt}", params={"table": "jobs", "skill": "gas"}, headers=headers
    )
    assert read(none.content) == []


async def test_an_unknown_table_is_a_400_naming_it(api):
    people = await team(api)
    response = await api.get(
        "/api/boards/dispatch/xlsx", params={"table": "nope"}, headers=people["admin"].headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "table"


async def test_every_board_table_links_its_csv_and_xlsx(api):
    people = await team(api)
    headers = people["supervisor"].headers
    for board, tables in (
        ("satisfaction", ("summary", "weeks", "engineers", "products", "parts", "low_ratings")),
        ("sales", ("reps", "days", "off_site", "uncontacted")),
    ):
        page = await api.get(f"/boards/{board}", headers=headers)
        assert page.status_code == 200
        for table in tables:
            for fmt in ("csv", "xlsx"):
                assert f"/api/boards/{board}/{fmt}?table={table}&amp;" in page.text, (board, table)
    dispatch = await api.get("/boards/dispatch", headers=headers)
    for table in ("jobs", "engineers"):
        for fmt in ("csv", "xlsx"):
            assert f'data-export="{table}.{fmt}"' in dispatch.text
            assert f'href="/api/boards/dispatch/{fmt}?table={table}"' in dispatch.text
