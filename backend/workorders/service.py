"""The work order lifecycle: create, accept … complete, cancel, assign, rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend import db
from backend.access import Principal, check_job_action
from backend.errors import Conflict, Invalid, NotFound
from backend.settings import get_settings
from backend.workorders import offers
from backend.workorders.duty import dispatch_now, drain_queue
from backend.workorders.events import add_event, announce, now_utc
from backend.workorders.schemas import CompleteIn
from backend.workorders.tables import Priority, Source, Status
from dispatch.models import Assignment

OPEN = (Status.OFFERED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE)
BEFORE_COMPLETION = (Status.NEW, *OPEN)
# action → (states it may start from, state it leads to, who acts: the job's engineer or staff)
ACTIONS: dict[str, tuple[tuple[Status, ...], Status, str]] = {
    "accept": ((Status.OFFERED,), Status.ACCEPTED, "engineer"),
    "decline": ((Status.OFFERED,), Status.NEW, "engineer"),
    "travel": ((Status.ACCEPTED,), Status.EN_ROUTE, "engineer"),
    "arrive": ((Status.ACCEPTED, Status.EN_ROUTE), Status.ON_SITE, "engineer"),
    "complete": ((Status.ON_SITE,), Status.COMPLETED, "engineer"),
    "cancel": (BEFORE_COMPLETION, Status.CANCELLED, "staff"),
}
EVENT_KIND = {
    "accept": "accepted",
    "decline": "declined",
    "travel": "en_route",
    "arrive": "arrived",
    "cancel": "cancelled",
}
RAISED = {
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


# --- creating --------------------------------------------------------------------------------


async def create(
    device_id: int,
    description: str,
    priority: Priority,
    source: Source,
    *,
    actor_id: int | None = None,
    reporter: tuple[str, str] | None = None,
) -> int:
    """A new work order at the device's location; dispatch runs at once."""
    now = now_utc()
    device = await db.fetchrow(
        """SELECT d.id, d.account, d.product, COALESCE(d.lat, a.lat) AS lat,
                  COALESCE(d.lng, a.lng) AS lng, a.vip
           FROM device d JOIN account a ON a.id = d.account WHERE d.id = $1""",
        device_id,
    )
    if device is None:
        raise Invalid("device_id", "unknown device")
    if device["vip"]:
        priority = RAISED[priority]  # VIP customers are served one level up
    respond_h, resolve_h = get_settings().sla_hours[priority]
    name, phone = reporter or (None, None)
    async with db.transaction():
        work_order_id = await db.fetchval(
            """INSERT INTO work_order (device, account, product, source, reporter_name,
                   reporter_phone, description, priority, status, lat, lng, respond_by,
                   resolve_by, created_by, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $10, $11, $12, $13, $14, $14)
               RETURNING id""",
            device_id,
            device["account"],
            device["product"],
            source,
            name,
            phone,
            description,
            priority,
            device["lat"],
            device["lng"],
            now + timedelta(hours=respond_h),
            now + timedelta(hours=resolve_h),
            actor_id,
            now,
        )
        await add_event(
            work_order_id,
            now,
            "created",
            None,
            Status.NEW,
            actor_kind="customer" if source == Source.QR else "staff",
            actor_id=actor_id,
        )
    await dispatch_now(work_order_id, now)
    return int(work_order_id)


# --- transitions -----------------------------------------------------------------------------


async def _locked(work_order_id: int) -> Any:
    row = await db.fetchrow(
        "SELECT id, status, engineer FROM work_order WHERE id = $1 FOR UPDATE", work_order_id
    )
    if row is None:
        raise NotFound("Work order not found")
    return row


def _check_from(row: Any, allowed: tuple[Status, ...], action: str) -> None:
    if row["status"] not in allowed:
        raise Conflict(
            f"Cannot {action} a work order that is {row['status']}", status=row["status"]
        )


async def act(
    principal: Principal,
    work_order_id: int,
    action: str,
    lat: float | None = None,
    lng: float | None = None,
) -> None:
    """accept, decline, travel, arrive or cancel; an illegal move is a 409 with the state."""
    allowed, target, who = ACTIONS[action]
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        check_job_action(principal, row["engineer"], who)
        _check_from(row, allowed, action)
        stamps = {"accept": "accepted_at", "arrive": "arrived_at"}
        sets = ["status = $2", "updated_at = $3"]
        if action in stamps:
            sets.append(f"{stamps[action]} = $3")
        if action == "decline":
            sets += [
                "engineer = NULL",
                "offered_at = NULL",
                "offer_expires_at = NULL",
                "distance_km = NULL",
            ]
        if action == "accept":
            sets.append("offer_expires_at = NULL")
        await db.execute(
            f"UPDATE work_order SET {', '.join(sets)} WHERE id = $1", work_order_id, target, now
        )
        engineer = row["engineer"]
        await add_event(
            work_order_id,
            now,
            EVENT_KIND[action],
            row["status"],
            target,
            actor_kind="staff",
            actor_id=principal.id,
            engineer_id=engineer,
            lat=lat,
            lng=lng,
        )
    if action == "decline":
        await dispatch_now(work_order_id, now)  # the decliner is excluded by his 'offered' event
    else:
        announce(work_order_id, target)
    if action == "cancel" and engineer is not None:
        await drain_queue(now)


