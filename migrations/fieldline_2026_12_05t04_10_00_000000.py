"""The import's runs: what was uploaded, how each row ended, and the rows in error (their cells,
for the .xlsx the user downloads to fix and upload again)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T04:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "integrations: import runs"

SCHEMA = """
CREATE TABLE import_run (
    id serial PRIMARY KEY,
    kind varchar(10) NOT NULL
        CONSTRAINT import_run_kind CHECK (kind IN ('accounts', 'contacts', 'leads', 'devices')),
    filename varchar(255) NOT NULL,
    mode varchar(10) NOT NULL CONSTRAINT import_run_mode CHECK (mode IN ('dry_run', 'commit')),
    on_duplicate varchar(6) NOT NULL,
    mapping jsonb NOT NULL,
    header jsonb NOT NULL,
    rows integer NOT NULL,
    valid integer NOT NULL,
    created integer NOT NULL,
    updated integer NOT NULL,
    skipped integer NOT NULL,
    -- [{row, field, message}] of every row in error, and those rows' cells [[line, cell…]]
    errors jsonb NOT NULL,
    error_rows jsonb NOT NULL,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX import_run_created_idx ON import_run (created_at DESC);
"""

DROP_SCHEMA = "DROP TABLE import_run;"


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
