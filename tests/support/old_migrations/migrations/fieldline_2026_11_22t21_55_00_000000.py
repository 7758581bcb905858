"""Constraints the column definitions cannot say: unique serial per product, one stock row per holder."""

from tests.support.old_migrations import raw_migration

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


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
