"""Activity: the reminder rules' settings, edited by admins at run time (GET|PUT
/api/settings/reminders): one row, or none while the defaults hold (backend/activity/settings.py
keeps them: tests empty every table between tests)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T03:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "activity: reminder rule settings"

SCHEMA = """
CREATE TABLE reminder_setting (
    id integer PRIMARY KEY CONSTRAINT reminder_setting_one_row CHECK (id = 1),
    -- An account not contacted for its grade's days → a task for its owner.
    contact_enabled boolean NOT NULL,
    contact_days_a integer NOT NULL CHECK (contact_days_a > 0),
    contact_days_b integer NOT NULL CHECK (contact_days_b > 0),
    contact_days_c integer NOT NULL CHECK (contact_days_c > 0),
    -- A device's warranty ending within these days → the account's owner.
    warranty_enabled boolean NOT NULL,
    warranty_days integer NOT NULL CHECK (warranty_days > 0),
    -- A payment plan line unpaid this many days after it fell due → the contract's owner.
    payment_enabled boolean NOT NULL,
    payment_grace_days integer NOT NULL CHECK (payment_grace_days >= 0),
    -- An open opportunity past its expected close → its owner.
    close_enabled boolean NOT NULL,
    -- A rating at or under this score → a supervisor and the account's owner, due within hours.
    rating_enabled boolean NOT NULL,
    rating_max_score smallint NOT NULL CHECK (rating_max_score BETWEEN 1 AND 4),
    rating_hours integer NOT NULL CHECK (rating_hours > 0),
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
        await _execute("DROP TABLE reminder_setting;")

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
