"""Service contracts remember how far their scheduled plan is made: `plan_next_due`, the first due
day not made yet. The plans clock skips a contract until its horizon reaches that day, so a round
with nothing new reads the contracts' rows only (backend/maintenance/plans.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "service_contract.plan_next_due: the plans clock's bookmark"


async def _execute(sql: str) -> None:
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def add_column() -> None:
        await _execute("ALTER TABLE service_contract ADD COLUMN plan_next_due date")

    async def drop_column() -> None:
        await _execute("ALTER TABLE service_contract DROP COLUMN plan_next_due")

    manager.add_raw(add_column)
    manager.add_raw_backwards(drop_column)
    return manager
