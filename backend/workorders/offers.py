"""Offers: dispatch's database side (read candidates with SQL, decide with the pure core in
dispatch/, write the offers), offers given back, and the offer round of the workers' clock.

Candidates are narrowed in SQL (a bounding box on an indexed position, widened step by step) and
locked with FOR UPDATE SKIP LOCKED, so concurrent dispatchers never offer one engineer two jobs;
a unique index on open jobs per engineer is the last guard. A job row is locked the same way, so
it is never offered twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from backend import db
from backend.clock import Job as ClockJob
from backend.settings import get_settings
from backend.workorders.events import Event, announce, record_events
from backend.workorders.tables import HELD, ActorKind, Status, sql_list
from dispatch.assign import (
    assign_batch,
    effective_position,
    is_eligible,
    nearest_eligible,
    service_key,
)
from dispatch.geo import bounding_box, distance_km, pair_distances_km, zone_covers
from dispatch.models import Assignment, DispatchRules, Engineer, Job, Position, Zone

SEARCH_RADII_KM = (2.0, 5.0, 15.0, 40.0, 120.0)
RECENT_REPAIRS = 200  # how far back a model's parts history reaches

ENGINEER_SELECT = """
SELECT u.id, u.home_lat, u.home_lng, u.last_lat, u.last_lng, u.last_seen_at, u.skills, u.zone
FROM app_user u"""
# Active engineers on duty with no open job.
FREE_ENGINEERS = f"""{ENGINEER_SELECT}
WHERE u.role = 'engineer' AND u.active AND u.duty_status = 'available'
  AND u.home_lat IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM work_order w WHERE w.engineer = u.id
                  AND w.status IN {sql_list(HELD)})
"""
# $1 = the required skill (or null); $2 = from when a last position counts as fresh;
# $3..$6 = the box. The position measured from is the fresh last one, else the home base.
WITH_SKILL = " AND ($1::text IS NULL OR $1 = ANY(u.skills))"
# Fresh means what effective_position() means: seen after $2 and with a known position.
IN_BOX = """
  AND ((u.last_seen_at > $2 AND u.last_lat IS NOT NULL AND u.last_lng IS NOT NULL
        AND u.last_lat BETWEEN $3 AND $4 AND u.last_lng BETWEEN $5 AND $6)
    OR ((u.last_seen_at IS NULL OR u.last_seen_at <= $2 OR u.last_lat IS NULL
         OR u.last_lng IS NULL)
        AND u.home_lat BETWEEN $3 AND $4 AND u.home_lng BETWEEN $5 AND $6))
"""
LOCK = " ORDER BY u.id FOR UPDATE OF u SKIP LOCKED"


def rules() -> DispatchRules:
    return DispatchRules(position_max_age=get_settings().position_max_age)


async def _zones() -> list[Zone] | None:
    rows = await db.fetch("SELECT id, boundary FROM zone")
    if not rows:
        return None  # no zones defined: the zone rule does not apply
    return [
        Zone(id=r["id"], boundary=tuple(tuple(p) for p in json.loads(r["boundary"]))) for r in rows
    ]


def _engineer(
    row: asyncpg.Record, van: dict[int, frozenset[int]], today: dict[int, int]
) -> Engineer:
    last = None
    if row["last_lat"] is not None and row["last_lng"] is not None:
        last = Position(row["last_lat"], row["last_lng"])
    return Engineer(
        id=row["id"],
        home=Position(row["home_lat"], row["home_lng"]),
        last_position=last,
        last_seen_at=row["last_seen_at"],
        skills=frozenset(row["skills"] or ()),
        zone_ids=frozenset([row["zone"]]) if row["zone"] is not None else frozenset(),
        van_parts=van.get(row["id"], frozenset()),
        jobs_today=today.get(row["id"], 0),
    )


async def _engineers(rows: Sequence[asyncpg.Record], now: datetime) -> list[Engineer]:
    """Adds van stock and today's job count to the candidate rows, in two queries."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    van_rows = await db.fetch(
        "SELECT engineer, array_agg(part) AS parts FROM stock "
        "WHERE engineer = ANY($1) AND qty > 0 GROUP BY engineer",
        ids,
    )
    today_rows = await db.fetch(
        "SELECT engineer, count(*) AS n FROM work_order WHERE engineer = ANY($1) "
        "AND created_at >= $2 GROUP BY engineer",
        ids,
        now - timedelta(hours=24),
    )
    van = {r["engineer"]: frozenset(r["parts"]) for r in van_rows}
    today = {r["engineer"]: r["n"] for r in today_rows}
    return [_engineer(r, van, today) for r in rows]


