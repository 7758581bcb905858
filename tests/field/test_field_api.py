"""Field work through the API: position pings, the route of a day, visits with check-in/out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import geodesic

from backend import db
from tests.support.factories import account, staff
from tests.support.listening import board_events

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the default business time zone
SITE = (31.2304, 121.4737)  # People's Square


def moved(point: tuple[float, float], metres: float, bearing: float) -> tuple[float, float]:
    there = geodesic(meters=metres).destination(point, bearing)
    return (there.latitude, there.longitude)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def ping(at: datetime, point: tuple[float, float], accuracy: float | None = 5) -> dict[str, Any]:
    return {"at": at.isoformat(), "lat": point[0], "lng": point[1], "accuracy": accuracy}


async def send(api, who, pings: list[dict[str, Any]]) -> Any:
    return await api.post("/api/me/locations", json={"pings": pings}, headers=who.headers)


async def route(api, who, user_id: int, day: date | None = None) -> Any:
    query = f"?date={day.isoformat()}" if day else ""
    return await api.get(f"/api/users/{user_id}/route{query}", headers=who.headers)


# --- pings -----------------------------------------------------------------------------------


async def test_a_batch_is_stored_and_moves_the_last_position(api):
    engineer = await staff(api, "engineer")
    now = datetime.now(UTC)
    a, b, c = SITE, moved(SITE, 100, 90), moved(SITE, 200, 90)
    # Out of order, and the newest fix is too vague to trust: the position goes to b.
    batch = [
        ping(now - timedelta(minutes=1), b),
        ping(now - timedelta(minutes=3), a),
        ping(now, c, accuracy=800),
    ]
    response = await send(api, engineer, batch)
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 3}
    # Dispatch reads the position from the user row; the API does not show it to reps.
    user = await db.fetchrow(
        "SELECT last_lat, last_lng, last_seen_at FROM app_user WHERE id = $1", engineer.id
    )
    assert (user["last_lat"], user["last_lng"]) == pytest.approx(b)
    assert user["last_seen_at"] == datetime.fromisoformat(batch[0]["at"])

    # An older batch arriving late from the outbox does not move the position back.
    late = await send(api, engineer, [ping(now - timedelta(hours=1), moved(SITE, 5000, 0))])
    assert late.status_code == 202
    again = await db.fetchrow("SELECT last_lat, last_lng FROM app_user WHERE id = $1", engineer.id)
    assert (again["last_lat"], again["last_lng"]) == pytest.approx(b)

    # The same batch resent (no idempotency key) stores nothing twice.
    assert (await send(api, engineer, batch)).status_code == 202
    today = datetime.now(SHANGHAI).date()
    days = {today, (now - timedelta(hours=1)).astimezone(SHANGHAI).date()}
    counts = [(await route(api, engineer, engineer.id, d)).json()["properties"] for d in days]
    assert sum(p["points"] for p in counts) == 4


def _bad_batches() -> list[tuple[list[dict[str, Any]], str]]:
    now = datetime.now(UTC)
    good = ping(now, SITE)
    return [
        ([{**good, "lat": 90.5}], "pings[0].lat"),
        ([{**good, "lng": -181}], "pings[0].lng"),
        ([{**good, "accuracy": -1}], "pings[0].accuracy"),
        ([good, {**good, "at": (now + timedelta(minutes=10)).isoformat()}], "pings[1].at"),
        ([{**good, "at": (now - timedelta(days=8)).isoformat()}], "pings[0].at"),
        ([{**good, "at": "2026-01-05T10:00:00"}], "pings[0].at"),  # no zone
        ([{**good, "at": "yesterday"}], "pings[0].at"),
        ([{**good, "speed": 3}], "pings[0].speed"),
        ([], "pings"),
        ([good] * 501, "pings"),
    ]


@pytest.mark.parametrize("case", range(len(_bad_batches())))
async def test_bad_pings_are_400_naming_the_field(api, case):
    rep = await staff(api, "rep")
    pings, field = _bad_batches()[case]
    response = await send(api, rep, pings)
    assert response.status_code == 400, response.text
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert await db.fetchval("SELECT count(*) FROM location_ping") == 0


@pytest.mark.parametrize("role", ["supervisor", "admin"])
async def test_only_people_in_the_field_send_pings(api, role):
    desk = await staff(api, role)
    response = await send(api, desk, [ping(datetime.now(UTC), SITE)])
    assert response.status_code == 403


async def test_an_engineers_batch_moves_him_on_the_live_boards(api, database_url):
    """Boards hear of an engineer's new position once it is stored: one event per batch that
    moves him; reps are not on the dispatch board. Heard here as every board's worker hears it."""
    rep, engineer = await staff(api, "rep"), await staff(api, "engineer")
    async with board_events(database_url) as heard:
        now = datetime.now(UTC)
        assert (await send(api, rep, [ping(now, SITE)])).status_code == 202
        assert (await send(api, engineer, [ping(now, SITE)])).status_code == 202
        older = [ping(now - timedelta(hours=1), moved(SITE, 900, 0))]  # moves nobody
        assert (await send(api, engineer, older)).status_code == 202
        events = await heard.events()
    assert events == [{"kind": "engineer", "id": engineer.id}]


