"""What a work-order transition leaves behind: its stored event and its news (board, push)."""

from __future__ import annotations

from datetime import UTC, datetime

from backend import db, live
from backend.push import service as push
from backend.settings import get_settings
from backend.workorders.tables import Status
from dispatch.models import Assignment


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


def announce(work_order_id: int, status: str, offer: Assignment | None = None) -> None:
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
    announce(offer.job_id, Status.OFFERED, offer)
