"""Sessions announce their own end: a trigger NOTIFYs `fieldline_sessions` with the user's id when
a session is revoked, cut short or deleted, or a user's active flag, role or name changes or the
user is deleted (a TRUNCATE says '*': all of them), whoever writes it (the API, the CLI, an
operator's SQL). Every worker LISTENs and drops that user's cached sessions
(backend/staff/sessions.py), so a revoked session or a deactivated user is refused at once, on
every worker, without a session query per request.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sessions: NOTIFY fieldline_sessions when a session or its user changes"

SCHEMA = r"""
CREATE FUNCTION fieldline_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('fieldline_sessions', '*');  -- every cached session goes
    ELSIF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'auth_session' THEN
        PERFORM pg_notify('fieldline_sessions', OLD."user"::text);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('fieldline_sessions', OLD.id::text);
    ELSIF TG_TABLE_NAME = 'auth_session' THEN
        PERFORM pg_notify('fieldline_sessions', NEW."user"::text);
    ELSE
        PERFORM pg_notify('fieldline_sessions', NEW.id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER auth_session_changed AFTER UPDATE ON auth_session FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
    EXECUTE FUNCTION fieldline_session_changed();

CREATE TRIGGER app_user_session_changed AFTER UPDATE ON app_user FOR EACH ROW
    WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION fieldline_session_changed();

CREATE TRIGGER auth_session_deleted AFTER DELETE ON auth_session FOR EACH ROW
    EXECUTE FUNCTION fieldline_session_changed();
CREATE TRIGGER app_user_deleted AFTER DELETE ON app_user FOR EACH ROW
    EXECUTE FUNCTION fieldline_session_changed();
CREATE TRIGGER auth_session_truncated AFTER TRUNCATE ON auth_session FOR EACH STATEMENT
    EXECUTE FUNCTION fieldline_session_changed();
CREATE TRIGGER app_user_truncated AFTER TRUNCATE ON app_user FOR EACH STATEMENT
    EXECUTE FUNCTION fieldline_session_changed();
"""

DROP_SCHEMA = r"""
DROP TRIGGER app_user_truncated ON app_user;
DROP TRIGGER auth_session_truncated ON auth_session;
DROP TRIGGER app_user_deleted ON app_user;
DROP TRIGGER auth_session_deleted ON auth_session;
DROP TRIGGER app_user_session_changed ON app_user;
DROP TRIGGER auth_session_changed ON auth_session;
DROP FUNCTION fieldline_session_changed();
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
