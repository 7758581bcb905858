"""The field sales board: visits, off-site check-ins, kilometres, accounts overdue a contact."""

from __future__ import annotations

import csv
import io
import itertools
import math
from datetime import UTC, datetime, timedelta

from backend import db
from backend.boards import rollups
from backend.field.route import Fix, build_route
from tests.support.board_history import RANGE, SITE_IN, SITE_OUT, ZONE, at
from tests.support.factories import account, create, team


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


async def test_sales_summary(api):
    people = await team(api)
    admin, rep, other = people["admin"], people["rep"], people["other_rep"]
    zone = await create(api, admin, "/api/zones", {"name": "Centre", "boundary": ZONE})
    now = datetime.now(UTC)
    a_in = await account(api, rep, grade="A", lat=SITE_IN[0], lng=SITE_IN[1])
    a_out = await account(api, other, grade="A", lat=SITE_OUT[0], lng=SITE_OUT[1])
    fresh = await account(api, rep, grade="A", lat=SITE_IN[0], lng=SITE_IN[1])
    never = await account(api, admin, grade="A")  # the public pool, never contacted
    b_old = await account(api, rep, grade="B")  # B has no rule by default
    for acc, days_ago in ((a_in, 5), (a_out, 10), (fresh, 1), (b_old, 90)):
        await db.execute(
            "UPDATE account SET last_contacted_at = $2 WHERE id = $1",
            acc["id"],
            now - timedelta(days=days_ago),
        )
    visits = [  # (rep, account, day, hour, on site)
        (rep, a_in, 1, 10, True),
        (rep, fresh, 1, 14, False),
        (rep, a_in, 2, 9, True),
        (other, a_out, 1, 11, False),
    ]
    for who, acc, day, hour, on_site in visits:
        await db.execute(
            """INSERT INTO visit (rep, account, planned_at, checkin_at, checkin_lat, checkin_lng,
                   checkin_distance_m, on_site, created_at)
               VALUES ($1, $2, $3, $3, 31.23, 121.47, $4, $5, $3)""",
            who.id,
            acc["id"],
            at(day, hour),
            20.0 if on_site else 950.0,
            on_site,
        )
    # rep's route on day 1: four fixes, one too inaccurate to count; none on day 2.
    route = [(at(1, 9), 31.2000, 121.4500, 10.0), (at(1, 9, 20), 31.2100, 121.4600, 15.0)]
    route += [(at(1, 9, 30), 31.3000, 121.9000, 5000.0), (at(1, 10), 31.2304, 121.4737, 8.0)]
    for when, lat, lng, accuracy in route:
        await db.execute(
            'INSERT INTO location_ping ("user", at, lat, lng, accuracy) '
            "VALUES ($1, $2, $3, $4, $5)",
            rep.id,
            when,
            lat,
            lng,
            accuracy,
        )
    usable = [(lat, lng) for _, lat, lng, accuracy in route if accuracy <= 100]
    km = sum(haversine_km(a, b) for a, b in itertools.pairwise(usable))
    # The route page measures the same fixes on the ellipsoid (and drops jitter): within 0.5 %.
    ellipsoid = build_route([Fix(lat, lng) for lat, lng in usable], 10.0)
    assert ellipsoid is not None
    assert abs(ellipsoid.distance_km - km) / km < 0.005

    params = {"from": RANGE[0].isoformat(), "to": RANGE[1].isoformat()}
    response = await api.get("/api/boards/sales", params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    board = response.json()
    reps = {r["id"]: r for r in board["reps"]}
    mine = reps[rep.id]
    assert (mine["visits"], mine["off_site"], mine["days"]) == (3, 1, 2)
    assert mine["visits_per_day"] == 1.5
    assert mine["km"] == round(km, 1)
    assert mine["km_per_day"] == round(round(km, 1) / 2, 1)
    days = [(d["rep_id"], d["day"], d["visits"], d["off_site"], d["km"]) for d in board["days"]]
    day1, day2 = (RANGE[0] + timedelta(days=n) for n in (1, 2))
    assert (rep.id, day1.isoformat(), 2, 1, round(km, 1)) in days
    assert (rep.id, day2.isoformat(), 1, 0, 0.0) in days
    assert reps[other.id]["visits"] == 1
    assert board["off_site_total"] == 2
    assert {v["distance_m"] for v in board["off_site"]} == {950}
    stale = {a["account_id"]: a for a in board["uncontacted"]}
    assert set(stale) == {a_in["id"], a_out["id"], never["id"]}
    assert stale[never["id"]]["days_since"] is None
    assert stale[a_in["id"]]["days_since"] == 5
    assert stale[a_in["id"]]["allowed_days"] == 3
    assert board["uncontacted"][0]["account_id"] == never["id"]  # never contacted comes first

    response = await api.get(
        "/api/boards/sales", params={**params, "zone_id": zone["id"]}, headers=admin.headers
    )
    zoned = response.json()
    assert [r["id"] for r in zoned["reps"]] == [rep.id]  # only rep visited inside the zone
    assert {a["account_id"] for a in zoned["uncontacted"]} == {a_in["id"]}
    assert zoned["off_site_total"] == 1

    # Stored route days give the same kilometres.
    await rollups.refresh(on=RANGE[1] + timedelta(days=1))
    again = await api.get("/api/boards/sales", params=params, headers=admin.headers)
    assert again.json() == board

    for table in ("reps", "days", "off_site", "uncontacted"):
        response = await api.get(
            "/api/boards/sales/csv", params={**params, "table": table}, headers=admin.headers
        )
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == len(board[table])
