"""The satisfaction board on the hand-built history: its figures, zone filter, CSV, bad filters."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

from backend import exports
from tests.support.board_history import (
    build,
    expected,
    headline,
    in_range,
    local,
    r1,
    range_params,
    satisfaction,
)
from tests.support.factories import team


async def test_satisfaction_figures_match_the_scenario(api):
    w = await build(api)
    board = await satisfaction(api, w)
    assert headline(board) == expected(w.jobs)
    # The numbers themselves, worked out by hand once more, so the helper cannot drift.
    assert board["csat"] == {
        "ratings": 4,
        "average": 3.0,
        "distribution": {"1": 1, "2": 1, "3": 0, "4": 1, "5": 1},
    }
    assert board["first_time_fix"] == {"count": 3, "of": 4, "pct": 75.0}
    assert board["sla_breach"] == {"count": 2, "of": 4, "pct": 50.0}
    assert board["times"]["to_offer_min"] == r1((1 + 2 + 4 + 3) / 4)

    engineers = {e["id"]: e for e in board["engineers"]}
    e1, e2 = engineers[w.ids["e1"]], engineers[w.ids["e2"]]
    # e1: j1 (5) and j6 (4, completed before the range); completions j1 and j4 on two days.
    assert (e1["ratings"], e1["average"], e1["completed"], e1["active_days"]) == (2, 4.5, 2, 2)
    assert e1["jobs_per_day"] == 1.0
    assert e1["on_site_min"] == r1((90 + 80) / 2)
    assert e1["first_time_fix_pct"] == 50.0  # j1 was repeated
    assert e1["sla_breach_pct"] == 50.0  # j4
    # e2: j2 (2) and j3 (1); both low, both completed; j3 breached.
    assert (e2["ratings"], e2["average"], e2["low_ratings"], e2["completed"]) == (2, 1.5, 2, 2)
    assert e2["sla_breach_pct"] == 50.0
    assert [e["id"] for e in board["engineers"]] == [w.ids["e2"], w.ids["e1"]]  # lowest first

    products = {p["name"]: p for p in board["products"]}
    # Requests filed in the range: chillers j2, j3 (j1 is on day 0, also in range) → 3 of 2
    # devices; boilers j4, j5 (cancelled), j6 (open) → 3 of 4 devices.
    assert products["Chiller"]["requests"] == 3
    assert products["Chiller"]["devices"] == 2
    assert products["Chiller"]["jobs_per_device"] == 1.5
    assert products["Boiler"]["jobs_per_device"] == round(3 / 4, 3)
    assert [p["name"] for p in board["products"]] == ["Chiller", "Boiler"]  # fails most first
    assert products["Chiller"]["average"] == round((5 + 2 + 1) / 3, 2)

    parts = [(p["sku"], p["qty"], p["jobs"]) for p in board["parts"]]
    assert parts == [("fan", 4, 2), ("valve", 3, 2)]

    low = board["low_ratings"]
    assert board["low_ratings_total"] == 2
    assert [(r["score"], r["comment"]) for r in low] == [
        (2, "Still noisy"),
        (1, "Came far too late"),
    ]
    assert all(r["needs_follow_up"] for r in low)

    weeks = {row["week"]: row for row in board["weeks"]}
    by_week: dict[date, list[int]] = defaultdict(list)
    for job in w.jobs:
        if job.rating and in_range(job.rating[2]):
            day = local(job.rating[2])
            by_week[day - timedelta(days=day.weekday())].append(job.rating[0])
    for monday, scores in by_week.items():
        assert weeks[monday.isoformat()]["ratings"] == len(scores)
        assert weeks[monday.isoformat()]["average"] == round(sum(scores) / len(scores), 2)


async def test_zone_filter_keeps_only_sites_inside(api):
    w = await build(api)
    board = await satisfaction(api, w, w.zone_id)
    assert headline(board) == expected(w.jobs, zone=True)
    # Inside: d1 (j1, j2), d3 (j4), d5 (j6 open): ratings 5 and 2 only.
    assert board["csat"]["ratings"] == 2
    assert {p["name"]: p["devices"] for p in board["products"]} == {"Chiller": 1, "Boiler": 2}


def _cell(value: object) -> str:
    """A JSON value as the CSV writes it: text a spreadsheet would run as a formula gets a "'"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(exports.neutralise(value))


async def test_csv_tables_carry_the_json_numbers(api):
    w = await build(api)
    board = await satisfaction(api, w)
    tables = ("summary", "distribution", "weeks", "engineers", "products", "parts", "low_ratings")
    for table in tables:
        response = await api.get(
            "/api/boards/satisfaction/csv",
            params={**range_params(), "table": table},
            headers=w.supervisor.headers,
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        if table == "summary":
            figures = {r["figure"]: r["value"] for r in rows}
            assert figures["csat_average"] == str(board["csat"]["average"])
            assert figures["first_time_fix_pct"] == str(board["first_time_fix"]["pct"])
        elif table == "distribution":
            assert {r["score"]: int(r["ratings"]) for r in rows} == board["csat"]["distribution"]
        else:
            assert len(rows) == len(board[table])
            for row, item in zip(rows, board[table], strict=True):
                assert row == {k: _cell(v) for k, v in item.items()}


async def test_bad_filters_are_400(api):
    people = await team(api)
    headers = people["supervisor"].headers
    for params in (
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "yesterday"},
        {"zone_id": 999},
        {"zone_id": 0},
    ):
        response = await api.get("/api/boards/satisfaction", params=params, headers=headers)
        assert response.status_code == 400, (params, response.text)
    response = await api.get(
        "/api/boards/satisfaction/csv", params={"table": "nope"}, headers=headers
    )
    assert response.status_code == 400
