"""What a work-order transition leaves behind: its stored event (the one INSERT every writer
uses) and its news (the live boards, pushes to the engineer and the customer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend import db, live
from backend.integrations import webhooks
from backend.push import service as push
from backend.settings import get_settings
from backend.workorders.tables import ActorKind, Status
from dispatch.models import Assignment


@dataclass(frozen=True)
class Event:
    """One step of a work order: created, offered, accepted, declined, expired, withdrawn,
    en_route, arrived, completed, cancelled, rated."""

    work_order_id: int
    at: datetime
    kind: str
    from_status: Status | None
    to_status: Status | None
    actor_kind: ActorKind
    actor_id: int | None = None
    engineer_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    note: str | None = None
    reason: str | None = None  # why an offer was declined (DeclineReason)


async def record_events(events: Sequence[Event]) -> None:
    """Stores events, any number in one statement."""
    if not events:
        return
    await db.execute(
        """INSERT INTO work_order_event (work_order, at, kind, from_status, to_status, actor,
               actor_kind, engineer, lat, lng, note, reason)
           SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                                $6::int[], $7::text[], $8::int[], $9::float8[], $10::float8[],
                                $11::text[], $12::text[])""",
        [e.work_order_id for e in events],
        [e.at for e in events],
        [e.kind for e in events],
        [e.from_status for e in events],
        [e.to_status for e in events],
        [e.actor_id for e in events],
        [e.actor_kind for e in events],
        [e.engineer_id for e in events],
        [e.lat for e in events],
        [e.lng for e in events],
        [e.note for e in events],
        [e.reason for e in events],
    )


async def record_event(event: Event) -> None:
    await record_events([event])


async def emit(kind: str, work_order_id: int, **data: Any) -> None:
    """Tells the webhooks following `work_order.<kind>`, in the caller's transaction."""
    async with db.connection() as conn:
        await webhooks.emit(conn, f"work_order.{kind}", {"work_order_id": work_order_id, **data})


def announce(work_order_id: int, status: str, offer: Assignment | None = None) -> None:
    """Tells the boards, the engineer of a new offer and the customer, once committed."""
    live.publish_job(work_order_id, status)
    if offer is not None:
        live.publish_offer(offer.engineer_id, work_order_id)  # the engineer's open app
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
