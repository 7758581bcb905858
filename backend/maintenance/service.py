"""Service contracts: made, read, suspended, resumed and ended; the warranty a device's
warranty_until gives, derived and never stored; the contract that governs a device's job."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from backend import db
from backend.clock import now_utc, today
from backend.errors import Conflict, Invalid, NotFound
from backend.maintenance.schemas import (
    OccurrenceOut,
    PlanOut,
    ServiceContractIn,
    ServiceContractOut,
)
from backend.schemas import Page, order_by
from backend.workorders.events import Event, announce, record_events
from backend.workorders.tables import ActorKind, Status

# With its account's name and the next planned visit not done yet (the lists show both).
CONTRACT_SELECT = """
SELECT c.*, a.name AS account_name,
       ARRAY(SELECT device FROM service_contract_device cd WHERE cd.contract = c.id
             ORDER BY device) AS device_ids,
       (SELECT min(w.planned_for) FROM work_order w
        WHERE w.contract = c.id AND w.planned_for IS NOT NULL
          AND w.status IN ('planned', 'new', 'offered', 'accepted', 'en_route', 'on_site'))
           AS next_visit
FROM service_contract c JOIN account a ON a.id = c.account"""
# What ?sort= may order service contracts by.
CONTRACT_ORDER = {
    "account_name": "a.name",
    "kind": "c.kind",
    "starts_on": "c.starts_on",
    "ends_on": "c.ends_on",
    "status": "c.status",
    "created_at": "c.created_at",
}
# A planned job not started yet: what suspending or ending a contract takes back.
NOT_STARTED = [Status.PLANNED, Status.NEW, Status.OFFERED]


def contract_out(row: asyncpg.Record) -> ServiceContractOut:
    plan = None
    if row["plan_every"] is not None:
        plan = PlanOut(
            every=row["plan_every"],
            unit=row["plan_unit"],
            horizon_days=row["horizon_days"],
            early_days=row["early_days"],
            late_days=row["late_days"],
            generate=row["generate"],
        )
    return ServiceContractOut(
        id=row["id"],
        account_id=row["account"],
        kind=row["kind"],
        status=row["status"],
        status_reason=row["status_reason"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        device_ids=list(row["device_ids"]),
        respond_hours=row["respond_hours"],
        resolve_hours=row["resolve_hours"],
        signature_required=row["signature_required"],
        plan=plan,
        created_at=row["created_at"],
        account_name=row["account_name"],
        next_visit=row["next_visit"],
    )


async def create(data: ServiceContractIn, actor_id: int) -> int:
    if data.ends_on < data.starts_on:
        raise Invalid("ends_on", "must not be before starts_on")
    if data.kind == "warranty" and data.plan is not None:
        raise Invalid("plan", "a warranty has no maintenance plan")
    if data.kind == "maintenance" and data.plan is None:
        raise Invalid("plan", "a maintenance contract needs a plan")
    if len(set(data.device_ids)) != len(data.device_ids):
        raise Invalid("device_ids", "a device is listed twice")
    if await db.fetchval("SELECT 1 FROM account WHERE id = $1", data.account_id) is None:
        raise Invalid("account_id", "unknown account")
    found = await db.fetch(
        "SELECT id FROM device WHERE id = ANY($1) AND account = $2",
        data.device_ids,
        data.account_id,
    )
    if len(found) != len(data.device_ids):
        missing = sorted(set(data.device_ids) - {r["id"] for r in found})
        raise Invalid("device_ids", f"not devices of this account: {missing}")
    plan = data.plan
    async with db.transaction():
        contract_id = await db.fetchval(
            """INSERT INTO service_contract (account, kind, starts_on, ends_on, respond_hours,
                   resolve_hours, signature_required, plan_every, plan_unit, horizon_days,
                   early_days, late_days, generate, created_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id""",
            data.account_id,
            data.kind,
            data.starts_on,
            data.ends_on,
            data.respond_hours,
            data.resolve_hours,
            data.signature_required,
            plan.every if plan else None,
            plan.unit if plan else None,
            plan.horizon_days if plan else 30,
            plan.early_days if plan else 0,
            plan.late_days if plan else 0,
            plan.generate if plan else "scheduled",
            actor_id,
        )
        await db.execute(
            """INSERT INTO service_contract_device (contract, device)
               SELECT $1, unnest($2::int[])""",
            contract_id,
            data.device_ids,
        )
    return int(contract_id)


async def occurrences(contract_id: int) -> list[OccurrenceOut]:
    rows = await db.fetch(
        """SELECT id, device, planned_for, window_opens_at, window_closes_at, status
           FROM work_order WHERE contract = $1 AND planned_for IS NOT NULL
           ORDER BY planned_for, device, id""",
        contract_id,
    )
    return [
        OccurrenceOut(
            work_order_id=r["id"],
            device_id=r["device"],
            planned_for=r["planned_for"],
            window_opens_at=r["window_opens_at"],
            window_closes_at=r["window_closes_at"],
            status=r["status"],
        )
        for r in rows
    ]


async def get(contract_id: int) -> ServiceContractOut:
    row = await db.fetchrow(CONTRACT_SELECT + " WHERE c.id = $1", contract_id)
    if row is None:
        raise NotFound("Service contract not found")
    out = contract_out(row)
    out.occurrences = await occurrences(contract_id)
    return out


async def listing(
    *,
    account_id: int | None,
    device_id: int | None,
    status: str | None,
    limit: int,
    offset: int,
    kind: str | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> Page[ServiceContractOut]:
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    for condition, value in (
        ("c.account = ${}", account_id),
        (
            "EXISTS (SELECT 1 FROM service_contract_device cd "
            "WHERE cd.contract = c.id AND cd.device = ${})",
            device_id,
        ),
        ("c.status = ${}", status),
        ("c.kind = ${}", kind),
        ("lower(a.name) LIKE ${}", f"%{q.strip().lower()}%" if q else None),
    ):
        if value is not None:
            args.append(value)
            where.append(condition.format(len(args)))
    order = order_by(sort, CONTRACT_ORDER, "c.created_at DESC", "c.id DESC")
    where_sql = " AND ".join(where)
    rows, total = await db.fetch_page(CONTRACT_SELECT, where_sql, args, order, limit, offset)
    return Page(items=[contract_out(r) for r in rows], total=total, limit=limit, offset=offset)


# --- suspending, resuming, ending ------------------------------------------------------------

TRANSITIONS = {
    "suspend": ({"active"}, "suspended"),
    "resume": ({"suspended"}, "active"),
    "end": ({"active", "suspended"}, "ended"),
}


async def change_status(
    contract_id: int, step: str, reason: str | None, actor_id: int
) -> list[int]:
    """Suspending or ending cancels the contract's planned jobs not started yet (the reason on
    each); returns them. Resuming lets the clock plan again."""
    allowed, to = TRANSITIONS[step]
    now = now_utc()
    async with db.transaction():
        row = await db.fetchrow(
            "SELECT status FROM service_contract WHERE id = $1 FOR UPDATE", contract_id
        )
        if row is None:
            raise NotFound("Service contract not found")
        if row["status"] not in allowed:
            raise Conflict(
                f"Cannot {step} a contract that is {row['status']}", status=row["status"]
            )
        await db.execute(
            """UPDATE service_contract SET status = $2::text, status_reason = $3, updated_at = $4,
                   ends_on = CASE WHEN $2::text = 'ended' THEN LEAST(ends_on, $5) ELSE ends_on END,
                   plan_next_due = NULL
               WHERE id = $1""",
            contract_id,
            to,
            reason,
            now,
            today(),
        )
        cancelled = [] if step == "resume" else await cancel_planned(contract_id, reason, actor_id)
    for work_order_id in cancelled:
        announce(work_order_id, Status.CANCELLED)
    return cancelled


async def cancel_planned(contract_id: int, reason: str | None, actor_id: int | None) -> list[int]:
    """The contract's planned jobs not yet taken on, cancelled with the reason on each event."""
    now = now_utc()
    rows = await db.fetch(
        """WITH taken AS (SELECT id, status, engineer FROM work_order
                          WHERE contract = $1 AND source = 'plan' AND status = ANY($2)
                          FOR UPDATE)
           UPDATE work_order w SET status = 'cancelled', engineer = NULL, offered_at = NULL,
               offer_expires_at = NULL, updated_at = $3
           FROM taken WHERE w.id = taken.id RETURNING w.id, taken.status, taken.engineer""",
        contract_id,
        NOT_STARTED,
        now,
    )
    await record_events(
        [
            Event(
                r["id"],
                now,
                "cancelled",
                r["status"],
                Status.CANCELLED,
                ActorKind.STAFF,
                actor_id=actor_id,
                engineer_id=r["engineer"],
                note=reason,
            )
            for r in rows
        ]
    )
    return [r["id"] for r in rows]


