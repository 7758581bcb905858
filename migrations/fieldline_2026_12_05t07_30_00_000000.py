"""Work orders: the SLA targets per priority, edited by admins at run time (GET|PUT
/api/settings/sla): a row per priority once saved, none while the defaults hold (the
FIELDLINE_SLA_* environment, backend/settings.py). A new work order takes its respond_by and
resolve_by from here unless a service contract in force sets its own hours."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "work orders: SLA targets per priority"

SCHEMA = """
CREATE TABLE sla_setting (
    priority varchar(10) PRIMARY KEY CHECK (priority IN ('normal', 'high', 'urgent')),
    respond_hours integer NOT NULL CHECK (respond_hours BETWEEN 1 AND 8760),
    resolve_hours integer NOT NULL CHECK (resolve_hours BETWEEN 1 AND 8760),
    CONSTRAINT sla_setting_resolve_after_respond CHECK (resolve_hours >= respond_hours),
    updated_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""


async def _execute(sql: str) -> None:
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def create_schema() -> None:
        await _execute(SCHEMA)

    async def drop_schema() -> None:
        await _execute("DROP TABLE sla_setting;")

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
