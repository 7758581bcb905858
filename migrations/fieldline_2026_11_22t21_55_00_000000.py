"""Constraints the column definitions cannot say: unique serial per product, one stock row per holder."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T21:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "device serial unique per product; stock unique per part and holder"

FORWARDS = """
ALTER TABLE device ADD CONSTRAINT device_product_serial_key UNIQUE (product, serial);
CREATE UNIQUE INDEX stock_part_holder_key ON stock (part, COALESCE(engineer, 0));
ALTER TABLE stock ADD CONSTRAINT stock_qty_not_negative CHECK (qty >= 0);
CREATE INDEX auth_session_expires_idx ON auth_session (expires_at);
"""

BACKWARDS = """
DROP INDEX auth_session_expires_idx;
ALTER TABLE stock DROP CONSTRAINT stock_qty_not_negative;
DROP INDEX stock_part_holder_key;
ALTER TABLE device DROP CONSTRAINT device_product_serial_key;
"""


async def forwards() -> MigrationManager:
    from backend.db import execute

    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def run() -> None:
        await execute(FORWARDS)

    async def run_backwards() -> None:
        await execute(BACKWARDS)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
