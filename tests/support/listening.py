"""The live boards' channel heard as every board's worker hears it: what a write announced."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from backend import db, live, tasks

SENTINEL = "end"


class Heard:
    """The payloads that arrived on the channel, in the order they were sent."""

    def __init__(self) -> None:
        self.payloads: asyncio.Queue[str] = asyncio.Queue()

    def note(self, _connection: Any, _pid: int, _channel: str, payload: object) -> None:
        """asyncpg's listener callback."""
        self.payloads.put_nowait(str(payload))

    async def events(self) -> list[dict[str, Any]]:
        """Every board event heard so far, once the ones still pending have been sent."""
        await tasks.drain()
        # Events reach a listener in commit order: once this one is in, every earlier one is.
        await db.execute("SELECT pg_notify($1, $2)", live.CHANNEL, SENTINEL)
        events = []
        async with asyncio.timeout(10):
            while (payload := await self.payloads.get()) != SENTINEL:
                events.append(json.loads(payload))
        return events


@asynccontextmanager
async def board_events(database_url: str) -> AsyncIterator[Heard]:
    """Listens on the boards' channel on a connection of its own while the block runs."""
    heard = Heard()
    listener = await asyncpg.connect(database_url)
    try:
        await listener.add_listener(live.CHANNEL, heard.note)
        yield heard
    finally:
        await listener.close()
