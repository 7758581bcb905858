"""The maintenance plans' clock: planned work orders made up to each plan's horizon, and offered
by dispatch once their window opens.

Due days come from backend/maintenance/schedule.py; the rows go in a batch of contracts at a time,
one INSERT over arrays. A unique index (device, due day) makes a second run, or a second worker
running at the same moment, add nothing: its rows meet the index and are skipped. A scheduled
plan's contract keeps a bookmark, its first due day not made yet (`plan_next_due`), and is read
again only once its horizon reaches that day: most rounds have nothing to compute. A planned
visit the office cancels is therefore not made again; resuming a contract clears the bookmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from backend import db
from backend.clock import Job as ClockJob
from backend.clock import company_day, day_start
from backend.maintenance.schedule import (
    Generate,
    Plan,
    Unit,
    next_after_completion,
    next_scheduled_due,
    scheduled_dues,
    window,
)
from backend.workorders import offers, sla_targets
from backend.workorders.events import Event, announce, record_events
from backend.workorders.sla_targets import SlaTargets
from backend.workorders.tables import ActorKind, Priority, Status

BATCH = 1000  # contracts read and written per statement
DESCRIPTION = "Planned maintenance"

PLANNED_CONTRACTS = """
SELECT c.id, c.starts_on, c.ends_on, c.respond_hours, c.plan_every, c.plan_unit, c.horizon_days,
       c.early_days, c.late_days, c.generate
FROM service_contract c
WHERE c.status = 'active' AND c.plan_every IS NOT NULL AND c.ends_on >= $1
  AND c.starts_on <= $1 + c.horizon_days AND c.id > $2
  AND (c.generate = 'after_completion' OR c.plan_next_due IS NULL
       OR c.plan_next_due <= $1 + c.horizon_days)
ORDER BY c.id LIMIT $3"""

# Nothing more to make for a scheduled plan: its contract ends before the next due day.
NO_MORE = date(9999, 12, 31)
BOOKMARK = """
UPDATE service_contract c SET plan_next_due = n.due
FROM unnest($1::int[], $2::date[]) AS n(id, due) WHERE c.id = n.id"""

DEVICES = """
SELECT cd.contract, d.id, d.account, d.product, COALESCE(d.lat, a.lat) AS lat,
       COALESCE(d.lng, a.lng) AS lng, a.vip
FROM service_contract_device cd JOIN device d ON d.id = cd.device
JOIN account a ON a.id = d.account
WHERE cd.contract = ANY($1)"""

# after_completion plans: the last visit done per device, and whether one is still to do.
LAST_VISITS = f"""
SELECT contract, device, max(completed_at) AS done,
       bool_or(status IN ('planned', 'new', 'offered', 'accepted', 'en_route', 'on_site'))
           AS pending
FROM work_order
WHERE contract = ANY($1) AND source = 'plan' AND status <> '{Status.CANCELLED}'
GROUP BY contract, device"""

INSERT = """
INSERT INTO work_order (device, account, product, contract, source, description, priority,
    status, lat, lng, planned_for, window_opens_at, window_closes_at, respond_by, resolve_by,
    created_at, updated_at)
SELECT r.device, r.account, r.product, r.contract, 'plan', $1, r.priority, 'planned', r.lat,
       r.lng, r.due, r.opens, r.closes, r.respond_by, r.closes, $2, $2
