"""Signed-in sessions kept in each worker's memory, dropped the moment PostgreSQL says they changed.

Every request used to pay a session query before anything else (issue 15). Now the first request
of a session reads it (staff/service.principal_for_token) and keeps the principal here; later ones
find it in memory. What could make a kept session wrong — revoked, cut short, deleted, its user
deactivated, renamed or given another role — fires a trigger that NOTIFYs `fieldline_sessions`
with the user's id, whoever made the change (the API on any worker, the CLI, SQL by hand:
migration 2026-12-05T06:00). Each worker LISTENs on one connection of its own and drops that
user's sessions, so the very next request reads the database again and is refused.

Two races are closed here rather than hoped away:
- A request that read a session just before a change was announced must not keep what it read:
  every change bumps `generation`, and a read made under an older generation is not kept.
- A worker whose listening connection is down cannot hear changes: it keeps nothing (every
  request reads the database, as before) until it listens again, and starts from empty.
A kept session also lapses at its own expiry and after MAX_AGE, whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from backend import db
from backend.access import Principal

log = logging.getLogger("fieldline.sessions")

CHANNEL = "fieldline_sessions"
EVERYONE = "*"
MAX_ENTRIES = 20_000
MAX_AGE_SECONDS = 300.0
RECONNECT_SECONDS = 1.0
HEALTH_SECONDS = 15.0


@dataclass(frozen=True)
class Kept:
    principal: Principal
    expires_at: datetime
    kept_at: float  # time.monotonic()


class SessionCache:
    """Principals by token hash, least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, Kept] = OrderedDict()
        self._max = max_entries
        self.generation = 0
        self.listening = False

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Principal | None:
        kept = self._entries.get(key)
        if kept is None:
            return None
        too_old = time.monotonic() - kept.kept_at > MAX_AGE_SECONDS
        if too_old or kept.expires_at <= datetime.now(UTC):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return kept.principal

    def keep(self, key: str, principal: Principal, expires_at: datetime, generation: int) -> None:
        """Keeps a session read under `generation`, unless something changed since."""
        if not self.listening or generation != self.generation:
            return
        self._entries[key] = Kept(principal, expires_at, time.monotonic())
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, who: str) -> None:
        """Drops a user's sessions ("42"), or everyone's ("*")."""
        self.generation += 1
        if who == EVERYONE:
            self._entries.clear()
            return
        try:
            user_id = int(who)
        except ValueError:
            self._entries.clear()  # not ours to parse: the safe side
            return
        for key in [k for k, kept in self._entries.items() if kept.principal.id == user_id]:
            del self._entries[key]

    def stop_listening(self) -> None:
        self.listening = False
        self.forget(EVERYONE)


CACHE = SessionCache()


def _heard(_conn: Any, _pid: int, _channel: str, payload: object) -> None:
    CACHE.forget(str(payload))


async def _listen_once(dsn: str, ready: asyncio.Event | None) -> None:
    conn = await asyncpg.connect(dsn)
    closed = asyncio.Event()
    conn.add_termination_listener(lambda _conn: closed.set())
    try:
        await conn.add_listener(CHANNEL, _heard)
        CACHE.forget(EVERYONE)  # whatever happened while nobody listened
        CACHE.listening = True
        if ready is not None:
            ready.set()
        while not closed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), timeout=HEALTH_SECONDS)
            if not closed.is_set():  # a connection can die without a word: ask it
                await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=HEALTH_SECONDS)
    finally:
        CACHE.stop_listening()
        with contextlib.suppress(Exception):
            await conn.close()


async def listen(dsn: str, ready: asyncio.Event | None = None) -> None:
    """Listens until cancelled, connecting again whenever the connection drops."""
    while True:
        try:
            await _listen_once(dsn, ready)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database restarting, a network blip
            log.warning("session changes: not listening (%s); sessions are read every time", exc)
        await asyncio.sleep(RECONNECT_SECONDS)


@contextlib.asynccontextmanager
async def sessions_lifespan(_app: Any) -> AsyncIterator[None]:
    ready = asyncio.Event()
    task = asyncio.create_task(listen(db.engine.config["dsn"], ready))
    # Serving starts once changes can be heard (or without the cache, if they cannot yet).
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ready.wait(), timeout=5.0)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
