"""The engineer's day: the jobs in his hands today (the offer, the job under way, planned
maintenance whose window is open) and what he completed in the last 30 days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec

from backend import db
from backend.clock import now_utc
from backend.workorders.sla import sla_state
from backend.workorders.tables import HELD, sql_list

HISTORY_DAYS = 30
HISTORY_LIMIT = 200

DAY_SQL = f"""
SELECT w.id, w.status, w.priority, w.source, w.description, p.name AS product, d.serial,
       a.name AS account_name, a.address, a.vip, w.lat, w.lng, w.distance_km,
       w.offer_expires_at, w.respond_by, w.resolve_by, w.created_at, w.window_opens_at,
       w.window_closes_at, w.planned_for, w.accepted_at, w.completed_at
FROM work_order w JOIN device d ON d.id = w.device JOIN product p ON p.id = w.product
JOIN account a ON a.id = w.account
WHERE w.engineer = $1
  AND (w.status IN {sql_list(HELD)}
       OR (w.status IN ('completed', 'rated') AND w.completed_at >= $2))
ORDER BY w.completed_at DESC NULLS FIRST, w.id DESC
LIMIT {HISTORY_LIMIT + 10}"""


class DayJob(msgspec.Struct):
    """A job as the engineer's list and offer card show it."""

    id: int
    status: str
    priority: str
    source: str
    description: str
    product: str
    serial: str
    account_name: str
    address: str | None
    vip: bool
    lat: float | None
    lng: float | None
    distance_km: float | None
    offer_expires_at: datetime | None
    respond_by: datetime | None
    resolve_by: datetime | None
    sla: str
    planned_for: date | None
    window_opens_at: datetime | None
    window_closes_at: datetime | None
    completed_at: datetime | None


class DayOut(msgspec.Struct):
    today: list[DayJob]  # offered first, then the job under way
    completed: list[DayJob]  # the last 30 days, newest first


async def my_day(engineer_id: int) -> DayOut:
    now = now_utc()
    rows = await db.fetch(DAY_SQL, engineer_id, now - timedelta(days=HISTORY_DAYS))
    jobs = [
        DayJob(**{f: r[f] for f in DayJob.__struct_fields__ if f != "sla"}, sla=sla_state(r, now))
        for r in rows
    ]
    today = sorted(
        (j for j in jobs if j.completed_at is None), key=lambda j: (j.status != "offered", j.id)
    )
    completed = [j for j in jobs if j.completed_at is not None][:HISTORY_LIMIT]
    return DayOut(today=today, completed=completed)
