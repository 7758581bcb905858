"""The first day's eight migrations, frozen as they were before the squash, to build old databases.

tests/core/test_migrations.py builds a database with them (as a `make run` before the squash
did) and compares it with one built by today's migrations/. The files in migrations/ here are
copies from commit 09822f1; the only change is that the five raw-SQL ones import raw_migration
from here, where it was in backend/db.py (which no longer has it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "migrations"
LAST = "2026-11-23T00:45:00:000000"


def raw_migration(
    migration_id: str, description: str, forwards_sql: str, backwards_sql: str
) -> Callable[[], Awaitable[Any]]:
    """The `forwards` of a Piccolo migration that runs raw SQL, as backend/db.py had it."""
    from piccolo.apps.migrations.auto.migration_manager import MigrationManager
    from piccolo.engine import engine_finder

    async def execute(sql: str) -> None:
        async with engine_finder().transaction() as transaction:
            await transaction.connection.execute(sql)

    async def forwards() -> MigrationManager:
        manager = MigrationManager(
            migration_id=migration_id, app_name="fieldline", description=description
        )

        async def run() -> None:
            await execute(forwards_sql)

        async def run_backwards() -> None:
            await execute(backwards_sql)

        manager.add_raw(run)
        manager.add_raw_backwards(run_backwards)
        return manager

    return forwards


async def migrate(url: str, up_to: str = LAST) -> None:
    """Run the old migrations on the database at url, up to and including the id up_to.

    Run it in a process of its own: it points the app's one engine at url.
    """
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
    from piccolo.conf.apps import AppConfig

    from backend import db

    db.configure(url)
    manager = ForwardsMigrationManager(app_name="fieldline", migration_id=up_to)
    await manager.create_migration_table()
    old_app = AppConfig(app_name="fieldline", migrations_folder_path=str(FOLDER))
    result = await manager.run_migrations(old_app)
    if not result.success:
        raise RuntimeError(f"the old migrations failed: {result.message}")