FROM unnest($3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::float8[], $9::float8[],
            $10::date[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[])
     AS r(device, account, product, contract, priority, lat, lng, due, opens, closes, respond_by)
ON CONFLICT (device, planned_for) WHERE planned_for IS NOT NULL AND status <> 'cancelled'
DO NOTHING
RETURNING id"""


@dataclass(frozen=True)
class Visit:
    device: int
    account: int
    product: int
    contract: int
    priority: str
    lat: float | None
    lng: float | None
    due: date
    opens: datetime
    closes: datetime
    respond_by: datetime


def plan_of(row: Any) -> Plan:
    return Plan(
        every=row["plan_every"],
        unit=Unit(row["plan_unit"]),
        horizon_days=row["horizon_days"],
        early_days=row["early_days"],
        late_days=row["late_days"],
        generate=Generate(row["generate"]),
    )


def visits_of(
    contract: asyncpg.Record,
    devices: Sequence[asyncpg.Record],
    last: dict[tuple[int, int], asyncpg.Record],
    day: date,
    targets: SlaTargets,
) -> list[Visit]:
    """The visits a contract's plan calls for from `day` up to its horizon, for each device."""
    plan = plan_of(contract)
    respond_h = contract["respond_hours"]
    found = []
    for device in devices:
        priority = Priority.HIGH if device["vip"] else Priority.NORMAL
        hours = respond_h or targets.hours(priority)[0]
        if plan.generate == Generate.SCHEDULED:
            dues = list(scheduled_dues(contract["starts_on"], contract["ends_on"], plan, day))
        else:
            before = last.get((contract["id"], device["id"]))
            if before is not None and before["pending"]:
                continue  # the next is counted from this one's completion
            done = before["done"] if before is not None else None
            due = next_after_completion(
                contract["starts_on"],
                contract["ends_on"],
                plan,
                day,
                company_day(done) if done is not None else None,
            )
            dues = [due] if due is not None else []
        for due in dues:
            first, last_day = window(due, plan)
            opens = day_start(first)
            found.append(
                Visit(
                    device=device["id"],
                    account=device["account"],
                    product=device["product"],
                    contract=contract["id"],
                    priority=priority,
                    lat=device["lat"],
                    lng=device["lng"],
                    due=due,
                    opens=opens,
                    closes=day_start(last_day + timedelta(days=1)),
                    respond_by=opens + timedelta(hours=hours),
                )
            )
    return found


async def write_visits(visits: Sequence[Visit], now: datetime) -> list[int]:
    """The planned work orders, one statement; those already there are skipped. Returns the new."""
    if not visits:
        return []
    rows = await db.fetch(
        INSERT,
        DESCRIPTION,
        now,
        [v.device for v in visits],
        [v.account for v in visits],
        [v.product for v in visits],
        [v.contract for v in visits],
        [v.priority for v in visits],
        [v.lat for v in visits],
        [v.lng for v in visits],
        [v.due for v in visits],
        [v.opens for v in visits],
        [v.closes for v in visits],
        [v.respond_by for v in visits],
    )
    ids = [r["id"] for r in rows]
    await record_events(
        [Event(i, now, "planned", None, Status.PLANNED, ActorKind.SYSTEM) for i in ids]
    )
    return ids


async def generate(now: datetime, batch: int = BATCH) -> int:
    """Planned work orders of every active plan up to its horizon; returns how many were new."""
    day = company_day(now)
    made, after = 0, 0
    while True:
        contracts = await db.fetch(PLANNED_CONTRACTS, day, after, batch)
        if not contracts:
            return made
        after = contracts[-1]["id"]
        ids = [c["id"] for c in contracts]
        by_contract: dict[int, list[asyncpg.Record]] = {}
        for device in await db.fetch(DEVICES, ids):
            by_contract.setdefault(device["contract"], []).append(device)
        last: dict[tuple[int, int], asyncpg.Record] = {}
        if any(c["generate"] == Generate.AFTER_COMPLETION for c in contracts):
            last = {(r["contract"], r["device"]): r for r in await db.fetch(LAST_VISITS, ids)}
        targets = await sla_targets.current_targets()
        visits = [
            v
            for c in contracts
            for v in visits_of(c, by_contract.get(c["id"], []), last, day, targets)
        ]
        scheduled = [c for c in contracts if c["generate"] == Generate.SCHEDULED]
        next_dues = [
            next_scheduled_due(c["starts_on"], c["ends_on"], plan_of(c), day) or NO_MORE
            for c in scheduled
        ]
        async with db.transaction():
            made += len(await write_visits(visits, now))
            await db.execute(BOOKMARK, [c["id"] for c in scheduled], next_dues)


async def open_windows(now: datetime) -> list[int]:
    """Planned jobs whose window has opened join dispatch's queue."""
    async with db.transaction():
        rows = await db.fetch(
            """WITH due AS (SELECT id FROM work_order WHERE status = 'planned'
                            AND window_opens_at <= $1 ORDER BY window_opens_at
                            FOR UPDATE SKIP LOCKED)
               UPDATE work_order w SET status = 'new', updated_at = $1
               FROM due WHERE w.id = due.id RETURNING w.id""",
            now,
        )
        ids = [r["id"] for r in rows]
        await record_events(
            [
                Event(i, now, "window_opened", Status.PLANNED, Status.NEW, ActorKind.SYSTEM)
                for i in ids
            ]
        )
    for work_order_id in ids:
        announce(work_order_id, Status.NEW)
    return ids


async def plan_round(now: datetime) -> str:
    made = await generate(now)
    opened = await open_windows(now)
    offered = await offers.drain_queue(now) if opened else 0
    return (
        f"{made} planned visit(s) made, {len(opened)} window(s) opened, "
        f"{offered} waiting job(s) offered"
    )


PLAN_ROUND = ClockJob("plans", timedelta(minutes=10), plan_round)