# --- routes ----------------------------------------------------------------------------------


def street_walk() -> tuple[list[tuple[float, float]], list[dict[str, Any]], date]:
    """An L-shaped walk, 20 × 50 m east then 10 × 50 m north, one fix every 30 s yesterday,
    with 3 m jitter, a pause at the corner wandering within 4 m, and one vague outlier.
    Returns the moving points, every ping sent, and the day."""
    day = datetime.now(SHANGHAI).date() - timedelta(days=1)
    points = [SITE]
    for bearing, steps in ((90, 20), (0, 10)):
        for _ in range(steps):
            points.append(moved(points[-1], 50, bearing))
    for i in (5, 12):  # sideways GPS jitter on the eastward leg
        points[i] = moved(points[i], 3, 0)
    points[25] = moved(points[25], 3, 90)
    corner = points[20]
    wander = [moved(corner, 4, bearing) for bearing in (30, 150, 270, 330)]
    fixes = points[:21] + wander + points[21:]
    start = local(day, 10)
    pings = [ping(start + timedelta(seconds=30 * i), p) for i, p in enumerate(fixes)]
    pings.insert(8, ping(start + timedelta(seconds=225), moved(points[7], 400, 0), accuracy=500))
    return points, pings, day


async def test_route_is_simplified_and_measured_along_the_street(api):
    rep = await staff(api, "rep")
    points, pings, day = street_walk()
    assert (await send(api, rep, pings)).status_code == 202

    response = await route(api, rep, rep.id, day)
    assert response.status_code == 200, response.text
    feature = response.json()
    assert feature["type"] == "Feature"
    line = feature["geometry"]
    assert line["type"] == "LineString"
    # Jitter (3 m) and the pause lie within the 10 m tolerance: only start, corner, end remain.
    assert len(line["coordinates"]) == 3
    for (lng, lat), (want_lat, want_lng) in zip(
        line["coordinates"], [points[0], points[20], points[-1]], strict=True
    ):
        assert geodesic((lat, lng), (want_lat, want_lng)).m < 5  # GeoJSON order: [lng, lat]

    props = feature["properties"]
    # Measured through the moving fixes: the outlier and the wander at the corner add nothing.
    expected_km = geodesic(*points).km
    assert props["distance_km"] == pytest.approx(expected_km, abs=0.001)
    assert props["distance_km"] == pytest.approx(1.5, abs=0.005)
    assert props["user_id"] == rep.id
    assert props["date"] == day.isoformat()
    assert props["points"] == len(pings)
    assert props["points_used"] == len(pings) - 1
    assert datetime.fromisoformat(props["started_at"]) == local(day, 10)
    assert datetime.fromisoformat(props["ended_at"]) == datetime.fromisoformat(pings[-1]["at"])


async def test_route_days_are_days_in_the_business_time_zone(api):
    rep = await staff(api, "rep")
    day = datetime.now(SHANGHAI).date() - timedelta(days=2)
    late = [local(day, 23, 30), local(day, 23, 45)]
    early = [local(day + timedelta(days=1), 0, 10), local(day + timedelta(days=1), 0, 20)]
    # 23:30 and 00:10 in Shanghai fall on the same UTC day: only the zone tells them apart.
    assert late[0].astimezone(UTC).date() == early[0].astimezone(UTC).date()
    walk = [ping(at, moved(SITE, 100 * i, 90)) for i, at in enumerate(late + early)]
    assert (await send(api, rep, walk)).status_code == 202

    first = (await route(api, rep, rep.id, day)).json()
    second = (await route(api, rep, rep.id, day + timedelta(days=1))).json()
    assert first["properties"]["points"] == second["properties"]["points"] == 2
    assert datetime.fromisoformat(first["properties"]["ended_at"]) == late[1]
    assert datetime.fromisoformat(second["properties"]["started_at"]) == early[0]
    assert first["properties"]["distance_km"] == pytest.approx(0.1, abs=0.001)


