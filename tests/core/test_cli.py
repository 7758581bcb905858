"""The `fieldline` command line, run as a user would in a subprocess."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.support.commands import fieldline


@pytest.fixture
async def empty_database(database_url: str):
    """A second, empty database on the same server (the suite's own one stays migrated)."""
    name = urlsplit(database_url).path.lstrip("/") + "_cli"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def test_serve_refuses_a_database_behind_on_migrations(empty_database):
    result = fieldline("serve", "--port", "0", url=empty_database)
    assert result.returncode == 2
    assert "migration(s) behind" in result.stderr
    assert "fieldline migrate" in result.stderr


async def test_migrate_then_create_user_who_can_sign_in(empty_database):
    migrated = fieldline("migrate", url=empty_database)
    assert migrated.returncode == 0, migrated.stderr
    again = fieldline("migrate", url=empty_database)
    assert "up to date" in again.stdout
    created = fieldline(
        "create-user",
        "--email",
        "Boss@Example.test",
        "--name",
        "Boss",
        "--role",
        "admin",
        url=empty_database,
        FIELDLINE_PASSWORD="a-long-password",
        FIELDLINE_ARGON2_PROFILE="test",
    )
    assert created.returncode == 0, created.stderr
    assert "created admin boss@example.test" in created.stdout
    conn = await asyncpg.connect(empty_database)
    try:
        row = await conn.fetchrow(
            "SELECT role, active FROM app_user WHERE email = $1", "boss@example.test"
        )
    finally:
        await conn.close()
    assert (row["role"], row["active"]) == ("admin", True)
    duplicate = fieldline(
        "create-user",
        "--email",
        "boss@example.test",
        "--name",
        "Boss",
        "--role",
        "admin",
        url=empty_database,
        FIELDLINE_PASSWORD="a-long-password",
        FIELDLINE_ARGON2_PROFILE="test",
    )
    assert duplicate.returncode == 1
    assert "exists" in duplicate.stderr
    short = fieldline(
        "create-user",
        "--email",
        "x@example.test",
        "--name",
        "X",
        "--role",
        "rep",
        url=empty_database,
        FIELDLINE_PASSWORD="short",
        FIELDLINE_ARGON2_PROFILE="test",
    )
    assert short.returncode == 2
    assert "password" in short.stderr
