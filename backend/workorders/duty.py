"""Engineers going on and off duty: on duty the waiting jobs are offered; off duty an open offer
goes back to the queue."""

from __future__ import annotations

from backend import db, live
from backend.access import Principal, Role
from backend.clock import now_utc
from backend.errors import Conflict, NotFound
from backend.workorders import offers
from backend.workorders.schemas import DutyIn
from backend.workorders.tables import TAKEN, ActorKind, Status


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
                list(TAKEN),
            )
            if active is not None:
                raise Conflict(
                    "Finish or hand back your job before going off duty", work_order_id=active
                )
            offered = await db.fetch(
                "SELECT id FROM work_order WHERE engineer = $1 AND status = 'offered'",
                principal.id,
            )
            released = await offers.release_offers(
                [r["id"] for r in offered],
                now,
                "declined",
                ActorKind.STAFF,
                principal.id,
                note="went off duty",
            )
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
        await offers.drain_queue(now)
