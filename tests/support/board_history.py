"""A hand-built service history for the board tests, and its figures worked out in plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backend import db
from tests.support.factories import Staff, account, create, device, product, team

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


async def insert_job(job: Job, ids: dict[str, int], account_of: dict[str, int]) -> int:
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


# The history goes straight into the tables: it lies in the past, which the API cannot make.
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
            job.id = await insert_job(job, ids, account_of)
    return World(people["supervisor"], people, zone["id"], ids, jobs)


# --- the expected figures, worked out from the scenario ---------------------------------------

# From the scenario's own lists, never from the board's SQL: the boards must agree with them.


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


# --- reading the satisfaction board ------------------------------------------------------------


def range_params(zone_id: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"from": RANGE[0].isoformat(), "to": RANGE[1].isoformat()}
    if zone_id is not None:
        params["zone_id"] = zone_id
    return params


async def satisfaction(api: Any, w: World, zone_id: int | None = None) -> dict[str, Any]:
    response = await api.get(
        "/api/boards/satisfaction", params=range_params(zone_id), headers=w.supervisor.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def headline(board: dict[str, Any]) -> dict[str, Any]:
    return {k: board[k] for k in ("csat", "first_time_fix", "sla_breach", "times")}
