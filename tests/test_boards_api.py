"""Board figures on a hand-built history, checked against values worked out here in plain Python.

The history is written straight into the tables (it lies in the past, which the API cannot
make); the expected figures come from the scenario's own lists, never from the board's SQL.
The same figures must come out live, from the stored rollups, and as CSV.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from backend import db
from backend.boards import rollups
from backend.boards.facts import whole_weeks
from backend.boards.service import sales_board, satisfaction_board
from backend.field.route import Fix, build_route
from tests.factories import Staff, account, create, device, product, team
from tests.loop import engineer, go_on_duty, step, world

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A zone around People's Square; SITE_IN lies inside it, SITE_OUT in Pudong outside it.
ZONE = [[31.20, 121.44], [31.26, 121.44], [31.26, 121.50], [31.20, 121.50]]
SITE_IN = (31.2304, 121.4737)
SITE_OUT = (31.2200, 121.5600)
BASE = date.today() - timedelta(days=20)  # the scenario's first day, safely in the past


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time `day` days after BASE, as an aware datetime."""
    return datetime.combine(BASE + timedelta(days=day), time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class Job:
    device: str
    engineer: str | None
    created: datetime
    status: str = "completed"
    priority: str = "normal"
    offers: list[tuple[str, datetime]] = field(default_factory=list)  # (engineer, when)
    accepted: datetime | None = None
    arrived: datetime | None = None
    completed: datetime | None = None
    respond_h: float = 8
    resolve_h: float = 48
    rating: tuple[int, str | None, datetime] | None = None
    parts: list[tuple[str, int]] = field(default_factory=list)
    id: int = 0

    @property
    def respond_by(self) -> datetime:
        return self.created + timedelta(hours=self.respond_h)

    @property
    def resolve_by(self) -> datetime:
        return self.created + timedelta(hours=self.resolve_h)


# Devices: name → (product, inside the zone?)
DEVICES = {
    "d1": ("chiller", True),
    "d2": ("chiller", False),
    "d3": ("boiler", True),
    "d4": ("boiler", False),
    "d5": ("boiler", True),
    "d6": ("boiler", False),
}


def scenario() -> list[Job]:
    return [
        # Offered to e2 first (declined), then to e1: only the first offer times the dispatch.
        Job("d1", "e1", at(0, 9), offers=[("e2", at(0, 9, 1)), ("e1", at(0, 9, 5))],
            accepted=at(0, 9, 10), arrived=at(0, 10), completed=at(0, 11, 30),
            rating=(5, "Quick and tidy", at(1, 10)), parts=[("valve", 2)]),
        # A repeat on d1 three days later: j1 was no first-time fix.
        Job("d1", "e2", at(3, 14), offers=[("e2", at(3, 14, 2))], accepted=at(3, 14, 5),
            arrived=at(3, 15), completed=at(3, 16), rating=(2, "Still noisy", at(3, 18)),
            parts=[("valve", 1), ("fan", 1)]),
        # Urgent, accepted after its 2 h response time: an SLA breach, rated 1.
        Job("d2", "e2", at(1, 8), priority="urgent", respond_h=2, resolve_h=8,
            offers=[("e2", at(1, 8, 4))], accepted=at(1, 11), arrived=at(1, 12),
            completed=at(1, 13), rating=(1, "Came far too late", at(2, 9))),
        # Completed after its resolve time: a breach; never rated.
        Job("d3", "e1", at(5, 10), resolve_h=1, offers=[("e1", at(5, 10, 3))],
            accepted=at(5, 10, 10), arrived=at(5, 10, 40), completed=at(5, 12),
            parts=[("fan", 3)]),
        # Cancelled before anyone took it: it still counts as a request on its model.
        Job("d4", None, at(6, 9), status="cancelled"),
        # Still waiting for an engineer.
        Job("d5", None, at(7, 9), status="new"),
        # Completed before the range, rated inside it: the rating counts, the completion not.
        Job("d6", "e1", at(-10, 9), offers=[("e1", at(-10, 9, 10))], accepted=at(-10, 9, 20),
            arrived=at(-10, 10), completed=at(-10, 11), rating=(4, None, at(2, 15))),
    ]  # fmt: skip


RANGE = (BASE, BASE + timedelta(days=7))


@dataclass
class World:
    supervisor: Staff
    people: dict[str, Staff]
    zone_id: int
    ids: dict[str, int]  # name → id of devices, products, parts, engineers
    jobs: list[Job]


async def _insert_job(job: Job, ids: dict[str, int], account_of: dict[str, int]) -> int:
    product_id = ids[DEVICES[job.device][0]]
    site = SITE_IN if DEVICES[job.device][1] else SITE_OUT
    job_id = await db.fetchval(
        """INSERT INTO work_order (device, account, product, source, description, priority,
               status, engineer, lat, lng, offered_at, respond_by, resolve_by, accepted_at,
               arrived_at, completed_at, created_at, updated_at)
           VALUES ($1, $2, $3, 'staff', 'Broken', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                   $14, $15, $15) RETURNING id""",
        ids[job.device],
        account_of[job.device],
        product_id,
        job.priority,
        job.status,
        ids[job.engineer] if job.engineer else None,
        *site,
        job.offers[-1][1] if job.offers else None,
        job.respond_by,
        job.resolve_by,
        job.accepted,
        job.arrived,
        job.completed,
        job.created,
    )
    events = [("created", job.created, None)]
    events += [("offered", when, ids[who]) for who, when in job.offers]
    for kind, moment in (("accepted", job.accepted), ("arrived", job.arrived)):
        if moment:
            events.append((kind, moment, ids[job.engineer] if job.engineer else None))
    if job.completed:
        events.append(("completed", job.completed, ids[job.engineer] if job.engineer else None))
    for kind, moment, who in events:
        await db.execute(
            "INSERT INTO work_order_event (work_order, at, kind, actor_kind, engineer) "
            "VALUES ($1, $2, $3, 'system', $4)",
            job_id,
            moment,
            kind,
            who,
        )
    for part, qty in job.parts:
        await db.execute(
            "INSERT INTO part_usage (work_order, part, qty) VALUES ($1, $2, $3)",
            job_id,
            ids[part],
            qty,
        )
    if job.rating:
        score, comment, when = job.rating
        await db.execute(
            "INSERT INTO rating (work_order, score, comment, at, needs_follow_up) "
            "VALUES ($1, $2, $3, $4, $5)",
            job_id,
            score,
            comment,
            when,
            score <= 2,
        )
        await db.execute("UPDATE work_order SET status = 'rated' WHERE id = $1", job_id)
    return int(job_id)


async def build(api: Any, jobs: list[Job] | None = None) -> World:
    people = await team(api)
    admin = people["admin"]
    zone = await create(api, admin, "/api/zones", {"name": "Centre", "boundary": ZONE})
    ids: dict[str, int] = {"e1": people["engineer"].id, "e2": people["other_engineer"].id}
    for name in ("chiller", "boiler"):
        ids[name] = (await product(api, admin, name=name.title()))["id"]
    for name in ("valve", "fan"):
        ids[name] = (await create(api, admin, "/api/parts", {"sku": name, "name": name}))["id"]
    inside = await account(api, admin, lat=SITE_IN[0], lng=SITE_IN[1])
    outside = await account(api, admin, lat=SITE_OUT[0], lng=SITE_OUT[1])
    account_of = {}
    for name, (model, is_in) in DEVICES.items():
        owner = inside if is_in else outside
        made = await device(api, admin, owner["id"], ids[model], installed_on="2024-01-01")
        ids[name] = made["id"]
        account_of[name] = owner["id"]
    jobs = scenario() if jobs is None else jobs
    async with db.transaction():  # all or nothing, as a refresher in a test server sees it
        for job in jobs:
            job.id = await _insert_job(job, ids, account_of)
    return World(people["supervisor"], people, zone["id"], ids, jobs)


# --- the expected figures, worked out from the scenario ---------------------------------------


def local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def in_range(moment: datetime | None) -> bool:
    return moment is not None and RANGE[0] <= local(moment) <= RANGE[1]


def in_zone(job: Job, zone: bool) -> bool:
    return DEVICES[job.device][1] or not zone


def repeat(job: Job, jobs: list[Job], days: int = 30) -> bool:
    assert job.completed is not None
    return any(
        other is not job
        and other.device == job.device
        and other.status != "cancelled"
        and job.completed < other.created <= job.completed + timedelta(days=days)
        for other in jobs
    )


def breached(job: Job) -> bool:
    assert job.completed is not None
    return (job.accepted or job.completed) > job.respond_by or job.completed > job.resolve_by


def r1(value: float) -> float:
    return round(value, 1)


def expected(jobs: list[Job], zone: bool = False) -> dict[str, Any]:
    mine = [j for j in jobs if in_zone(j, zone)]
    rated = [j for j in mine if j.rating and in_range(j.rating[2])]
    done = [j for j in mine if in_range(j.completed)]
    scores = [j.rating[0] for j in rated if j.rating]
    first_offers = [(j, min(when for _, when in j.offers)) for j in mine if j.offers]
    offered = [(j, first) for j, first in first_offers if in_range(first)]
    arrived = [j for j in mine if in_range(j.arrived)]
    repeats = [j for j in done if repeat(j, jobs)]
    late = [j for j in done if breached(j)]
    return {
        "csat": {
            "ratings": len(scores),
            "average": round(sum(scores) / len(scores), 2) if scores else None,
            "distribution": {str(s): scores.count(s) for s in range(1, 6)},
        },
        "first_time_fix": {
            "count": len(done) - len(repeats),
            "of": len(done),
            "pct": r1(100 * (len(done) - len(repeats)) / len(done)) if done else None,
        },
        "sla_breach": {
            "count": len(late),
            "of": len(done),
            "pct": r1(100 * len(late) / len(done)) if done else None,
        },
        "times": {
            "offers": len(offered),
            "to_offer_min": r1(
                sum((first - j.created).total_seconds() for j, first in offered) / 60 / len(offered)
            ),
            "arrivals": len(arrived),
            "to_arrive_min": r1(
                sum((j.arrived - j.created).total_seconds() for j in arrived if j.arrived)
                / 60
                / len(arrived)
            ),
            "completed": len(done),
            "to_complete_min": r1(
                sum((j.completed - j.created).total_seconds() for j in done if j.completed)
                / 60
                / len(done)
            ),
        },
    }


# --- tests ---------------------------------------------------------------------------------------


def _params(zone_id: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"from": RANGE[0].isoformat(), "to": RANGE[1].isoformat()}
    if zone_id is not None:
        params["zone_id"] = zone_id
    return params


async def _board(api: Any, w: World, zone_id: int | None = None) -> dict[str, Any]:
    response = await api.get(
        "/api/boards/satisfaction", params=_params(zone_id), headers=w.supervisor.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _headline(board: dict[str, Any]) -> dict[str, Any]:
    return {k: board[k] for k in ("csat", "first_time_fix", "sla_breach", "times")}


async def test_satisfaction_figures_match_the_scenario(api):
    w = await build(api)
    board = await _board(api, w)
    assert _headline(board) == expected(w.jobs)
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
    board = await _board(api, w, w.zone_id)
    assert _headline(board) == expected(w.jobs, zone=True)
    # Inside: d1 (j1, j2), d3 (j4), d5 (j6 open): ratings 5 and 2 only.
    assert board["csat"]["ratings"] == 2
    assert {p["name"]: p["devices"] for p in board["products"]} == {"Chiller": 1, "Boiler": 2}


async def test_stored_rollups_give_the_same_figures(api):
    w = await build(api)
    live = await _board(api, w)
    live_zone = await _board(api, w, w.zone_id)
    done = await rollups.refresh(on=RANGE[1] + timedelta(days=1))
    assert done.through == RANGE[1]
    assert await db.fetchval("SELECT count(*) FROM board_day") > 0
    split = await rollups.split(*RANGE)
    assert split.rolled_to == RANGE[1], "the whole range is read from the rollups now"
    assert await _board(api, w) == live
    assert await _board(api, w, w.zone_id) == live_zone
    # A range of whole weeks reads the engineers' weekly rows: the same figures again.
    wide = {"from": (BASE - timedelta(days=15)).isoformat(), "to": RANGE[1].isoformat()}
    stored = await api.get("/api/boards/satisfaction", params=wide, headers=w.supervisor.headers)
    await db.execute("UPDATE board_rollup SET zones_key = 'stale'")  # every day live again
    computed = await api.get("/api/boards/satisfaction", params=wide, headers=w.supervisor.headers)
    assert stored.json() == computed.json()
    assert await db.fetchval("SELECT count(*) FROM board_week") > 0
    await rollups.refresh(on=RANGE[1] + timedelta(days=1))  # a changed zone key: rebuilt

    # A rating written late onto a stored day shows at once (live until the next refresh) …
    late = w.jobs[3]
    await db.execute(
        "INSERT INTO rating (work_order, score, at) VALUES ($1, 3, $2)", late.id, at(6, 9)
    )
    late.rating = (3, None, at(6, 9))
    assert _headline(await _board(api, w)) == expected(w.jobs)
    # … and so does a new request that turns a stored completion into a repeat.
    again = Job("d3", None, at(6, 10), status="new")
    async with db.transaction():
        account_id = await db.fetchval("SELECT account FROM device WHERE id = $1", w.ids["d3"])
        again.id = await _insert_job(again, w.ids, {"d3": account_id})
    w.jobs.append(again)
    board = await _board(api, w)
    assert board["first_time_fix"]["count"] == 2
    assert _headline(board) == expected(w.jobs)
    await rollups.refresh(on=RANGE[1] + timedelta(days=1))
    assert _headline(await _board(api, w)) == expected(w.jobs)


def test_whole_weeks_split_a_range_without_overlap():
    for first in (date(2026, 11, 2) + timedelta(days=n) for n in range(8)):  # 2 Nov: a Monday
        for length in range(0, 30):
            last = first + timedelta(days=length)
            head_from, head_to, week_from, week_to, rest_from, rest_to = whole_weeks(first, last)
            days = [head_from + timedelta(days=n) for n in range((head_to - head_from).days + 1)]
            days += [rest_from + timedelta(days=n) for n in range((rest_to - rest_from).days + 1)]
            monday = week_from
            while monday <= week_to:
                assert monday.weekday() == 0
                days += [monday + timedelta(days=n) for n in range(7)]
                monday += timedelta(days=7)
            assert sorted(days) == [first + timedelta(days=n) for n in range(length + 1)]


async def test_csv_tables_carry_the_json_numbers(api):
    w = await build(api)
    board = await _board(api, w)
    tables = ("summary", "distribution", "weeks", "engineers", "products", "parts", "low_ratings")
    for table in tables:
        response = await api.get(
            "/api/boards/satisfaction/csv",
            params={**_params(), "table": table},
            headers=w.supervisor.headers,
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        if table == "summary":
            figures = {r["figure"]: r["value"] for r in rows}
            assert figures["csat_average"] == str(board["csat"]["average"])
            assert figures["first_time_fix_pct"] == str(board["first_time_fix"]["pct"])
        elif table == "distribution":
            assert {r["score"]: int(r["ratings"]) for r in rows} == board["csat"]["distribution"]
        else:
            assert len(rows) == len(board[table])
            for row, item in zip(rows, board[table], strict=True):
                assert row == {k: "" if v is None else str(v) for k, v in item.items()}


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


BOARD_PATHS = (
    "/api/boards/dispatch",
    "/api/boards/satisfaction",
    "/api/boards/satisfaction/csv?table=summary",
    "/api/boards/sales",
    "/api/boards/sales/csv?table=reps",
    "/api/boards/stream",
)


async def test_only_supervisors_and_admins_see_the_boards(api):
    people = await team(api)
    for path in BOARD_PATHS:
        assert (await api.get(path)).status_code == 401, path
        for role in ("rep", "engineer"):
            response = await api.get(path, headers=people[role].headers)
            assert response.status_code == 403, (path, role)
        if not path.endswith("stream"):  # the stream never ends; tested in test_boards_live
            for role in ("admin", "supervisor"):
                response = await api.get(path, headers=people[role].headers)
                assert response.status_code == 200, (path, role, response.text)
    for page in ("/boards/dispatch", "/boards/satisfaction", "/boards/sales"):
        assert (await api.get(page)).status_code == 302
        assert (await api.get(page, headers=people["rep"].headers)).status_code == 403
        assert (await api.get(page, headers=people["supervisor"].headers)).status_code == 200


# --- the dispatch board ------------------------------------------------------------------------


async def test_dispatch_board_states_queue_and_sla(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    idle = await engineer(api, w, 3, on_duty=False)
    headers = w.supervisor.headers

    async def board(**params: Any) -> dict[str, Any]:
        response = await api.get("/api/boards/dispatch", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def state_of(person: Staff) -> str:
        response = await api.get(f"/api/boards/dispatch/engineers/{person.id}", headers=headers)
        return str(response.json()["state"])

    assert await state_of(near) == "free"
    assert await state_of(idle) == "off_duty"
    first = await create(
        api, w.supervisor, "/api/work-orders", {"device_id": w.device["id"], "description": "Hot"}
    )
    assert await state_of(near) == "offered"
    await step(api, near, first["id"], "accept")
    assert await state_of(near) == "travelling"
    await step(api, near, first["id"], "arrive", {"lat": 31.23, "lng": 121.47})
    assert await state_of(near) == "on_site"

    # Two more jobs wait in the queue (nobody else is free): urgent before normal.
    normal = await create(
        api, w.supervisor, "/api/work-orders", {"device_id": w.device["id"], "description": "Leaks"}
    )
    urgent = await create(
        api,
        w.supervisor,
        "/api/work-orders",
        {"device_id": w.device["id"], "description": "Smoke", "priority": "urgent"},
    )
    await db.execute(
        "UPDATE work_order SET respond_by = now() - interval '5 minutes' WHERE id = $1",
        normal["id"],
    )
    data = await board()
    # Urgent first; then by the deadline that matters now: the overdue response before the
    # accepted job's resolution time.
    assert [j["id"] for j in data["jobs"]] == [urgent["id"], normal["id"], first["id"]]
    by_id = {j["id"]: j for j in data["jobs"]}
    assert by_id[normal["id"]]["breached"] is True
    assert by_id[normal["id"]]["seconds_left"] < 0
    assert by_id[urgent["id"]]["breached"] is False
    assert by_id[urgent["id"]]["due_at"] == by_id[urgent["id"]]["respond_by"]
    assert by_id[first["id"]]["due_at"] == by_id[first["id"]]["resolve_by"]  # accepted
    assert data["counts"]["queue"] == 2
    assert data["counts"]["breached"] == 1
    assert data["counts"]["on_site"] == 1
    assert data["counts"]["off_duty"] == 1

    # Filters: a skill nobody has empties both lists; the zone keeps its engineers and sites.
    none = await board(skill="elevator")
    assert none["jobs"] == []
    assert none["engineers"] == []
    zone = await create(api, w.admin, "/api/zones", {"name": "Centre", "boundary": ZONE})
    in_zone = await board(zone_id=zone["id"])
    assert {j["id"] for j in in_zone["jobs"]} == set(by_id)  # the site lies in the zone
    assert in_zone["engineers"] == []  # nobody belongs to the zone yet
    assert all(zone["id"] in j["zone_ids"] for j in in_zone["jobs"])

    # Manual (re)assignment through the work-order API shows on the board.
    await go_on_duty(api, idle, 31.25, 121.47)
    await step(api, w.supervisor, normal["id"], "assign", {"engineer_id": idle.id})
    row = (await api.get(f"/api/boards/dispatch/jobs/{normal['id']}", headers=headers)).json()
    assert (row["status"], row["engineer_id"]) == ("offered", idle.id)
    assert await state_of(idle) == "offered"
    assert (await api.get("/api/boards/dispatch/jobs/99999", headers=headers)).status_code == 404


# --- the field sales summary -------------------------------------------------------------------


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
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == len(board[table])


@pytest.mark.parametrize("path", ["/boards/satisfaction", "/boards/sales"])
async def test_pages_show_the_json_numbers(api, path):
    w = await build(api)
    api_path = "/api" + path
    data = (await api.get(api_path, params=_params(), headers=w.supervisor.headers)).json()
    page = await api.get(path, params=_params(), headers=w.supervisor.headers)
    assert page.status_code == 200
    if path.endswith("satisfaction"):
        shown = [
            str(data["csat"]["average"]),
            str(data["first_time_fix"]["pct"]),
            str(data["sla_breach"]["pct"]),
            str(data["times"]["to_complete_min"]),
        ]
        shown += [str(e["average"]) for e in data["engineers"] if e["average"] is not None]
        shown += [str(p["jobs_per_device"]) for p in data["products"]]
    else:
        shown = [str(r["visits"]) for r in data["reps"]]
    for value in shown:
        assert f">{value}<" in page.text.replace(" %<", "<"), value


async def test_boards_speak_chinese(api):
    people = await team(api)
    for path, title in (
        ("/boards/dispatch", "派单"),
        ("/boards/satisfaction", "一次修复率"),
        ("/boards/sales", "待联系客户"),
    ):
        page = await api.get(path, params={"lang": "zh_CN"}, headers=people["admin"].headers)
        assert page.status_code == 200
        assert title in page.text
        assert page.headers["content-language"] == "zh-CN"


async def test_boards_never_overlap_reads_on_a_transactions_one_connection(api):
    # A board's statements run at once on pooled connections; inside a transaction they could
    # not, so the board refuses rather than fail on "another operation is in progress".
    async with db.transaction():
        for board in (satisfaction_board, sales_board):
            with pytest.raises(RuntimeError, match="transaction"):
                await board(None, None, None)
    assert (await satisfaction_board(None, None, None)).csat.ratings == 0
