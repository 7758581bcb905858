"""The squashed initial migration: the same schema as the eight it replaced, and old databases
(a `./.data` that `make run` migrated before the squash) seen as up to date with their data kept."""

from __future__ import annotations

import ast
import difflib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from tests.support.old_migrations import LAST as LAST_OLD_MIGRATION
from tests.support.servers import ROOT, free_port

Scratch = Callable[[str], Awaitable[str]]


def run(*command: str, url: str) -> subprocess.CompletedProcess[str]:
    """A command in a process of its own (each points the app's one engine at its database)."""
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
        check=False,
    )


def fieldline(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "backend.cli", *args, url=url)


def migrate_the_old_way(url: str, up_to: str = LAST_OLD_MIGRATION) -> None:
    """What `fieldline migrate` did before the squash: the frozen old migrations, in order."""
    script = "import asyncio, sys; from tests.support.old_migrations import migrate; "
    script += "asyncio.run(migrate(*sys.argv[1:]))"
    result = run(sys.executable, "-c", script, url, up_to, url=url)
    assert result.returncode == 0, result.stdout + result.stderr


def schema(url: str) -> str:
    """`pg_dump --schema-only`, less the \\restrict lines (a random key, new in each dump)."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", f"--dbname={url}"], capture_output=True, text=True, check=True
    ).stdout
    keyed = ("\\restrict ", "\\unrestrict ")
    return "".join(line for line in dump.splitlines(keepends=True) if not line.startswith(keyed))


# Migrations after the squash (ids in order): a database the old migrations built runs these.
LATER = sorted(
    ast.literal_eval(line.split("=", 1)[1].strip())
    for path in (ROOT / "migrations").glob("fieldline_*.py")
    for line in path.read_text().splitlines()
    if line.startswith("ID = ")
)[1:]


async def columns(url: str) -> dict[str, list[str]]:
    """Each table's columns."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"""
        )
    finally:
        await conn.close()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], []).append(row["column_name"])
    return found


def _listed(cols: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols) or "*"  # quoted: a column may be named "user"


