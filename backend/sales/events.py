"""Sales events for the webhooks (lead.created, opportunity.won, payment.received, …): written into
the outbox in the caller's transaction, so no event goes out for a change that was undone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend import db
from backend.integrations.webhooks import emit as emit_on


async def emit(event_type: str, data: Mapping[str, Any]) -> None:
    async with db.connection() as conn:
        await emit_on(conn, event_type, data)