async def test_a_day_with_fewer_than_two_fixes_has_no_geometry(api):
    rep = await staff(api, "rep")
    before = datetime.now(SHANGHAI).date()
    empty = await route(api, rep, rep.id)  # no date: today in the business zone
    assert empty.status_code == 200
    props = empty.json()["properties"]
    assert props["date"] in {before.isoformat(), datetime.now(SHANGHAI).date().isoformat()}
    assert empty.json()["geometry"] is None
    assert (props["points"], props["distance_km"], props["started_at"]) == (0, 0, None)

    yesterday = before - timedelta(days=1)
    assert (await send(api, rep, [ping(local(yesterday, 9), SITE)])).status_code == 202
    one = (await route(api, rep, rep.id, yesterday)).json()
    assert one["geometry"] is None
    assert one["properties"]["points"] == 1
    assert one["properties"]["distance_km"] == 0


async def test_route_access_the_person_and_managers_only(api):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    engineer, supervisor = await staff(api, "engineer"), await staff(api, "supervisor")
    for who, status in ((rep, 200), (supervisor, 200), (other, 404), (engineer, 404)):
        assert (await route(api, who, rep.id)).status_code == status, who.role
    assert (await route(api, supervisor, 99999)).status_code == 404
    for bad in ("2026-13-01", "1900-01-01", "soon"):
        response = await api.get(f"/api/users/{rep.id}/route?date={bad}", headers=rep.headers)
        assert response.status_code == 400, bad
        assert "date" in [e["field"] for e in response.json()["errors"]]


# --- visits ----------------------------------------------------------------------------------


async def plan(api, who, account_id: int, at: datetime, **extra: Any) -> Any:
    body = {"account_id": account_id, "planned_at": at.isoformat(), **extra}
    return await api.post("/api/visits", json=body, headers=who.headers)


async def check_in(api, who, visit_id: int, point: tuple[float, float], **extra: Any) -> Any:
    body = {"lat": point[0], "lng": point[1], "accuracy": 12, **extra}
    return await api.post(f"/api/visits/{visit_id}/check-in", json=body, headers=who.headers)


async def check_out(api, who, visit_id: int, **body: Any) -> Any:
    return await api.post(f"/api/visits/{visit_id}/check-out", json=body, headers=who.headers)


async def test_a_visit_from_plan_to_check_out(api):
    rep, supervisor = await staff(api, "rep"), await staff(api, "supervisor")
    site = await account(api, rep, lat=SITE[0], lng=SITE[1], address="People's Square 1")
    today = datetime.now(SHANGHAI).date()
    planned = await plan(api, rep, site["id"], local(today, 15))
    assert planned.status_code == 201, planned.text
    visit = planned.json()
    assert (visit["rep_id"], visit["status"]) == (rep.id, "planned")
    assert visit["account_name"] == site["name"]
    assert (visit["lat"], visit["lng"], visit["grade"]) == (*SITE, "C")

    listed = await api.get(f"/api/visits?date={today}", headers=rep.headers)
    assert [v["id"] for v in listed.json()["items"]] == [visit["id"]]
    assert listed.json()["total"] == 1
    tomorrow = await api.get(f"/api/visits?date={today + timedelta(days=1)}", headers=rep.headers)
    assert tomorrow.json()["total"] == 0

    early = await check_out(api, rep, visit["id"], notes="too soon")
    assert early.status_code == 409
    assert early.json()["status"] == "planned"

    near = await check_in(api, rep, visit["id"], moved(SITE, 30, 0))
    assert near.status_code == 200, near.text
    assert near.json()["on_site"] is True
    assert near.json()["distance_m"] == pytest.approx(30, abs=0.2)
    assert near.json()["status"] == "checked_in"

    twice = await check_in(api, rep, visit["id"], SITE)
    assert twice.status_code == 409
    assert twice.json()["status"] == "checked_in"
    assert twice.json()["visit"]["distance_m"] == near.json()["distance_m"]

    done = await check_out(
        api,
        rep,
        visit["id"],
        notes="Met the buyer",
        outcome="quote",
        next_step="Send the quote by Friday",
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["outcome"]) == ("checked_out", "quote")
    contacted = (await api.get(f"/api/accounts/{site['id']}", headers=rep.headers)).json()
    assert contacted["last_contacted_at"] == done.json()["checkout_at"]
    assert (await check_out(api, rep, visit["id"])).status_code == 409

    seen = await api.get(f"/api/visits/{visit['id']}", headers=supervisor.headers)
    assert seen.status_code == 200
    assert seen.json()["notes"] == "Met the buyer"


