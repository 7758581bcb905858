"""Who a supervisor may offer a job to instead: the engineers dispatch itself would consider
(free, on duty, with the skill, in a zone covering the job, never offered it before: not who
declined or let it lapse), nearest first, each with the distance dispatch measures."""

from __future__ import annotations

from datetime import datetime

from backend import db
from backend.errors import NotFound
from backend.workorders import offers
from backend.workorders.schemas import CandidateOut
from dispatch.assign import effective_position, is_eligible
from dispatch.geo import distance_km, zone_covers


async def candidates(work_order_id: int, now: datetime) -> list[CandidateOut]:
    row = await db.fetchrow(offers.JOB_SELECT + " WHERE w.id = $1", work_order_id)
    if row is None:
        raise NotFound("Work order not found")
    if row["lat"] is None:
        return []  # a job with no location has no distances; dispatch cannot place it either
    job = offers._job(row)
    zones = await offers._zones()
    covering = zone_covers(zones, job.position) if zones is not None else None
    rows = await db.fetch(
        offers.FREE_ENGINEERS + offers.WITH_SKILL + " ORDER BY u.id", job.required_skill
    )
    ids = [r["id"] for r in rows]
    names = {
        r["id"]: r["name"]
        for r in await db.fetch("SELECT id, name FROM app_user WHERE id = ANY($1)", ids)
    }
    rules = offers.rules()
    found = []
    for r in rows:
        engineer = offers._engineer(r, {}, {})
        if not is_eligible(engineer, job, covering):
            continue
        origin = effective_position(engineer, now, rules)
        found.append(
            CandidateOut(
                id=engineer.id,
                name=names[engineer.id],
                distance_km=round(distance_km(origin, job.position), 1),
                measured_from="position" if origin != engineer.home else "home",
            )
        )
    return sorted(found, key=lambda c: (c.distance_km, c.id))
