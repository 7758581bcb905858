"""The live dispatch board: engineers with their state and position, open jobs with SLA clocks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import asyncpg

from backend import db
from backend.boards.schemas import DispatchBoard, EngineerPin, JobPin, ZoneArea
from backend.errors import Invalid, NotFound
from backend.schemas import from_row
from backend.workorders.queries import sla_breached
from backend.workorders.sla import sla_state
from backend.workorders.tables import HELD, UNFINISHED, sql_list
from dispatch.assign import rank

STATES = ("off_duty", "free", "offered", "travelling", "on_site")
# An engineer's state on the map follows his job first: supervisors can offer a job to an
# engineer who is off duty, and that offer is what the board must show.
JOB_STATE = {"offered": "offered", "accepted": "travelling", "en_route": "travelling"}
JOB_STATE["on_site"] = "on_site"

ENGINEER_SQL = f"""
SELECT u.id, u.name, u.duty_status, u.last_lat, u.last_lng, u.last_seen_at, u.home_lat,
       u.home_lng, u.skills, u.zone, j.id AS job_id, j.status AS job_status
FROM app_user u
LEFT JOIN work_order j ON j.engineer = u.id
     AND j.status IN {sql_list(HELD)}
WHERE u.role = 'engineer' AND u.active"""
JOB_SQL = """
WITH areas AS MATERIALIZED (SELECT id, board_zone_area(boundary) AS area FROM zone)
SELECT w.id, w.status, w.priority, w.lat, w.lng, w.engineer, u.name AS engineer_name,
       w.created_at, w.window_opens_at, w.respond_by, w.resolve_by, w.accepted_at,
       w.completed_at, w.description,
       p.name AS product, p.required_skill, a.name AS account, a.vip,
       ARRAY(SELECT z.id FROM areas z WHERE point(w.lng, w.lat) <@ z.area ORDER BY z.id)
           AS zone_ids
FROM work_order w JOIN product p ON p.id = w.product JOIN account a ON a.id = w.account
LEFT JOIN app_user u ON u.id = w.engineer"""


def engineer_pin(row: asyncpg.Record) -> EngineerPin:
    if row["job_status"] in JOB_STATE:
        state = JOB_STATE[row["job_status"]]
    else:
        state = "off_duty" if row["duty_status"] == "off_duty" else "free"
    at_last = row["last_lat"] is not None and row["last_lng"] is not None
    return EngineerPin(
        id=row["id"],
        name=row["name"],
        state=state,
        duty_status=row["duty_status"],
        lat=row["last_lat"] if at_last else row["home_lat"],
        lng=row["last_lng"] if at_last else row["home_lng"],
        position_at=row["last_seen_at"] if at_last else None,
        skills=list(row["skills"] or []),
        zone_id=row["zone"],
        job_id=row["job_id"],
    )


def job_pin(row: asyncpg.Record, now: datetime) -> JobPin:
    waiting = row["status"] in ("new", "offered")
    due = row["respond_by"] if waiting else row["resolve_by"]
    return from_row(
        JobPin,
        row,
        engineer_id=row["engineer"],
        engineer=row["engineer_name"],
        due_at=due,
        seconds_left=int((due - now).total_seconds()) if due is not None else None,
        breached=sla_breached(row, now),
        sla=sla_state(row, now),
        zone_ids=list(row["zone_ids"]),
    )


def _queue_key(job: JobPin) -> tuple[int, datetime, int]:
    """The board lists what presses most first: dispatch's rank (urgent and VIP first), then the
    deadline that matters now (an overdue response before a later resolution)."""
    due = job.due_at or datetime.max.replace(tzinfo=UTC)
    return rank(job.priority, job.vip), due, job.id


async def zone_areas() -> list[ZoneArea]:
    rows = await db.fetch("SELECT id, name, boundary FROM zone ORDER BY id")
    return [ZoneArea(id=r["id"], name=r["name"], boundary=json.loads(r["boundary"])) for r in rows]


async def check_zone(zone_id: int | None) -> None:
    if zone_id is not None and not await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM zone WHERE id = $1)", zone_id
    ):
        raise Invalid("zone_id", "no zone with this id")


async def dispatch_board(zone_id: int | None, skill: str | None) -> DispatchBoard:
    """Engineers of the zone with the skill, and the open jobs in the zone needing the skill."""
    await check_zone(zone_id)
    now = datetime.now(UTC)
    where: list[str] = []
    args: list[Any] = []
    if zone_id is not None:
        args.append(zone_id)
        where.append(f"u.zone = ${len(args)}")
    if skill:
        args.append(skill)
        where.append(f"${len(args)} = ANY(u.skills)")
    engineer_sql = ENGINEER_SQL + "".join(f" AND {w}" for w in where) + " ORDER BY u.name, u.id"
    engineers = [engineer_pin(r) for r in await db.fetch(engineer_sql, *args)]

    job_args: list[Any] = [list(UNFINISHED)]
    job_where = ["w.status = ANY($1)"]
    if zone_id is not None:
        job_args.append(zone_id)
        job_where.append(
            f"point(w.lng, w.lat) <@ (SELECT area FROM areas WHERE id = ${len(job_args)})"
        )
    if skill:
        job_args.append(skill)
        job_where.append(f"p.required_skill = ${len(job_args)}")
    rows = await db.fetch(JOB_SQL + " WHERE " + " AND ".join(job_where), *job_args)
    jobs = sorted((job_pin(r, now) for r in rows), key=_queue_key)

    counts = dict.fromkeys(STATES, 0)
    for e in engineers:
        counts[e.state] += 1
    counts["queue"] = sum(1 for j in jobs if j.status == "new")
    counts["breached"] = sum(1 for j in jobs if j.breached)
    return DispatchBoard(
        now=now, engineers=engineers, jobs=jobs, zones=await zone_areas(), counts=counts
    )


async def engineer_row(engineer_id: int) -> EngineerPin:
    """One engineer as the board shows him: what a live update fetches."""
    row = await db.fetchrow(ENGINEER_SQL + " AND u.id = $1", engineer_id)
    if row is None:
        raise NotFound("Engineer not found")
    return engineer_pin(row)


async def job_row(work_order_id: int) -> JobPin:
    """One work order as the board shows it, open or not: a closed one leaves the board."""
    row = await db.fetchrow(JOB_SQL + " WHERE w.id = $1", work_order_id)
    if row is None:
        raise NotFound("Work order not found")
    return job_pin(row, datetime.now(UTC))
