"""Offers going out: for a new job, from the waiting queue, on duty changes, on the clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from backend import db, live
from backend.access import Principal, Role
from backend.errors import Conflict, NotFound
from backend.workorders import offers
from backend.workorders.events import add_event, announce, now_utc
from backend.workorders.schemas import DutyIn
from backend.workorders.tables import Status
from dispatch.models import Assignment

log = logging.getLogger("fieldline.workorders")


async def dispatch_now(work_order_id: int, now: datetime) -> Assignment | None:
    offer = await offers.dispatch_job(work_order_id, now)
    announce(work_order_id, Status.OFFERED if offer else Status.NEW, offer)
    return offer


async def drain_queue(now: datetime) -> None:
    """An engineer came free: offer waiting jobs (urgent and VIP first, then oldest)."""
    for offer in await offers.dispatch_waiting(now):
        announce(offer.job_id, Status.OFFERED, offer)


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
        await drain_queue(now)


async def tick(now: datetime) -> None:
    """One beat of the dispatch clock: lapsed offers go to the next best engineer."""
    for work_order_id in await offers.expire_offers(now):
        await dispatch_now(work_order_id, now)
    await drain_queue(now)


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
