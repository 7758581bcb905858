"""SLA attainment on the satisfaction board: % of response and resolution deadlines met, by week,
engineer, service contract and product, on the hand-built history (tests/support/board_history.py);
a deadline still ahead is not counted until time (moved in the data) passes it."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from backend import db
from tests.support.board_history import (
    RANGE,
    at,
    build,
    local,
    range_params,
    satisfaction,
)
from tests.support.factories import create

# The scenario's deadlines inside the range, worked out by hand: (deadline, met).
RESPOND = [
    (at(0, 17), True),  # j1 accepted at 9:10
    (at(3, 22), True),  # j2 accepted at 14:05
    (at(1, 10), False),  # j3, urgent: 2 h, accepted at 11:00
    (at(5, 18), True),  # j4 accepted at 10:10
    (at(7, 17), False),  # the job still waiting for an engineer, long past its deadline
]
RESOLVE = [
    (at(2, 9), True),  # j1 completed the same morning
    (at(5, 14), True),  # j2
    (at(1, 16), True),  # j3, 8 h: completed at 13:00
    (at(5, 11), False),  # j4, 1 h: completed at 12:00
]  # the waiting job's resolution deadline (day 9) lies after the range; j5 is cancelled


def rate(met: int, due: int) -> dict[str, Any]:
    return {"count": met, "of": due, "pct": round(100 * met / due, 1) if due else None}


async def test_attainment_by_week_engineer_contract_and_product(api):
    w = await build(api)
    d1_account = await db.fetchval("SELECT account FROM device WHERE id = $1", w.ids["d1"])
    contract = await create(
        api,
        w.supervisor,
        "/api/service-contracts",
        {
            "account_id": d1_account,
            "kind": "warranty",
            "starts_on": (RANGE[0] - timedelta(days=30)).isoformat(),
            "ends_on": (RANGE[1] + timedelta(days=300)).isoformat(),
            "device_ids": [w.ids["d1"]],
        },
    )
    await db.execute(
        "UPDATE work_order SET contract = $1 WHERE device = $2", contract["id"], w.ids["d1"]
    )
    sla = (await satisfaction(api, w))["sla_attainment"]

    assert sla["responded"] == rate(3, 5)
    assert sla["resolved"] == rate(3, 4)

    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for facts, offset in ((RESPOND, 0), (RESOLVE, 2)):
        for deadline, met in facts:
            day = local(deadline)
            counts = weeks[day - timedelta(days=day.weekday())]
            counts[offset] += met
            counts[offset + 1] += 1
    assert sla["weeks"] == [
        {"week": monday.isoformat(), "responded": rate(c[0], c[1]), "resolved": rate(c[2], c[3])}
        for monday, c in sorted(weeks.items())
    ]

    engineers = [(e["id"], e["responded"], e["resolved"]) for e in sla["engineers"]]
    assert engineers == [
        (w.ids["e1"], rate(2, 2), rate(1, 2)),  # j1, j4 (resolved late): most missed first
        (w.ids["e2"], rate(1, 2), rate(2, 2)),  # j2, j3 (accepted late)
        (None, rate(0, 1), rate(0, 0)),  # nobody took the waiting job
    ]
    assert sla["engineers"][2]["name"] == ""

    contracts = [(c["id"], c["kind"], c["responded"], c["resolved"]) for c in sla["contracts"]]
    assert contracts == [
        (None, None, rate(1, 3), rate(1, 2)),  # j3, j4 and the waiting job: priority targets
        (contract["id"], "warranty", rate(2, 2), rate(2, 2)),  # j1, j2 on d1
    ]
    assert sla["contracts"][1]["name"] == await db.fetchval(
        "SELECT name FROM account WHERE id = $1", d1_account
    )

    products = [(p["name"], p["responded"], p["resolved"]) for p in sla["products"]]
    assert products == [
        ("Boiler", rate(1, 2), rate(0, 1)),  # j4 and the waiting job
        ("Chiller", rate(2, 3), rate(3, 3)),  # j1, j2, j3
    ]

    # A zone counts only the deadlines of sites inside it: d1, d3, d5.
    zoned = (await satisfaction(api, w, zone_id=w.zone_id))["sla_attainment"]
    assert (zoned["responded"], zoned["resolved"]) == (rate(3, 4), rate(2, 3))


async def test_a_deadline_counts_once_it_has_passed(api):
    w = await build(api, jobs=[])
    now = datetime.now(UTC)
    job = await db.fetchval(
        """INSERT INTO work_order (device, account, product, source, description, priority,
               status, respond_by, resolve_by, created_at, updated_at)
           SELECT d.id, d.account, d.product, 'staff', 'Leaks', 'normal', 'new', $2, $3, $4, $4
           FROM device d WHERE d.id = $1 RETURNING id""",
        w.ids["d1"],
        now + timedelta(hours=1),
        now + timedelta(hours=20),
        now - timedelta(hours=1),
    )
    today = {"from": (date.today() - timedelta(days=1)).isoformat(), "to": date.today().isoformat()}

    async def board() -> dict[str, Any]:
        response = await api.get(
            "/api/boards/satisfaction", params=today, headers=w.supervisor.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json()["sla_attainment"])

    assert (await board())["responded"] == rate(0, 0)  # still ahead: not decided
    # Time passes the response deadline (moved in the data): a miss.
    await db.execute(
        "UPDATE work_order SET respond_by = $2 WHERE id = $1", job, now - timedelta(minutes=1)
    )
    assert (await board())["responded"] == rate(0, 1)
    # Accepted in time instead: met. Cancelled: not counted at all.
    await db.execute(
        "UPDATE work_order SET accepted_at = $2, status = 'accepted' WHERE id = $1",
        job,
        now - timedelta(minutes=2),
    )
    assert (await board())["responded"] == rate(1, 1)
    await db.execute("UPDATE work_order SET status = 'cancelled' WHERE id = $1", job)
    assert (await board())["responded"] == rate(0, 0)


async def test_the_board_page_shows_attainment_in_both_languages(api):
    w = await build(api)
    data = await satisfaction(api, w)
    sla = data["sla_attainment"]
    page = await api.get(
        "/boards/satisfaction", params=range_params(), headers=w.supervisor.headers
    )
    assert page.status_code == 200
    text = page.text
    assert f'id="sla-responded">{sla["responded"]["pct"]} %<' in text
    assert f'id="sla-resolved">{sla["resolved"]["pct"]} %<' in text
    assert "Responded in time" in text
    assert "Not assigned" in text
    assert "No contract (priority targets)" in text
    for week in sla["weeks"]:
        assert f"<td>{week['week']}</td>" in text
    chinese = await api.get(
        "/boards/satisfaction",
        params={**range_params(), "lang": "zh_CN"},
        headers=w.supervisor.headers,
    )
    assert chinese.status_code == 200
    assert "按时响应" in chinese.text
    assert "按时解决" in chinese.text
    assert "Responded in time" not in chinese.text


async def test_the_attainment_downloads_as_csv(api):
    w = await build(api)
    sla = (await satisfaction(api, w))["sla_attainment"]
    response = await api.get(
        "/api/boards/satisfaction/csv",
        params={**range_params(), "table": "sla"},
        headers=w.supervisor.headers,
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["by"] for r in rows] == ["total"] + ["week"] * len(sla["weeks"]) + ["engineer"] * len(
        sla["engineers"]
    ) + ["contract"] * len(sla["contracts"]) + ["product"] * len(sla["products"])
    assert (rows[0]["responded_in_time"], rows[0]["respond_due"], rows[0]["responded_pct"]) == (
        "3",
        "5",
        "60.0",
    )
    boiler = next(r for r in rows if r["by"] == "product" and r["name"] == "Boiler")
    assert (boiler["resolved_in_time"], boiler["resolve_due"], boiler["resolved_pct"]) == (
        "0",
        "1",
        "0.0",
    )