# --- coverage: which contract governs a device ------------------------------------------------


async def coverage(device_id: int, on: date | None = None) -> list[ServiceContractOut]:
    """The device's contracts in force on a day (today): stored ones, and its warranty from
    warranty_until as a contract of kind warranty without a plan (derived, not typed twice)."""
    day = on or today()
    device = await db.fetchrow(
        "SELECT id, account, warranty_until, installed_on FROM device WHERE id = $1", device_id
    )
    if device is None:
        raise NotFound("Device not found")
    rows = await db.fetch(
        CONTRACT_SELECT + " WHERE c.status = 'active' AND $2 BETWEEN c.starts_on AND c.ends_on"
        " AND EXISTS (SELECT 1 FROM service_contract_device cd"
        "             WHERE cd.contract = c.id AND cd.device = $1)"
        " ORDER BY c.id",
        device_id,
        day,
    )
    found = [contract_out(r) for r in rows]
    if device["warranty_until"] is not None and device["warranty_until"] >= day:
        found.append(derived_warranty(device))
    return found


def derived_warranty(device: Any) -> ServiceContractOut:
    return ServiceContractOut(
        id=None,
        account_id=device["account"],
        kind="warranty",
        status="active",
        status_reason=None,
        starts_on=device["installed_on"],
        ends_on=device["warranty_until"],
        device_ids=[device["id"]],
        respond_hours=None,
        resolve_hours=None,
        signature_required=False,
        plan=None,
        created_at=None,
    )
