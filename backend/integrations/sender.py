"""Sending the outbox: claim due deliveries under a lease, POST them signed, and record the answer
(delivered, retry later with backoff, or given up), from the clock and right after a commit.

A claim is one UPDATE over rows picked FOR UPDATE SKIP LOCKED: it sets a lease (leased_until) and
counts the try before anything is sent. A worker that dies mid-send never records an answer; its
row stays pending and becomes due again once the lease runs out, so another worker sends it (the
receiver may see the event id twice, and drops the repeat). An answer is recorded only by the
lease that sent it: a worker whose lease ran out and was taken over writes no stale state.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx

from backend import db
from backend.clock import Job, now_utc
from backend.integrations.tables import DeliveryStatus
from backend.outbound import OutboundRefused, check_url, guarded_client

log = logging.getLogger("fieldline.webhooks")

MAX_TRIES = 8
FIRST_DELAY = 60.0  # seconds after the first failed try …
LAST_DELAY = 6 * 3600.0  # … growing exponentially to this before the last one
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
# Longer than a send may take (TOTAL_TIMEOUT and the DNS check): a live sender is never overtaken.
LEASE = timedelta(seconds=60)
BATCH = 50
ROUNDS = 20  # batches per clock round at most; the rest waits for the next beat
RETRYABLE = frozenset({408, 429})
USER_AGENT = "Fieldline-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: what a receiver checks."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def backoff(tries: int, rand: float | None = None) -> timedelta:
    """How long to wait after the `tries`-th failed try: 1 min after the first, growing by the
    same factor each time to 6 h after the 7th (the 8th is the last), ±20 % jitter so hooks that
    failed together do not all come back together."""
    step = (tries - 1) / (MAX_TRIES - 2)
    base = FIRST_DELAY * (LAST_DELAY / FIRST_DELAY) ** min(max(step, 0.0), 1.0)
    jitter = 0.8 + 0.4 * (random.random() if rand is None else rand)
    return timedelta(seconds=min(LAST_DELAY, max(FIRST_DELAY, base * jitter)))


CLAIM = """
WITH due AS (
    SELECT d.id FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.active
      AND (d.leased_until IS NULL OR d.leased_until <= $1)
      AND ($3::bigint[] IS NULL OR d.id = ANY($3::bigint[]))
    ORDER BY d.next_attempt_at, d.id
    LIMIT $4
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_delivery d SET leased_until = $2, attempts = d.attempts + 1
FROM due, webhook w
WHERE d.id = due.id AND w.id = d.webhook
RETURNING d.id, d.event_id::text AS event_id, d.body, d.attempts, d.leased_until,
          w.id AS webhook_id, w.url, w.secret
"""


async def claim(now: datetime, ids: Sequence[int] | None = None, limit: int = BATCH) -> list[Any]:
    """Due deliveries (of `ids` only, when given), leased to the caller and their try counted."""
    return await db.fetch(CLAIM, now, now + LEASE, list(ids) if ids is not None else None, limit)


async def _post(
    client: httpx.AsyncClient, row: Any
) -> tuple[int | None, str | None, dict[str, str]]:
    """One try: (HTTP status or None, error or None, response headers)."""
    try:
        # At every send, not only at registration: a name may come to point inside later.
        await asyncio.to_thread(check_url, row["url"], purpose="webhook")
    except OutboundRefused as exc:
        return None, f"refused: {exc}", {}
    body = row["body"].encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Fieldline-Event-Id": row["event_id"],
        "Fieldline-Signature": signature(row["secret"], int(time.time()), body),
    }
    try:
        async with asyncio.timeout(TOTAL_TIMEOUT):
            response = await client.post(row["url"], content=body, headers=headers)
    except TimeoutError:
        return None, f"no answer within {TOTAL_TIMEOUT:g} s", {}
    except OutboundRefused as exc:  # the name came to point inside between check and connect
        return None, f"refused: {exc}", {}
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300], {}
    return response.status_code, None, dict(response.headers)


def _retry_after(headers: dict[str, str]) -> float:
    value = headers.get("retry-after", "")
    return float(value) if value.isdigit() else 0.0


def outcome(
    status: int | None, error: str | None, tries: int, headers: dict[str, str]
) -> tuple[DeliveryStatus, timedelta | None]:
    """What an answer means: delivered, given up, or pending again after a delay."""
    if status is not None and 200 <= status < 300:
        return DeliveryStatus.DELIVERED, None
    retryable = (status is None and not (error or "").startswith("refused")) or (
        status is not None and (status in RETRYABLE or status >= 500)
    )
    if not retryable or tries >= MAX_TRIES:
        return DeliveryStatus.FAILED, None
    wait = max(backoff(tries), timedelta(seconds=min(_retry_after(headers), LAST_DELAY)))
    return DeliveryStatus.PENDING, wait


async def _record(
    row: Any,
    status: int | None,
    error: str | None,
    headers: dict[str, str],
    started: datetime,
    ms: int,
) -> DeliveryStatus:
    result, wait = outcome(status, error, row["attempts"], headers)
    now = now_utc()
    if error is None and status is not None and not 200 <= status < 300:
        error = f"answered {status}"
    async with db.transaction():
        await db.execute(
            """INSERT INTO webhook_attempt (delivery, at, status_code, error, duration_ms)
               VALUES ($1, $2, $3, $4, $5)""",
            row["id"],
            started,
            status,
            error,
            ms,
        )
        # Only the lease that sent it writes: a taken-over sender's late answer changes nothing.
        await db.execute(
            """UPDATE webhook_delivery SET status = $3::text, last_status = $4, last_error = $5,
                   next_attempt_at = COALESCE($6, next_attempt_at), leased_until = NULL,
                   delivered_at = CASE WHEN $3::text = 'delivered' THEN $7 ELSE delivered_at END
               WHERE id = $1 AND leased_until = $2""",
            row["id"],
            row["leased_until"],
            result,
            status,
            error,
            now + wait if wait is not None else None,
            now,
        )
        if status == 410:
            await disable(row["webhook_id"], "the receiver answered 410 Gone")
    return result


async def disable(webhook_id: int, reason: str) -> None:
    """Turns a hook off and gives up its waiting deliveries (a retry by hand may send them); a
    send in flight records its try but no longer its state (its lease is gone)."""
    await db.execute(
        "UPDATE webhook SET active = false, disabled_reason = $2 WHERE id = $1",
        webhook_id,
        reason[:300],
    )
    await db.execute(
        """UPDATE webhook_delivery SET status = 'failed', leased_until = NULL,
               last_error = COALESCE(last_error, $2)
           WHERE webhook = $1 AND status = 'pending'""",
        webhook_id,
        f"hook disabled: {reason}"[:300],
    )


async def _deliver(client: httpx.AsyncClient, row: Any) -> DeliveryStatus:
    started = now_utc()
    clock = time.monotonic()
    status, error, headers = await _post(client, row)
    ms = int((time.monotonic() - clock) * 1000)
    result = await _record(row, status, error, headers, started, ms)
    if result != DeliveryStatus.DELIVERED:
        log.info("webhook delivery %s: %s", row["id"], error or status)
    return result


def client() -> httpx.AsyncClient:
    """backend/outbound.py's client: every address checked as it is connected to (no DNS
    rebinding), redirects never followed."""
    http = guarded_client("webhook", timeout=TOTAL_TIMEOUT)
    http.timeout = httpx.Timeout(TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)
    return http


async def send(rows: Sequence[Any]) -> Counter[str]:
    """Sends claimed deliveries side by side; how many ended which way."""
    if not rows:
        return Counter()
    async with client() as http:
        results = await asyncio.gather(*(_deliver(http, r) for r in rows))
    return Counter(str(r) for r in results)


async def send_now(ids: Sequence[int]) -> None:
    """The after-commit kick: the deliveries a transaction just wrote, without waiting for the
    clock (rows another worker holds, or not due, are left to it)."""
    await send(await claim(now_utc(), ids))


async def send_due(now: datetime) -> str:
    """The clock's round: every due delivery, a batch at a time."""
    done: Counter[str] = Counter()
    for _ in range(ROUNDS):
        rows = await claim(now)
        done += await send(rows)
        if len(rows) < BATCH:
            break
    if not done:
        return "nothing due"
    parts = [f"{done[s]} {s}" for s in ("delivered", "pending", "failed") if done[s]]
    return "sent " + ", ".join(parts).replace("pending", "to retry")


WEBHOOK_JOB = Job("webhooks", timedelta(seconds=30), send_due)