JOB_SELECT = """
SELECT w.id, w.lat, w.lng, w.priority, w.created_at, w.product, a.vip, p.required_skill,
       ARRAY(SELECT e.engineer FROM work_order_event e
             WHERE e.work_order = w.id AND e.kind = 'offered') AS excluded
FROM work_order w JOIN account a ON a.id = w.account JOIN product p ON p.id = w.product
"""


def _job(row: asyncpg.Record, history_part_ids: frozenset[int] = frozenset()) -> Job:
    return Job(
        id=row["id"],
        position=Position(row["lat"], row["lng"]),
        created_at=row["created_at"],
        required_skill=row["required_skill"],
        priority=row["priority"],
        vip=row["vip"],
        excluded_engineer_ids=frozenset(e for e in row["excluded"] if e is not None),
        history_part_ids=history_part_ids,
    )


async def _with_history(row: asyncpg.Record) -> Job:
    """The job with the parts that recent repairs of its model used (for the van tie-break)."""
    history = await db.fetch(
        """SELECT DISTINCT pu.part FROM part_usage pu
           WHERE pu.work_order IN (SELECT id FROM work_order WHERE product = $1
                                   AND completed_at IS NOT NULL
                                   ORDER BY completed_at DESC LIMIT $2)""",
        row["product"],
        RECENT_REPAIRS,
    )
    return _job(row, frozenset(r["part"] for r in history))


async def record_offers(
    assignments: Sequence[Assignment],
    now: datetime,
    actor_kind: ActorKind = ActorKind.SYSTEM,
    actor_id: int | None = None,
) -> None:
    """Writes offers and their events, any number in two statements; the caller holds the jobs'
    row locks. `actor_kind` is the system for dispatch's own decisions, staff for a person's."""
    if not assignments:
        return
    await db.execute(
        """UPDATE work_order w SET status = 'offered', engineer = a.engineer,
               distance_km = a.distance, offered_at = $4, offer_expires_at = $5, updated_at = $4
           FROM unnest($1::int[], $2::int[], $3::float8[]) AS a(id, engineer, distance)
           WHERE w.id = a.id""",
        [a.job_id for a in assignments],
        [a.engineer_id for a in assignments],
        [a.distance_km for a in assignments],
        now,
        now + get_settings().offer_timeout,
    )
    await record_events(
        [
            Event(
                a.job_id,
                now,
                "offered",
                Status.NEW,
                Status.OFFERED,
                actor_kind,
                actor_id=actor_id,
                engineer_id=a.engineer_id,
            )
            for a in assignments
        ]
    )


async def release_offers(
    work_order_ids: Sequence[int],
    now: datetime,
    kind: str,
    actor_kind: ActorKind,
    actor_id: int | None = None,
    note: str | None = None,
    reason: str | None = None,
) -> list[int]:
    """Offers given back (kind: declined, expired, withdrawn): the jobs wait in the queue again.
    The engineer who had one is never offered it again (dispatch reads his "offered" event).
    Returns the jobs that were still offered; the caller holds or takes their row locks."""
    rows = await db.fetch(
        """WITH given AS (SELECT id, engineer FROM work_order
                          WHERE id = ANY($1) AND status = 'offered' FOR UPDATE)
           UPDATE work_order w SET status = 'new', engineer = NULL, offered_at = NULL,
               offer_expires_at = NULL, distance_km = NULL, updated_at = $2
           FROM given WHERE w.id = given.id RETURNING w.id, given.engineer""",
        list(work_order_ids),
        now,
    )
    await record_events(
        [
            Event(
                r["id"],
                now,
                kind,
                Status.OFFERED,
                Status.NEW,
                actor_kind,
                actor_id=actor_id,
                engineer_id=r["engineer"],
                note=note,
                reason=reason,
            )
            for r in rows
        ]
    )
    return [r["id"] for r in rows]


