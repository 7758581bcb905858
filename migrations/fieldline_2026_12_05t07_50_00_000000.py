"""SLA attainment on the satisfaction board reads each deadline in its range (respond_by,
resolve_by): an index on each, so a week's board is a range scan and not a pass over every job."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T07:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "work_order: indexes on respond_by and resolve_by (SLA attainment)"

SCHEMA = r"""
CREATE INDEX work_order_respond_by ON work_order (respond_by) WHERE respond_by IS NOT NULL;
CREATE INDEX work_order_resolve_by ON work_order (resolve_by) WHERE resolve_by IS NOT NULL;
"""

DROP_SCHEMA = r"""
DROP INDEX work_order_resolve_by;
DROP INDEX work_order_respond_by;
"""


async def _execute(sql: str) -> None:
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def create_schema() -> None:
        await _execute(SCHEMA)

    async def drop_schema() -> None:
        await _execute(DROP_SCHEMA)

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
