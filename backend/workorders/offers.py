"""The database side of dispatch: read candidates with SQL, decide with the pure core, write offers.

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
from backend.settings import get_settings
from dispatch.assign import assign_batch, effective_position, is_eligible, nearest_eligible
from dispatch.geo import bounding_box, distance_km, pair_distances_km, zone_covers
from dispatch.models import Assignment, DispatchRules, Engineer, Job, Position, Zone

OPEN_JOB = "('offered', 'accepted', 'en_route', 'on_site')"
SEARCH_RADII_KM = (2.0, 5.0, 15.0, 40.0, 120.0)
RECENT_REPAIRS = 200  # how far back a model's parts history reaches

ENGINEER_SELECT = """
SELECT u.id, u.home_lat, u.home_lng, u.last_lat, u.last_lng, u.last_seen_at, u.skills, u.zone
FROM app_user u"""
# Active engineers on duty with no open job.
FREE_ENGINEERS = f"""{ENGINEER_SELECT}
WHERE u.role = 'engineer' AND u.active AND u.duty_status = 'available'
  AND u.home_lat IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM work_order w WHERE w.engineer = u.id AND w.status IN {OPEN_JOB})
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


async def record_offer(
    assignment: Assignment, now: datetime, actor_kind: str = "system", actor_id: int | None = None
) -> None:
    """Writes the offer and its event; the caller holds the job's row lock."""
    expires = now + get_settings().offer_timeout
    await db.execute(
        """UPDATE work_order SET status = 'offered', engineer = $2, distance_km = $3,
               offered_at = $4, offer_expires_at = $5, updated_at = $4 WHERE id = $1""",
        assignment.job_id,
        assignment.engineer_id,
        assignment.distance_km,
        now,
        expires,
    )
    await db.execute(
        """INSERT INTO work_order_event (work_order, at, kind, from_status, to_status,
               actor_kind, actor, engineer)
           VALUES ($1, $2, 'offered', 'new', 'offered', $3, $4, $5)""",
        assignment.job_id,
        now,
        actor_kind,
        actor_id,
        assignment.engineer_id,
    )


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
    job, how = _job(row), rules()
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
        origins = [effective_position(e, now, how) for e in eligible]
        distances = pair_distances_km(
            [(p.lat, p.lng) for p in origins], [(job.position.lat, job.position.lng)] * len(origins)
        )
        nearest = float(distances.min())
        if radius is not None and nearest + how.distance_tie_km > radius:
            continue
        # Everyone who could share the best band of distance (a superset of that band).
        contenders = [
            e
            for e, d in zip(eligible, distances, strict=True)
            if d <= nearest + how.distance_tie_km + 1e-6
        ]
        if len(contenders) > 1:
            job = await _with_history(row)
            contenders = await _engineers([rows[e.id] for e in contenders], now)
        best = nearest_eligible(job, contenders, now, how, covering)
        if best is not None:
            await record_offer(best, now)
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


def _service_key(row: asyncpg.Record) -> tuple[int, datetime]:
    urgent = row["priority"] == "urgent" or row["vip"]
    rank = 0 if urgent else 1 if row["priority"] == "high" else 2
    return rank, row["created_at"]


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
        rows = await db.fetch(
            """SELECT id, engineer FROM work_order WHERE status = 'offered'
               AND offer_expires_at <= $1 FOR UPDATE SKIP LOCKED""",
            now,
        )
        for row in rows:
            await db.execute(
                """UPDATE work_order SET status = 'new', engineer = NULL, offered_at = NULL,
                       offer_expires_at = NULL, distance_km = NULL, updated_at = $2
                   WHERE id = $1""",
                row["id"],
                now,
            )
            await db.execute(
                """INSERT INTO work_order_event (work_order, at, kind, from_status, to_status,
                       actor_kind, engineer) VALUES ($1, $2, 'expired', 'offered', 'new',
                       'system', $3)""",
                row["id"],
                now,
                row["engineer"],
            )
    return [r["id"] for r in rows]


async def run_batch(now: datetime) -> list[Assignment]:
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
        if assignments:
            await _record_offers(assignments, now)
    return assignments


async def _record_offers(assignments: list[Assignment], now: datetime) -> None:
    ids = [a.job_id for a in assignments]
    engineer_ids = [a.engineer_id for a in assignments]
    await db.execute(
        """UPDATE work_order w SET status = 'offered', engineer = a.engineer,
               distance_km = a.distance, offered_at = $4, offer_expires_at = $5, updated_at = $4
           FROM unnest($1::int[], $2::int[], $3::float8[]) AS a(id, engineer, distance)
           WHERE w.id = a.id""",
        ids,
        engineer_ids,
        [a.distance_km for a in assignments],
        now,
        now + get_settings().offer_timeout,
    )
    await db.execute(
        """INSERT INTO work_order_event (work_order, at, kind, from_status, to_status,
               actor_kind, engineer)
           SELECT a.id, $3, 'offered', 'new', 'offered', 'staff', a.engineer
           FROM unnest($1::int[], $2::int[]) AS a(id, engineer)""",
        ids,
        engineer_ids,
        now,
    )