async def _candidate_rows(job: Job, now: datetime, radius_km: float | None) -> list[asyncpg.Record]:
    """Free engineers with the skill whose measured-from position lies in the box (or anywhere)."""
    if radius_km is None:
        return await db.fetch(FREE_ENGINEERS + WITH_SKILL + LOCK, job.required_skill)
    box = bounding_box(job.position, radius_km)
    return await db.fetch(
        FREE_ENGINEERS + WITH_SKILL + IN_BOX + LOCK,
        job.required_skill,
        now - get_settings().position_max_age,
        box.min_lat,
        box.max_lat,
        box.min_lng,
        box.max_lng,
    )


async def offer_next(work_order_id: int, now: datetime) -> Assignment | None:
    """Offers a waiting job to the nearest eligible engineer; None if it waits in the queue.

    Runs in the caller's transaction when there is one. The search box grows until the best
    distance plus the tie band lies inside it: the box holds that whole circle, so nobody outside
    could be nearer or tie. Distances of all candidates come from one vectorised call; the parts
    history, vans and day's load are read only when engineers share the best band.
    """
    row = await db.fetchrow(
        JOB_SELECT + " WHERE w.id = $1 AND w.status = 'new' FOR UPDATE OF w SKIP LOCKED",
        work_order_id,
    )
    if row is None or row["lat"] is None:
        return None
    job, dispatch_rules = _job(row), rules()
    zones = await _zones()
    covering = zone_covers(zones, job.position) if zones is not None else None
    for radius in (*SEARCH_RADII_KM, None):
        rows = {r["id"]: r for r in await _candidate_rows(job, now, radius)}
        eligible = [
            e
            for e in (_engineer(r, {}, {}) for r in rows.values())
            if is_eligible(e, job, covering)
        ]
        if not eligible:
            continue
        origins = [effective_position(e, now, dispatch_rules) for e in eligible]
        distances = pair_distances_km(
            [(p.lat, p.lng) for p in origins], [(job.position.lat, job.position.lng)] * len(origins)
        )
        nearest = float(distances.min())
        if radius is not None and nearest + dispatch_rules.distance_tie_km > radius:
            continue
        # Everyone who could share the best band of distance (a superset of that band).
        contenders = [
            e
            for e, d in zip(eligible, distances, strict=True)
            if d <= nearest + dispatch_rules.distance_tie_km + 1e-6
        ]
        if len(contenders) > 1:
            job = await _with_history(row)
            contenders = await _engineers([rows[e.id] for e in contenders], now)
        best = nearest_eligible(job, contenders, now, dispatch_rules, covering)
        if best is not None:
            await record_offers([best], now)
            return best
    return None


async def distance_to(work_order_id: int, engineer_id: int, now: datetime) -> float:
    """Geodesic km from where dispatch measures the engineer (fresh position or home) to the job."""
    job = await db.fetchrow("SELECT lat, lng FROM work_order WHERE id = $1", work_order_id)
    row = await db.fetchrow(ENGINEER_SELECT + " WHERE u.id = $1", engineer_id)
    if job is None or row is None or job["lat"] is None or row["home_lat"] is None:
        return 0.0
    engineer = _engineer(row, {}, {})
    return distance_km(effective_position(engineer, now, rules()), Position(job["lat"], job["lng"]))


