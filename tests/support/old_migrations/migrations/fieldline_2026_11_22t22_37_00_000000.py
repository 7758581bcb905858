"""Field-work indexes and constraints: a key is applied once per user; routes read pings by time."""

from tests.support.old_migrations import raw_migration

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


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