async def complete(principal: Principal, work_order_id: int, data: CompleteIn) -> None:
    """Records parts and resolution; the van's stock goes down, never below zero (409)."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        check_job_action(principal, row["engineer"], "engineer")
        _check_from(row, ACTIONS["complete"][0], "complete")
        for i, used in enumerate(data.parts):
            left = await db.fetchval(
                """UPDATE stock SET qty = qty - $3 WHERE engineer = $1 AND part = $2
                   AND qty >= $3 RETURNING qty""",
                principal.id,
                used.part_id,
                used.qty,
            )
            if left is None:
                part = await db.fetchrow("SELECT sku, name FROM part WHERE id = $1", used.part_id)
                if part is None:
                    raise Invalid(f"parts[{i}].part_id", "unknown part")
                raise Conflict(
                    f"Not enough {part['name']} ({part['sku']}) in your van",
                    part_id=used.part_id,
                    field=f"parts[{i}].qty",
                )
            await db.execute(
                """INSERT INTO part_usage (work_order, part, qty, serial_out, serial_in)
                   VALUES ($1, $2, $3, $4, $5)""",
                work_order_id,
                used.part_id,
                used.qty,
                used.serial_out,
                used.serial_in,
            )
        await db.execute(
            """UPDATE work_order SET status = 'completed', resolution = $2, completed_at = $3,
                   updated_at = $3 WHERE id = $1""",
            work_order_id,
            data.resolution,
            now,
        )
        await add_event(
            work_order_id,
            now,
            "completed",
            row["status"],
            Status.COMPLETED,
            actor_kind="staff",
            actor_id=principal.id,
            engineer_id=principal.id,
            lat=data.lat,
            lng=data.lng,
        )
    announce(work_order_id, Status.COMPLETED)
    await drain_queue(now)


async def assign(principal: Principal, work_order_id: int, engineer_id: int) -> Assignment:
    """A supervisor's override: offer the job to this engineer, whoever dispatch would pick."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        _check_from(row, (Status.NEW, Status.OFFERED), "assign")
        engineer = await db.fetchrow(
            "SELECT id, home_lat, home_lng, last_lat, last_lng FROM app_user "
            "WHERE id = $1 AND role = 'engineer' AND active FOR UPDATE",
            engineer_id,
        )
        if engineer is None:
            raise Invalid("engineer_id", "no active engineer with this id")
        busy = await db.fetchval(
            "SELECT id FROM work_order WHERE engineer = $1 AND status = ANY($2) AND id <> $3",
            engineer_id,
            list(OPEN),
            work_order_id,
        )
        if busy is not None:
            raise Conflict("This engineer already holds a job", work_order_id=busy)
        if row["status"] == Status.OFFERED:
            await add_event(
                work_order_id,
                now,
                "withdrawn",
                Status.OFFERED,
                Status.NEW,
                actor_kind="staff",
                actor_id=principal.id,
                engineer_id=row["engineer"],
            )
            await db.execute(
                "UPDATE work_order SET status = 'new', engineer = NULL WHERE id = $1", work_order_id
            )
        distance = await offers.distance_to(work_order_id, engineer_id, now)
        offer = Assignment(job_id=work_order_id, engineer_id=engineer_id, distance_km=distance)
        await offers.record_offer(offer, now, actor_kind="staff", actor_id=principal.id)
    announce(work_order_id, Status.OFFERED, offer)
    return offer


async def rate(work_order_id: int, score: int, comment: str | None) -> None:
    """The customer's rating: once, and only after completion; ≤ 2 asks for a follow-up."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        if row["status"] == Status.RATED:
            raise Conflict("This request has been rated already", status=row["status"])
        _check_from(row, (Status.COMPLETED,), "rate")
        await db.execute(
            """INSERT INTO rating (work_order, score, comment, at, needs_follow_up)
               VALUES ($1, $2, $3, $4, $5)""",
            work_order_id,
            score,
            comment,
            now,
            score <= 2,
        )
        await db.execute(
            "UPDATE work_order SET status = 'rated', updated_at = $2 WHERE id = $1",
            work_order_id,
            now,
        )
        await add_event(
            work_order_id,
            now,
            "rated",
            Status.COMPLETED,
            Status.RATED,
            actor_kind="customer",
            note=f"{score}/5",
        )