async def contents(url: str, only: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every row of every table, the migration table's included, as text in a stable order;
    with `only`, just those tables and columns (what a database held before later migrations
    added to it)."""
    conn = await asyncpg.connect(url)
    try:
        if only is None:
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            only = {t["tablename"]: [] for t in tables}
        return {
            table: [
                r[0]
                for r in await conn.fetch(
                    f"SELECT t::text FROM (SELECT {_listed(cols)} FROM {table}) t ORDER BY 1"
                )
            ]
            for table, cols in only.items()
        }
    finally:
        await conn.close()


@pytest.fixture
async def scratch(database_url: str) -> AsyncIterator[Scratch]:
    """Makes empty databases beside the suite's own (named after it), dropped after the test."""
    made: list[str] = []
    admin = await asyncpg.connect(database_url)

    async def make(suffix: str) -> str:
        name = f"{urlsplit(database_url).path.lstrip('/')}_{suffix}"
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))

    yield make
    for name in made:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def test_migrations_import_nothing_of_the_app() -> None:
    allowed = {"piccolo", *sys.stdlib_module_names}
    for path in sorted((ROOT / "migrations").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert set(roots) <= allowed, f"{path.name} imports {roots}"


async def test_the_squash_builds_the_schema_the_old_migrations_built(scratch: Scratch) -> None:
    old, new = await scratch("old"), await scratch("new")
    migrate_the_old_way(old)
    # Then each builds what came after the squash the same way.
    assert fieldline("migrate", url=old).stdout == f"applied {len(LATER)} migration(s)\n"
    migrated = fieldline("migrate", url=new)
    assert migrated.stdout == f"applied {1 + len(LATER)} migration(s)\n", migrated.stderr

    old_schema, new_schema = schema(old), schema(new)
    assert "CREATE TABLE public.work_order (" in old_schema  # two empty dumps would be equal too
    difference = difflib.unified_diff(
        old_schema.splitlines(), new_schema.splitlines(), "old migrations", "squashed", lineterm=""
    )
    assert new_schema == old_schema, "\n".join(difference)


PASSWORD = "an-old-password"

# A little of everything a user's first days left: an admin in a zone, a customer with a device,
# a finished and rated job.
OLD_ADMIN = """INSERT INTO app_user (name, email, role, password_hash)
    VALUES ('Old Admin', 'admin@old.test', 'admin', $1)"""
OLD_DATA = """
INSERT INTO zone (name, boundary) VALUES ('North', '[[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]');
UPDATE app_user SET zone = (SELECT id FROM zone);
INSERT INTO account (name, name_key, grade, owner, lat, lng)
    SELECT 'Harbour Cold Storage', 'harbour cold storage', 'A', id, 31.25, 121.45 FROM app_user;
INSERT INTO product (sku, name, required_skill) VALUES ('CH-1', 'Chiller', 'hvac');
INSERT INTO device (account, product, serial, qr_token)
    SELECT account.id, product.id, 'SN-1', 'qr-1' FROM account, product;
INSERT INTO work_order (device, account, product, source, description, status, completed_at)
    SELECT id, account, product, 'staff', 'Leaking', 'completed', now() FROM device;
INSERT INTO work_order_event (work_order, kind, actor_kind)
    SELECT id, 'created', 'staff' FROM work_order;
INSERT INTO rating (work_order, score) SELECT id, 5 FROM work_order;
"""

PENDING_THEN_MIGRATE = """
import asyncio, json, sys
from backend import db

async def main():
    db.configure(sys.argv[1])
    return {"pending": await db.pending_migrations(), "ran": await db.migrate()}

print(json.dumps(asyncio.run(main())))
"""


async def test_a_database_the_old_migrations_built_is_up_to_date_and_keeps_its_data(
    scratch: Scratch,
) -> None:
    old = await scratch("old_data")
    migrate_the_old_way(old)
    conn = await asyncpg.connect(old)
    try:
        await conn.execute(OLD_ADMIN, PasswordHasher.from_parameters(CHEAPEST).hash(PASSWORD))
        await conn.execute(OLD_DATA)
    finally:
        await conn.close()
    before = await contents(old)
    assert len(before["migration"]) == 8
    assert len(before["rating"]) == 1
    shape = await columns(old)
    del shape["migration"]  # the later migrations add their own rows there

    # Only the migrations after the squash are pending; they keep every row and column.
    checked = run(sys.executable, "-c", PENDING_THEN_MIGRATE, old, url=old)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == {"pending": LATER, "ran": LATER}, checked.stderr
    assert fieldline("migrate", url=old).stdout == "the database is up to date\n"
    kept = await contents(old, only=shape)
    assert kept == {table: before[table] for table in shape}

    await _serve_and_use(old)


async def _serve_and_use(url: str) -> None:
    """`fieldline serve` starts on the database; the old admin signs in, reads and writes."""
    port = free_port()
    command = [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1"]
    environment = {**os.environ, "DATABASE_URL": url}
    with subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            await _use(server, f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


async def _use(server: subprocess.Popen[str], url: str) -> None:
    assert server.stderr is not None
    log = []
    for line in server.stderr:  # ends early if the server refuses the database and exits
        log.append(line)
        if "Uvicorn running on" in line:
            break
    assert server.poll() is None, "".join(log)

    async with httpx.AsyncClient(base_url=url) as http:
        signed_in = await http.post(
            "/api/auth/login", json={"email": "admin@old.test", "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        bearer = {"Authorization": f"Bearer {signed_in.json()['token']}"}
        old_account = await http.get("/api/accounts/1", headers=bearer)
        assert old_account.json()["name"] == "Harbour Cold Storage"
        added = await http.post(
            "/api/accounts?force=true", json={"name": "Quay Ice Works"}, headers=bearer
        )
        assert added.status_code == 201, added.text
        assert added.json()["id"] == 2  # the old sequence carries on


async def test_a_database_that_ran_only_some_old_migrations_is_told_what_to_do(
    scratch: Scratch,
) -> None:
    half = await scratch("half")
    migrate_the_old_way(half, up_to="2026-11-22T22:37:00:000000")
    before = await contents(half)

    migrated = fieldline("migrate", url=half)
    assert migrated.returncode != 0
    assert "ran only some of the first migrations" in migrated.stderr
    assert "git checkout 6f60438" in migrated.stderr
    assert await contents(half) == before  # nothing half done: the migration's transaction