async def test_an_off_site_check_in_is_kept_and_flagged(api):
    rep = await staff(api, "rep")
    site = await account(api, rep, lat=SITE[0], lng=SITE[1])
    nowhere = await account(api, rep)  # no position on file
    now = datetime.now(UTC)
    far_visit = (await plan(api, rep, site["id"], now)).json()
    far = await check_in(api, rep, far_visit["id"], moved(SITE, 1500, 90))
    assert far.status_code == 200
    assert far.json()["on_site"] is False
    assert far.json()["distance_m"] == pytest.approx(1500, abs=0.2)

    blind = (await plan(api, rep, nowhere["id"], now)).json()
    unknown = await check_in(api, rep, blind["id"], SITE)
    assert (unknown.json()["distance_m"], unknown.json()["on_site"]) == (None, False)

    stale = (await plan(api, rep, site["id"], now)).json()
    future = await check_in(api, rep, stale["id"], SITE, at=(now + timedelta(hours=1)).isoformat())
    assert future.status_code == 400
    assert future.json()["errors"][0]["field"] == "at"


async def test_visits_belong_to_their_rep(api):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    supervisor = await staff(api, "supervisor")
    site = await account(api, rep, lat=SITE[0], lng=SITE[1])
    visit = (await plan(api, rep, site["id"], datetime.now(UTC))).json()

    assert (await api.get(f"/api/visits/{visit['id']}", headers=other.headers)).status_code == 404
    assert (await check_in(api, other, visit["id"], SITE)).status_code == 404
    assert (await check_out(api, other, visit["id"])).status_code == 404
    assert (await api.get("/api/visits", headers=other.headers)).json()["total"] == 0
    mine = await api.get(f"/api/visits?rep_id={rep.id}", headers=other.headers)
    assert mine.json()["total"] == 0
    # Managers see every visit but cannot vouch for a rep's position.
    assert (await check_in(api, supervisor, visit["id"], SITE)).status_code == 403
    everyone = await api.get(f"/api/visits?account_id={site['id']}", headers=supervisor.headers)
    assert everyone.json()["total"] == 1


async def test_who_plans_visits_for_whom(api):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    supervisor, engineer = await staff(api, "supervisor"), await staff(api, "engineer")
    own = await account(api, rep)
    theirs = await account(api, other)
    pool = await account(api, supervisor, owner_id=None)
    now = datetime.now(UTC)

    assert (await plan(api, rep, theirs["id"], now)).status_code == 404
    assert (await plan(api, rep, own["id"], now, rep_id=other.id)).status_code == 403
    assert (await plan(api, rep, pool["id"], now)).status_code == 201
    # A manager's visit goes to the account's rep unless he names another active rep.
    by_default = await plan(api, supervisor, own["id"], now)
    assert by_default.json()["rep_id"] == rep.id
    named = await plan(api, supervisor, own["id"], now, rep_id=other.id)
    assert named.json()["rep_id"] == other.id
    for account_id, rep_id in ((pool["id"], None), (own["id"], engineer.id)):
        extra = {"rep_id": rep_id} if rep_id else {}
        refused = await plan(api, supervisor, account_id, now, **extra)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["field"] == "rep_id"
    for at in ("2026-01-05T10:00:00", (now + timedelta(days=800)).isoformat()):
        response = await api.post(
            "/api/visits", json={"account_id": own["id"], "planned_at": at}, headers=rep.headers
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "planned_at"