async def dispatch_job(work_order_id: int, now: datetime) -> Assignment | None:
    """offer_next in a transaction of its own; a lost race for an engineer is tried again."""
    for _ in range(3):
        try:
            async with db.transaction():
                return await offer_next(work_order_id, now)
        except asyncpg.UniqueViolationError:
            continue  # another dispatcher gave that engineer a job a moment ago
    return None


def _service_key(row: asyncpg.Record) -> tuple[int, datetime, int]:
    return service_key(row["priority"], row["vip"], row["created_at"], row["id"])


async def dispatch_waiting(now: datetime, limit: int = 100) -> list[Assignment]:
    """Offers queued jobs in order of service (urgent and VIP first, then oldest)."""
    rows = await db.fetch(
        """SELECT w.id, w.priority, w.created_at, a.vip FROM work_order w
           JOIN account a ON a.id = w.account WHERE w.status = 'new'
           ORDER BY w.created_at LIMIT $1""",
        limit,
    )
    offers = []
    for row in sorted(rows, key=_service_key):
        offer = await dispatch_job(row["id"], now)
        if offer is not None:
            offers.append(offer)
    return offers


async def expire_offers(now: datetime) -> list[int]:
    """Offers past their time go back to the queue; the engineer who let them lapse is excluded."""
    async with db.transaction():
        lapsed = await db.fetch(
            """SELECT id FROM work_order WHERE status = 'offered' AND offer_expires_at <= $1
               FOR UPDATE SKIP LOCKED""",
            now,
        )
        return await release_offers([r["id"] for r in lapsed], now, "expired", ActorKind.SYSTEM)


async def run_batch(now: datetime, actor_id: int | None = None) -> list[Assignment]:
    """Assigns the whole backlog at once by minimum total travel (priority first).

    The optimal assignment weighs distance and priority only, so no parts history is read; the
    offers are written with one UPDATE and one INSERT over arrays.
    """
    async with db.transaction():
        job_rows = await db.fetch(
            JOB_SELECT + " WHERE w.status = 'new' AND w.lat IS NOT NULL "
            "ORDER BY w.created_at FOR UPDATE OF w SKIP LOCKED"
        )
        if not job_rows:
            return []
        engineer_rows = await db.fetch(FREE_ENGINEERS + LOCK)
        jobs = [_job(r) for r in job_rows]
        engineers = [_engineer(r, {}, {}) for r in engineer_rows]
        zones = await _zones()
        covering = {
            j.id: zone_covers(zones, j.position) if zones is not None else None for j in jobs
        }
        assignments = assign_batch(jobs, engineers, now, rules(), covering)
        # Asked for by a supervisor: his decision, made with dispatch's rules.
        await record_offers(assignments, now, ActorKind.STAFF, actor_id)
    for a in assignments:
        announce(a.job_id, Status.OFFERED, a)
    return assignments


# --- offers going out: for a new job, from the waiting queue, on the clock ---------------------


async def dispatch_now(work_order_id: int, now: datetime) -> Assignment | None:
    """Offers the job to the nearest eligible engineer now, or leaves it in the queue."""
    offer = await dispatch_job(work_order_id, now)
    announce(work_order_id, Status.OFFERED if offer else Status.NEW, offer)
    return offer


async def drain_queue(now: datetime) -> int:
    """An engineer came free: offer waiting jobs in the order of service."""
    offers = await dispatch_waiting(now)
    for offer in offers:
        announce(offer.job_id, Status.OFFERED, offer)
    return len(offers)


async def offer_round(now: datetime) -> str:
    """The clock's round: lapsed offers go to the next best engineer, then the queue is offered."""
    lapsed = await expire_offers(now)
    for work_order_id in lapsed:
        await dispatch_now(work_order_id, now)
    offered = await drain_queue(now)
    return f"{len(lapsed)} lapsed offer(s) passed on, {offered} waiting job(s) offered"


OFFER_ROUND = ClockJob("offers", timedelta(seconds=5), offer_round)
