"""Webhooks: emit() writes an event's deliveries into the outbox in the caller's transaction, and
admins register, change and inspect the hooks. Any domain may emit, so this imports none."""

from __future__ import annotations

import asyncio
import functools
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec
from msgspec import UNSET, structs

from backend import db, tasks
from backend.access import Principal
from backend.clock import now_utc
from backend.errors import Conflict, Invalid, NotFound
from backend.integrations import sender
from backend.integrations.schemas import (
    AttemptOut,
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from backend.integrations.tables import DeliveryStatus, EventType
from backend.outbound import OutboundRefused, check_url
from backend.schemas import Page, from_row

# --- the outbox ----------------------------------------------------------------------------------


async def emit(conn: Any, event_type: str, data: Mapping[str, Any]) -> int:
    """One delivery per active hook following event_type, written on conn (inside the change's
    transaction: no event without its change, no change without its event); they are sent once
    that transaction commits. Returns how many hooks will hear of it."""
    kind = EventType(event_type)  # an unknown type is a programming error, not a user's
    at = now_utc()
    event_id = uuid.uuid4()
    body = msgspec.json.encode({"id": str(event_id), "type": kind.value, "at": at, "data": data})
    rows = await conn.fetch(
        """INSERT INTO webhook_delivery (webhook, event_id, event_type, body, next_attempt_at,
               created_at)
           SELECT id, $1, $2::text, $3, $4, $4 FROM webhook WHERE active AND $2::text = ANY(events)
           RETURNING id""",
        event_id,
        kind.value,
        body.decode(),
        at,
    )
    if rows:
        ids = [r["id"] for r in rows]
        tasks.after_commit(functools.partial(sender.send_now, ids), f"webhooks {kind.value}")
    return len(rows)


# --- hooks ---------------------------------------------------------------------------------------

HOOK_SELECT = """SELECT id, url, events::text[] AS events, active, disabled_reason, created_at
FROM webhook"""


async def _check_url(url: str) -> None:
    try:
        await asyncio.to_thread(check_url, url, purpose="webhook")
    except OutboundRefused as exc:
        raise Invalid("url", str(exc)) from exc


def new_secret() -> str:
    """A hook's signing secret: 192 random bits, never derived from anything."""
    return "whsec_" + secrets.token_hex(24)


async def register(principal: Principal, data: WebhookIn) -> WebhookCreated:
    await _check_url(data.url)
    secret = new_secret()
    row = await db.fetchrow(
        """INSERT INTO webhook (url, events, secret, created_by, created_at)
           VALUES ($1, $2, $3, $4, now())
           RETURNING id, url, events::text[] AS events, active, disabled_reason, created_at""",
        data.url,
        sorted({e.value for e in data.events}),
        secret,
        principal.id,
    )
    assert row is not None
    return from_row(WebhookCreated, row, secret=secret)


async def list_hooks(limit: int, offset: int) -> Page[WebhookOut]:
    rows, total = await db.fetch_page(HOOK_SELECT, "TRUE", [], "id", limit, offset)
    return Page([from_row(WebhookOut, r) for r in rows], total, limit, offset)


async def get_hook(webhook_id: int) -> WebhookOut:
    row = await db.fetchrow(f"{HOOK_SELECT} WHERE id = $1", webhook_id)
    if row is None:
        raise NotFound("Webhook not found")
    return from_row(WebhookOut, row)


async def update(webhook_id: int, patch: WebhookPatch) -> WebhookOut:
    changes: dict[str, Any] = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    if "url" in changes:
        await _check_url(changes["url"])
    if "events" in changes:
        changes["events"] = sorted({e.value for e in changes["events"]})
    async with db.transaction():
        active = await db.fetchval(
            "SELECT active FROM webhook WHERE id = $1 FOR UPDATE", webhook_id
        )
        if active is None:
            raise NotFound("Webhook not found")
        if changes.get("active") is False and active:
            await sender.disable(webhook_id, "disabled by an admin")
            del changes["active"]
        elif changes.get("active"):
            changes["disabled_reason"] = None
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE webhook SET {sets} WHERE id = $1", webhook_id, *changes.values()
            )
    return await get_hook(webhook_id)


async def remove(webhook_id: int) -> None:
    """The hook and its deliveries' history go."""
    if await db.fetchval("DELETE FROM webhook WHERE id = $1 RETURNING id", webhook_id) is None:
        raise NotFound("Webhook not found")


# --- deliveries ----------------------------------------------------------------------------------

DELIVERY_SELECT = """
SELECT d.id, d.webhook AS webhook_id, d.event_id::text AS event_id, d.event_type, d.status,
       d.attempts, CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS next_attempt_at,
       d.last_status, d.last_error, d.delivered_at, d.created_at,
       COALESCE((SELECT json_agg(json_build_object('at', a.at, 'status_code', a.status_code,
                                                   'error', a.error, 'duration_ms', a.duration_ms)
                                 ORDER BY a.at, a.id)
                 FROM webhook_attempt a WHERE a.delivery = d.id), '[]') AS tries
FROM webhook_delivery d"""


def _delivery(row: Any) -> DeliveryOut:
    tries = msgspec.json.decode(row["tries"], type=list[AttemptOut])
    return from_row(DeliveryOut, row, tries=tries)


async def deliveries(
    webhook_id: int, status: DeliveryStatus | None, limit: int, offset: int
) -> Page[DeliveryOut]:
    """A hook's deliveries, newest first."""
    await get_hook(webhook_id)
    where = "d.webhook = $1"
    args: list[Any] = [webhook_id]
    if status is not None:
        where += " AND d.status = $2"
        args.append(status.value)
    rows, total = await db.fetch_page(DELIVERY_SELECT, where, args, "d.id DESC", limit, offset)
    return Page([_delivery(r) for r in rows], total, limit, offset)


async def get_delivery(delivery_id: int) -> DeliveryOut:
    row = await db.fetchrow(f"{DELIVERY_SELECT} WHERE d.id = $1", delivery_id)
    if row is None:
        raise NotFound("Delivery not found")
    return _delivery(row)


async def retry(delivery_id: int, now: datetime | None = None) -> DeliveryOut:
    """Sends a delivered or given-up delivery again, with a fresh set of tries (the attempts
    made so far stay listed); a queued one is a 409, and so is one of a disabled hook."""
    now = now or now_utc()
    async with db.transaction():
        row = await db.fetchrow(
            """SELECT d.status, w.active FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook
               WHERE d.id = $1 FOR UPDATE OF d""",
            delivery_id,
        )
        if row is None:
            raise NotFound("Delivery not found")
        if not row["active"]:
            raise Conflict("The webhook is disabled; turn it on (active: true) first")
        if row["status"] == DeliveryStatus.PENDING:
            raise Conflict("The delivery is queued already", status=row["status"])
        await db.execute(
            """UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $2,
                   leased_until = NULL, delivered_at = NULL WHERE id = $1""",
            delivery_id,
            now,
        )
        tasks.after_commit(
            functools.partial(sender.send_now, [delivery_id]), f"webhook retry {delivery_id}"
        )
    return await get_delivery(delivery_id)
