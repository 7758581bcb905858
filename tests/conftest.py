"""Test harness: a fresh database built by the migrations, one app, tables emptied between tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

# Settings are read once: the test environment must be in place before backend is imported.
os.environ["FIELDLINE_ARGON2_PROFILE"] = "test"
os.environ.setdefault("FIELDLINE_BASE_URL", "http://fieldline.test")
# The push endpoints tests subscribe with: allowed as a push service, never resolved or reached.
os.environ.setdefault("FIELDLINE_OUTBOUND_ALLOW", "push.example.com")

import asyncpg
import httpx
import pytest

from backend import db
from backend.settings import get_settings

KEEP_TABLES = {"migration"}


@pytest.fixture(scope="session", autouse=True)
def no_real_dns() -> Iterator[None]:
    """The server's outbound guard resolves names in the tests' DNS, never the real one."""
    from tests.support.outbound import tests_dns

    with tests_dns():
        yield


def _server_url() -> str:
    """DATABASE_URL when set, else the embedded server under .data/: the same rule as the app."""
    settings = get_settings()
    return settings.database_url or db.embedded_url(settings.data_dir)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _recreate_database(server_url: str) -> str:
    base_name = urlsplit(server_url).path.lstrip("/") or "postgres"
    # One database per test process, so runs side by side never truncate each other's tables.
    test_name = f"{base_name}_fieldline_test_{os.getpid()}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{test_name}"')
    finally:
        await conn.close()
    return _with_database(server_url, test_name)


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    server_url = _server_url()
    url = await _recreate_database(server_url)
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.configure(url)
    ran = await db.migrate()
    assert ran, "the schema must come from the migrations"
    yield url
    # The run's own database goes with it; FORCE ends any connection a crashed test left open.
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process, on the test's own event loop and pool."""
    from backend.app import create_app

    # The app's lifespan would open the pool on another loop; the tests open it on theirs.
    await db.open_pool()
    transport = httpx.ASGITransport(app=create_app(), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://fieldline.test") as http:
        yield http
    await db.close_pool()


async def empty_tables() -> None:
    tables = [
        r["tablename"]
        for r in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        if r["tablename"] not in KEEP_TABLES
    ]
    await db.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture
async def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The HTTP client, on empty tables (ids restart at 1): every API test starts clean."""
    await empty_tables()
    client.cookies.clear()
    return client
