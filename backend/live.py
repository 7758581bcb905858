"""Live board updates: small change events sent with PostgreSQL NOTIFY, received by every worker
through Litestar channels (LISTEN), and streamed to the open boards as server-sent events.

An event names what changed and its new state ({"kind": "job", "id": 7, "status": "offered"},
{"kind": "engineer", "id": 3}); the page fetches the details itself. Every stream starts with a
"hello" event, after its subscription is in place: the page (re)loads the whole board then, so a
reconnect never leaves a gap. A worker whose LISTEN connection drops reconnects and sends
{"kind": "resync"} for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import asyncpg
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
from litestar.response import ServerSentEventMessage

from backend import db, tasks

log = logging.getLogger("fieldline.boards")

CHANNEL = "fieldline_boards"
HEARTBEAT_SECONDS = 15.0  # keeps proxies from closing a quiet stream, and finds dead clients
RETRY_MS = 2000  # how soon a browser reconnects a dropped stream
# A stream ends after this long and the browser reconnects (and resynchronises): connections
# spread again over the workers, and a worker shutting down is never held up for long.
STREAM_SECONDS = 600.0
RECONNECT_SECONDS = 1.0

# --- publishing: from any process that writes (workers, the CLI, tests) -----------------------


def publish_job(work_order_id: int, status: str) -> None:
    """A work order changed state: every open board hears of it. Never raises."""
    _schedule({"kind": "job", "id": work_order_id, "status": str(status)})


def publish_offer(engineer_id: int, work_order_id: int) -> None:
    """A job was offered to an engineer: his open app hears of it (GET /api/me/events)."""
    _schedule({"kind": "offer", "engineer": engineer_id, "id": work_order_id})


def publish_engineer(engineer_id: int) -> None:
    """An engineer's duty or position changed: every open board hears of it. Never raises."""
    _schedule({"kind": "engineer", "id": engineer_id})


def _schedule(event: dict[str, Any]) -> None:
    # Once the change is committed: an event sent earlier could make a board fetch the old
    # state, or announce a rolled-back one.
    tasks.after_commit(functools.partial(_notify, json.dumps(event)), "board event")


async def _notify(payload: str) -> None:
    try:
        await db.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
    except Exception:
        log.warning("live board event not sent: %s", payload, exc_info=True)


# --- receiving: one LISTEN connection per worker, fanned out to its streams --------------------


class NotifyBackend(AsyncPgChannelsBackend):
    """Litestar's asyncpg LISTEN/NOTIFY backend, connected lazily (the DSN of the embedded server
    is known only at startup), publishing on the pool, and reconnecting a dropped LISTEN."""

    def __init__(self) -> None:
        super().__init__(make_connection=self._listen_connection)
        self._closing = False
        self._reconnecting: asyncio.Task[None] | None = None

    async def _listen_connection(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(db.engine.config["dsn"])
        conn.add_termination_listener(self._lost)
        return conn

    async def on_startup(self) -> None:
        self._closing = False
        await super().on_startup()

    async def on_shutdown(self) -> None:
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        await super().on_shutdown()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        for channel in channels:
            await db.execute("SELECT pg_notify($1, $2)", channel, data.decode())

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        """Keeps listening when the last board of this worker closes.

        A closing stream's task is being cancelled: an UNLISTEN cut short there left the channel
        marked as subscribed with no listener behind it, so every later board heard nothing. One
        channel costs nothing to keep, and the next board is never far off.
        """

    def _lost(self, _: Any) -> None:
        if self._closing or (self._reconnecting and not self._reconnecting.done()):
            return
        log.warning("live boards: the LISTEN connection dropped; reconnecting")
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while not self._closing:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                async with self._listener_lock:
                    self._listener_conn = await self._connect()
                    for channel in self._subscribed_channels:
                        await self._listener_conn.add_listener(channel, self._listener)  # type: ignore[arg-type]
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("live boards: LISTEN reconnect failed (%s); retrying", exc)
                continue
            # Whatever was sent while nobody listened is lost: every board reloads.
            for channel in self._subscribed_channels:
                if self._queue is not None:
                    self._queue.put_nowait((channel, b'{"kind": "resync"}'))
            log.info("live boards: LISTEN connection restored")
            return


class BoardChannels(ChannelsPlugin):
    """The channels plugin, knowing whether it runs (it does not under a test client that skips
    the app's lifespan): a stream is refused then, never left silent."""

    running = False

    async def __aenter__(self) -> BoardChannels:
        await super().__aenter__()
        self.running = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.running = False
        await super().__aexit__(exc_type, exc_val, exc_tb)
        await tasks.drain()


def channels_plugin() -> BoardChannels:
    # A board that falls behind loses its oldest events, never blocks the others; it reloads
    # on the next reconnect anyway.
    return BoardChannels(
        backend=NotifyBackend(),
        channels=[CHANNEL],
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",
    )


async def stream(
    channels: ChannelsPlugin, wanted: Callable[[dict[str, Any]], bool] | None = None
) -> AsyncIterator[ServerSentEventMessage]:
    """One board's events: "hello" once subscribed, then "change" per event, comments to keep
    the connection alive; it ends after STREAM_SECONDS and the browser reconnects. With
    `wanted`, only the events it picks (an engineer's app hears of its own offers)."""
    async with channels.start_subscription([CHANNEL]) as subscriber:

        async def heartbeat() -> None:
            while True:
                await asyncio.sleep(HEARTBEAT_SECONDS)
                subscriber.put_nowait(b"")

        beat = asyncio.create_task(heartbeat())
        deadline = asyncio.get_running_loop().time() + STREAM_SECONDS
        try:
            hello = json.dumps({"at": datetime.now(UTC).isoformat()})
            yield ServerSentEventMessage(event="hello", data=hello, retry=RETRY_MS)
            async for payload in subscriber.iter_events():
                if payload:
                    if wanted is not None and not wanted(json.loads(payload)):
                        continue
                    yield ServerSentEventMessage(event="change", data=payload.decode())
                elif asyncio.get_running_loop().time() > deadline:
                    return
                else:
                    yield ServerSentEventMessage(comment="keep-alive")
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
