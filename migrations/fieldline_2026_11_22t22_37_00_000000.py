"""Field-work indexes and constraints: a key is applied once per user; routes read pings by time."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T22:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency key unique per user; ping and visit indexes"

FORWARDS = """
ALTER TABLE idempotency_key ADD CONSTRAINT idempotency_key_user_key UNIQUE ("user", key);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
CREATE INDEX location_ping_user_at_idx ON location_ping ("user", at);
CREATE INDEX visit_rep_planned_idx ON visit (rep, planned_at);
"""

BACKWARDS = """
DROP INDEX visit_rep_planned_idx;
DROP INDEX location_ping_user_at_idx;
DROP INDEX idempotency_key_created_idx;
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_user_key;
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
