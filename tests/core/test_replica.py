"""DATABASE_REPLICA_URL: boards (and exports) read from a replica when one is set, pointed here at
the same server as the primary, the way an operator tries it before adding a real replica."""

from __future__ import annotations

import pytest

from backend import db
from tests.support.factories import staff

WHO = "SELECT current_setting('application_name')"


@pytest.fixture
async def replica(api, database_url):
    await db.open_replica(database_url)
    yield
    await db.close_replica()


async def test_reads_inside_reading_replica_go_to_the_replica(replica):
    assert await db.fetchval(WHO) != db.REPLICA_APPLICATION_NAME
    with db.reading_replica():
        assert await db.fetchval(WHO) == db.REPLICA_APPLICATION_NAME
        async with db.transaction():  # a transaction is the primary's, always
            assert await db.fetchval(WHO) != db.REPLICA_APPLICATION_NAME
    assert await db.fetchval(WHO) != db.REPLICA_APPLICATION_NAME


async def test_without_a_replica_reads_stay_on_the_primary(api):
    with db.reading_replica():
        assert await db.fetchval(WHO) != db.REPLICA_APPLICATION_NAME


async def test_the_boards_read_from_the_replica(api, database_url):
    supervisor = await staff(api, "supervisor")
    paths = ("/api/boards/satisfaction", "/api/boards/sales")
    on_primary = [(await api.get(p, headers=supervisor.headers)).json() for p in paths]
    await db.open_replica(database_url)
    pool = db._replica
    counting = CountingPool(pool)
    db._replica = counting  # type: ignore[assignment]
    try:
        on_replica = [(await api.get(p, headers=supervisor.headers)).json() for p in paths]
    finally:
        db._replica = pool
        await db.close_replica()
    assert counting.borrowed > 0
    assert on_replica == on_primary


class CountingPool:
    """The replica's pool, counting the connections borrowed from it."""

    def __init__(self, pool):
        self.pool, self.borrowed = pool, 0

    def acquire(self):
        self.borrowed += 1
        return self.pool.acquire()
