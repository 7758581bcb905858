"""The PostgreSQL engine, the embedded server when no DATABASE_URL is set, and migrations."""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from backend.errors import DatabaseUnavailable
from backend.settings import get_settings

os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")

# The DSN is filled in by `configure()`: the embedded server's address is known only at start.
engine = PostgresEngine(config={})

_embedded: Any = None


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under data_dir; it keeps its data across runs."""
    global _embedded
    if _embedded is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        # platformdirs notes a missing XDG_RUNTIME_DIR when pgserver is imported, not only when
        # it starts: both under the filter, or `make run` opens with that noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

            _embedded = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    return str(_embedded.get_uri())


def configure(url: str | None = None) -> str:
    """Point the engine at url, DATABASE_URL, or the embedded server, in that order."""
    settings = get_settings()
    dsn = url or settings.database_url or embedded_url(settings.data_dir)
    engine.config = {"dsn": dsn}
    return dsn


# --- a read replica (DATABASE_REPLICA_URL): boards and exports read there when it is set --------

_replica: asyncpg.Pool | None = None
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)
REPLICA_APPLICATION_NAME = "fieldline-replica"


async def open_replica(url: str | None = None) -> None:
    """The replica's pool, when DATABASE_REPLICA_URL (or url) names one; else reads stay on the
    primary. Named in pg_stat_activity, so an operator sees which reads went where."""
    global _replica
    dsn = url or get_settings().database_replica_url
    if dsn and _replica is None:
        _replica = await asyncpg.create_pool(
            dsn,
            min_size=1,
            max_size=10,
            connection_class=PooledConnection,
            server_settings={"application_name": REPLICA_APPLICATION_NAME},
        )


async def close_replica() -> None:
    global _replica
    if _replica is not None:
        pool, _replica = _replica, None
        await pool.close()


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads inside (outside any transaction) go to the replica when there is one: for reads that
    may lag the primary by a moment (boards, exports), never for a read-your-write."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class PooledConnection(asyncpg.Connection):
    """A pooled connection goes back as it is once asyncpg has ended any open transaction.

    asyncpg's default reset adds a statement to every checkout (CLOSE ALL, UNLISTEN *, RESET ALL,
    advisory unlock) for state this code never leaves on a pooled connection: no session SET, no
    LISTEN (the boards listen on a connection of their own), cursors are transaction-scoped, and
    the one session-level advisory lock (a clock job's, backend/clock.py) is released in a
    `finally` before its connection goes back.
    """

    def get_reset_query(self) -> str:
        return ""


async def open_pool() -> None:
    if engine.pool is None:
        await engine.start_connection_pool(
            min_size=1, max_size=10, connection_class=PooledConnection
        )
    await open_replica()


async def close_pool() -> None:
    await close_replica()
    if engine.pool is not None:
        await engine.close_connection_pool()


@asynccontextmanager
async def connection() -> AsyncIterator[Any]:
    """The connection of the current transaction, or one from the pool."""
    tx = engine.current_transaction.get()
    if tx is not None:
        yield tx.connection
        return
    if _replica is not None and _on_replica.get():
        async with _replica.acquire() as conn:
            yield conn
        return
    if engine.pool is None:
        raise DatabaseUnavailable("the connection pool is not open")
    async with engine.pool.acquire() as conn:
        yield conn


# What to do once the outermost transaction commits (backend/tasks.py starts background work
# from here): a list per transaction, in the order given; dropped on a rollback.
_on_commit: ContextVar[list[Callable[[], None]] | None] = ContextVar("on_commit", default=None)


def on_commit(action: Callable[[], None]) -> None:
    """Runs action once the outermost transaction has committed, never after a rollback; at
    once when no transaction is open (what it follows is committed already)."""
    waiting = _on_commit.get()
    if waiting is None:
        action()
    else:
        waiting.append(action)


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A transaction, or inside one a savepoint: a failure undoes only the inner part.

    Requests made with an Idempotency-Key run whole in one transaction (backend/idempotency.py),
    so the services' own transactions nest; a lost race retried by dispatch must not doom it.
    Work given to on_commit() waits for the outermost COMMIT; a savepoint rolled back drops
    what was given inside it.
    """
    outer = engine.current_transaction.get()
    if outer is None:
        actions: list[Callable[[], None]] = []
        token = _on_commit.set(actions)
        try:
            async with engine.transaction():
                yield
        finally:
            _on_commit.reset(token)
        for action in actions:
            action()
        return
    waiting = _on_commit.get()
    kept = len(waiting) if waiting is not None else 0
    savepoint = await outer.savepoint()
    try:
        yield
    except BaseException:
        await savepoint.rollback_to()
        if waiting is not None:
            del waiting[kept:]
        raise
    await savepoint.release()


@asynccontextmanager
async def unique_or(conflict: Exception) -> AsyncIterator[None]:
    """A write in a savepoint: a unique violation becomes `conflict`; the transaction lives on."""
    try:
        async with transaction():
            yield
    except asyncpg.UniqueViolationError as exc:
        raise conflict from exc


def check_reads_may_overlap() -> None:
    """Before reads run at once (asyncio.gather), each on a pooled connection of its own.

    A transaction has one connection, and a connection runs one statement at a time.
    """
    if engine.current_transaction.get() is not None:
        raise RuntimeError("reads run at once must not be inside a transaction")


async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
    async with connection() as conn:
        return list(await conn.fetch(sql, *args))


async def fetchrow(sql: str, *args: Any) -> asyncpg.Record | None:
    async with connection() as conn:
        return await conn.fetchrow(sql, *args)


async def fetchval(sql: str, *args: Any) -> Any:
    async with connection() as conn:
        return await conn.fetchval(sql, *args)


async def execute(sql: str, *args: Any) -> str:
    async with connection() as conn:
        return str(await conn.execute(sql, *args))


async def fetch_page(
    select: str, where: str, args: list[Any], order: str, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """One page of `select WHERE where` and the total count: the single pagination query shape,
    in one statement (one round trip). The count is a one-row outer side that the page is joined
    to, so a page past the end still carries the total (as one row of NULLs, marked by _on_page
    being NULL); a nested loop over one outer row keeps the page's order. Each row also holds the
    columns _page_total and _on_page, which no response struct names."""
    n = len(args)
    rows = await fetch(
        f"""SELECT counted.total AS _page_total, page.* FROM
              (SELECT count(*) AS total FROM ({select} WHERE {where}) c) counted
            LEFT JOIN LATERAL (
              SELECT true AS _on_page, s.* FROM ({select} WHERE {where} ORDER BY {order}
                                                 LIMIT ${n + 1} OFFSET ${n + 2}) s
            ) page ON true""",
        *args,
        limit,
        offset,
    )
    total = int(rows[0]["_page_total"])
    return ([] if rows[0]["_on_page"] is None else rows), total


async def pending_migrations() -> list[str]:
    """Ids of migrations in migrations/ that this database has not run.

    A database built by the eight first-day migrations counts as up to date: the initial
    migration that replaced them kept the ID of the last, which such a database lists as run.
    """
    from piccolo.apps.migrations.commands.check import CheckMigrationManager

    statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    return [s.migration_id for s in statuses if not s.has_ran]


async def migrate() -> list[str]:
    """Run every pending migration; returns the ids that ran."""
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager

    pending = await pending_migrations()
    if pending:
        chatter = io.StringIO()  # Piccolo narrates with emoji; callers report in their own words
        with contextlib.redirect_stdout(chatter):
            result = await ForwardsMigrationManager(app_name="fieldline").run()
        if not result.success:
            raise RuntimeError(f"migration failed: {result.message}\n{chatter.getvalue()}")
    return pending
