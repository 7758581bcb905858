"""After-commit work (backend/tasks.py): news of a change goes out once the outermost transaction
commits, whether or not the request carried an Idempotency-Key, and never after a rollback."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from backend import db, live, tasks
from tests.support.listening import Heard, board_events


class Undo(Exception):
    pass


async def _publish_then_fail(job_id: int) -> None:
    async with db.transaction():
        live.publish_job(job_id, "offered")
        raise Undo


async def _heard_so_far(heard: Heard, database_url: str) -> list[str]:
    """What reached the channel before a mark sent now from outside any transaction."""
    await tasks.drain()
    other = await asyncpg.connect(database_url)
    try:
        await other.execute("SELECT pg_notify($1, 'mark')", live.CHANNEL)
    finally:
        await other.close()
    payloads = []
    async with asyncio.timeout(10):
        while (payload := await heard.payloads.get()) != "mark":
            payloads.append(payload)
    return payloads


async def test_an_event_inside_a_transaction_waits_for_its_commit(api, database_url):
    async with board_events(database_url) as heard:
        async with db.transaction():
            live.publish_job(1, "offered")
            assert await _heard_so_far(heard, database_url) == []
        assert await heard.events() == [{"kind": "job", "id": 1, "status": "offered"}]


async def test_an_event_of_a_rolled_back_transaction_never_goes_out(api, database_url):
    async with board_events(database_url) as heard:
        with pytest.raises(Undo):
            await _publish_then_fail(2)
        assert await heard.events() == []


async def test_a_rolled_back_savepoint_drops_only_its_own_events(api, database_url):
    async with board_events(database_url) as heard:
        async with db.transaction():
            live.publish_job(3, "new")
            with pytest.raises(Undo):
                await _publish_then_fail(4)  # a savepoint: its part is undone, and its news
            live.publish_engineer(5)
        # Each event goes out in a background task of its own, so two may reach the channel in
        # either order; boards only read which row changed and fetch it (js/boards/dispatch.js).
        assert _in_any_order(await heard.events()) == _in_any_order(
            [{"kind": "job", "id": 3, "status": "new"}, {"kind": "engineer", "id": 5}]
        )


def _in_any_order(events: list[dict[str, object]]) -> list[str]:
    return sorted(json.dumps(event, sort_keys=True) for event in events)


async def test_outside_a_transaction_the_event_goes_out_at_once(api, database_url):
    async with board_events(database_url) as heard:
        live.publish_engineer(6)
        assert await heard.events() == [{"kind": "engineer", "id": 6}]
