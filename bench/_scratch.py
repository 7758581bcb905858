"""Scratch databases and app servers for the benches: made for one run, dropped after it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from backend import db
from tests.support import servers

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

Row = tuple[Any, ...]


def server_url() -> str:
    """DATABASE_URL when set, else the machine's PostgreSQL."""
    return os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL


def url_for(database: str) -> str:
    """The URL of `database` on the server of server_url()."""
    return urlunsplit(urlsplit(server_url())._replace(path=f"/{database}"))


async def admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE / DROP DATABASE)."""
    conn = await asyncpg.connect(server_url())
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def scratch_database(name: str) -> AsyncIterator[str]:
    """A fresh database fieldline_bench_<name>, migrated, with the pool open; dropped on exit."""
    database = f"fieldline_bench_{name}"
    await admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await admin(f'CREATE DATABASE "{database}"')
    url = url_for(database)
    try:
        db.configure(url)
        await db.migrate()
        await db.open_pool()
        yield url
    finally:
        await db.close_pool()
        await admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """COPY rows into table on the current transaction's connection (or a pooled one)."""
    records = list(rows)
    if records:
        async with db.connection() as conn:
            await conn.copy_records_to_table(table, records=records, columns=list(columns))
    return len(records)


async def reset_sequences(tables: Iterable[str]) -> None:
    """Serial ids continue after the explicit ids COPY wrote (the app inserts with defaults)."""
    for table in tables:
        await db.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {table}), 1))"
        )


@contextmanager
def app_server(database_url: str, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """servers.app_server with no board rollup refresh running during a bench; yields
    (base URL, process) and raises servers.ServerFailed if the server does not come up."""
    with servers.app_server(database_url, log, FIELDLINE_BOARD_REFRESH_SECONDS="0") as started:
        yield started
