"""Idempotency-Key: a write made from the field applies once; a replay gets the first response.

The request runs in one transaction with the stored key and response, so a write is either applied
and remembered, or neither: a replay after a lost answer, a dropped connection or a killed worker
never applies it twice, and never loses it. A concurrent replay waits on the key's row lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Bytea, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from backend import db
from backend.access import Principal
from backend.clock import Job

# Plain ASGI shapes: this middleware reads and writes raw messages.
Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class IdempotencyKey(Table):
    """A write applied once: replaying its key returns the stored response instead."""

    # Lazily: the staff domain builds on this module, not the other way round.
    user: ForeignKey[Table] = ForeignKey(
        references=LazyTableReference("User", module_path="backend.staff.tables"),
        null=False,
        on_delete=OnDelete.cascade,
    )
    key = Varchar(length=100)
    method = Varchar(length=10)
    path = Varchar(length=300)
    body_hash = Varchar(length=64)
    status_code = Integer()
    content_type = Varchar(length=100, null=True, default=None)
    response = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())


HEADER = b"idempotency-key"
MAX_KEY = 100
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class _Rollback(Exception):
    """Undo the request's transaction: a server error must leave the key free for a retry."""


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class _TooLarge(Exception):
    """The body is over MAX_BODY: stop reading it (413)."""


# Litestar's own request_max_body_size: this middleware reads the body before Litestar does, so
# it must refuse at the same size, while reading, not after holding all of it (a chunked body
# sends no Content-Length to check first).
MAX_BODY = 10_000_000


async def _read_body(receive: Receive, declared: bytes | None) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise _TooLarge
    chunks = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(HEADER)
        principal = scope.get("user")
        if key is None or not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        text = key.decode("latin-1").strip()
        if not 0 < len(text) <= MAX_KEY or not text.isprintable():
            await _send_json(
                send,
                400,
                {
                    "detail": "Validation failed",
                    "errors": [
                        {
                            "field": "Idempotency-Key",
                            "message": f"1 to {MAX_KEY} printable characters",
                        }
                    ],
                },
            )
            return
        headers = dict(scope["headers"])
        try:
            body = await _read_body(receive, headers.get(b"content-length"))
        except _TooLarge:
            await _send_json(
                send,
                413,
                {
                    "detail": f"Request body is over {MAX_BODY} bytes",
                    "errors": [{"field": "body", "message": f"at most {MAX_BODY} bytes"}],
                },
            )
            return
        await self._once(scope, send, principal.id, text, body)

    async def _once(self, scope: Scope, send: Send, user_id: int, key: str, body: bytes) -> None:
        # The query string is part of the request: `?force=true` must not replay the plain write.
        target = scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        digest = hashlib.sha256(scope["method"].encode() + b" " + target + b"\n" + body).hexdigest()
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            async with db.transaction():
                fresh = await db.fetchval(
                    """INSERT INTO idempotency_key ("user", key, method, path, body_hash,
                           status_code, response, created_at)
                       VALUES ($1, $2, $3, $4, $5, 0, ''::bytea, now())
                       ON CONFLICT ("user", key) DO NOTHING RETURNING id""",
                    user_id,
                    key,
                    scope["method"],
                    scope["path"][:300],
                    digest,
                )
                if fresh is None:
                    await self._replay(send, user_id, key, digest)
                    return
                await self.app(scope, replay_body, capture)
                if start.get("status", 500) >= 500:
                    raise _Rollback
                headers = dict(start.get("headers", []))
                await db.execute(
                    """UPDATE idempotency_key
                       SET status_code = $2, content_type = $3, response = $4 WHERE id = $1""",
                    fresh,
                    start["status"],
                    headers.get(b"content-type", b"").decode("latin-1"),
                    b"".join(parts),
                )
        except _Rollback:
            pass  # nothing of it happened, and no news of it goes out (db.on_commit)
        # Answer only after the commit: an acknowledged write is a stored write.
        await send(start)
        await send({"type": "http.response.body", "body": b"".join(parts)})

    async def _replay(self, send: Send, user_id: int, key: str, digest: str) -> None:
        stored = await db.fetchrow(
            """SELECT body_hash, status_code, content_type, response FROM idempotency_key
               WHERE "user" = $1 AND key = $2 FOR UPDATE""",
            user_id,
            key,
        )
        assert stored is not None
        if stored["body_hash"] != digest:
            await _send_json(
                send,
                422,
                {
                    "detail": "This Idempotency-Key was used for a different request",
                    "errors": [{"field": "Idempotency-Key", "message": "reused with another body"}],
                },
            )
            return
        headers = [
            (b"idempotent-replay", b"true"),
            (b"content-length", str(len(stored["response"])).encode()),
        ]
        if stored["content_type"]:
            headers.append((b"content-type", stored["content_type"].encode("latin-1")))
        await send(
            {"type": "http.response.start", "status": stored["status_code"], "headers": headers}
        )
        await send({"type": "http.response.body", "body": bytes(stored["response"])})


# An outbox replays within hours of a write; two days covers a phone that was off for a weekend
# night. A key older than this is forgotten: a replay after that is a new request.
KEEP = timedelta(hours=48)


async def prune(now: datetime) -> str:
    """Forgets keys older than KEEP (the clock's housekeeping)."""
    gone = await db.execute("DELETE FROM idempotency_key WHERE created_at < $1", now - KEEP)
    hours = int(KEEP.total_seconds() // 3600)
    return f"{gone.split()[-1]} key(s) older than {hours} h forgotten"


PRUNE_KEYS = Job("idempotency-keys", timedelta(hours=1), prune)
