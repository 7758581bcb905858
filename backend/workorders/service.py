"""The work order lifecycle: create, dispatch, accept … complete, cancel, assign, rate, duty."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from backend import db
from backend.access import Principal, check_job_action
from backend.boards import live
from backend.errors import Conflict, Invalid, NotFound
from backend.push import service as push
from backend.settings import get_settings
from backend.staff.tables import Role
from backend.workorders.schemas import CompleteIn, DutyIn
from backend.workorders.tables import Priority, Source, Status
from dispatch import store
from dispatch.models import Assignment

log = logging.getLogger("fieldline.workorders")

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


def now_utc() -> datetime:
    return datetime.now(UTC)


async def add_event(
    work_order_id: int,
    at: datetime,
    kind: str,
    from_status: str | None,
    to_status: str | None,
    *,
    actor_kind: str,
    actor_id: int | None = None,
    engineer_id: int | None = None,
    lat: float | None = None,
    lng: float | None = None,
    note: str | None = None,
) -> None:
    await db.execute(
        """INSERT INTO work_order_event (work_order, at, kind, from_status, to_status, actor,
               actor_kind, engineer, lat, lng, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
        work_order_id,
        at,
        kind,
        from_status,
        to_status,
        actor_id,
        actor_kind,
        engineer_id,
        lat,
        lng,
        note,
    )


def _announce(work_order_id: int, status: str, offer: Assignment | None = None) -> None:
    """Pushes (in the background) the offer to its engineer and the status to the customer."""
    live.publish_job(work_order_id, status)
    if offer is not None:
        # An offer is worth nothing once it lapses: deliver it urgently, and not after that.
        lifetime = int(get_settings().offer_timeout.total_seconds())
        push.notify_user(
            offer.engineer_id,
            {
                "type": "offer",
                "work_order_id": work_order_id,
                "distance_km": round(offer.distance_km, 1),
                "url": f"/jobs/{work_order_id}",
            },
            urgency="high",
            ttl=lifetime,
        )
    push.notify_work_order(
        work_order_id, {"type": "status", "work_order_id": work_order_id, "status": status}
    )


def announce_offer(offer: Assignment) -> None:
    _announce(offer.job_id, Status.OFFERED, offer)


async def _dispatch(work_order_id: int, now: datetime) -> Assignment | None:
    offer = await store.dispatch_job(work_order_id, now)
    _announce(work_order_id, Status.OFFERED if offer else Status.NEW, offer)
    return offer


async def _drain_queue(now: datetime) -> None:
    """An engineer came free: offer waiting jobs (urgent and VIP first, then oldest)."""
    for offer in await store.dispatch_waiting(now):
        _announce(offer.job_id, Status.OFFERED, offer)


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
    await _dispatch(work_order_id, now)
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
        await _dispatch(work_order_id, now)  # the decliner is excluded by his 'offered' event
    else:
        _announce(work_order_id, target)
    if action == "cancel" and engineer is not None:
        await _drain_queue(now)


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
    _announce(work_order_id, Status.COMPLETED)
    await _drain_queue(now)


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
        distance = await store.distance_to(work_order_id, engineer_id, now)
        offer = Assignment(job_id=work_order_id, engineer_id=engineer_id, distance_km=distance)
        await store.record_offer(offer, now, actor_kind="staff", actor_id=principal.id)
    _announce(work_order_id, Status.OFFERED, offer)
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


# --- engineers' duty and the dispatch clock --------------------------------------------------


async def set_duty(principal: Principal, data: DutyIn) -> None:
    """On duty (with a position) → waiting jobs are offered; off duty gives back an open offer."""
    if principal.role != Role.ENGINEER:
        raise NotFound("Only engineers go on duty")
    now = now_utc()
    released: list[int] = []
    async with db.transaction():
        if data.status == "off_duty":
            active = await db.fetchval(
                "SELECT id FROM work_order WHERE engineer = $1 AND status = ANY($2)",
                principal.id,
                [Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE],
            )
            if active is not None:
                raise Conflict(
                    "Finish or hand back your job before going off duty", work_order_id=active
                )
            offered = await db.fetch(
                "SELECT id FROM work_order WHERE engineer = $1 AND status = 'offered' FOR UPDATE",
                principal.id,
            )
            for row in offered:
                await db.execute(
                    "UPDATE work_order SET status = 'new', engineer = NULL, "
                    "offered_at = NULL, offer_expires_at = NULL, distance_km = NULL "
                    "WHERE id = $1",
                    row["id"],
                )
                await add_event(
                    row["id"],
                    now,
                    "declined",
                    Status.OFFERED,
                    Status.NEW,
                    actor_kind="staff",
                    actor_id=principal.id,
                    engineer_id=principal.id,
                    note="went off duty",
                )
                released.append(row["id"])
        position = (data.lat, data.lng) if data.lat is not None and data.lng is not None else None
        await db.execute(
            """UPDATE app_user SET duty_status = $2,
                   last_lat = COALESCE($3, last_lat), last_lng = COALESCE($4, last_lng),
                   last_seen_at = CASE WHEN $3::float8 IS NULL THEN last_seen_at ELSE $5 END
               WHERE id = $1""",
            principal.id,
            data.status,
            position[0] if position else None,
            position[1] if position else None,
            now,
        )
    live.publish_engineer(principal.id)
    for work_order_id in released:
        live.publish_job(work_order_id, Status.NEW)
    if data.status == "available" or released:
        await _drain_queue(now)


async def tick(now: datetime) -> None:
    """One beat of the dispatch clock: lapsed offers go to the next best engineer."""
    for work_order_id in await store.expire_offers(now):
        await _dispatch(work_order_id, now)
    await _drain_queue(now)


@contextlib.asynccontextmanager
async def dispatch_clock(app: Any, every: float = 5.0) -> AsyncIterator[None]:
    """Runs tick() in every worker; row locks (SKIP LOCKED) keep the workers from colliding."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await tick(now_utc())
            except Exception:  # a failed beat must not stop the clock
                log.exception("dispatch tick failed")

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
