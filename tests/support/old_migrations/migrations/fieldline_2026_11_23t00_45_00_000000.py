"""Board indexes found by the 1M-row benchmark: rollups by day, zone sites by GiST."""

from tests.support.old_migrations import raw_migration

ID = "2026-11-23T00:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "board rollup day indexes; GiST indexes on account and device sites"

FORWARDS = """
-- A refresh replaces the rollups from one day on.
CREATE INDEX board_day_day_idx ON board_day (day);
CREATE INDEX board_week_week_idx ON board_week (week);
CREATE INDEX board_part_day_day_idx ON board_part_day (day);
-- Sites inside a zone's polygon, found by the index instead of a test on every row.
CREATE INDEX account_site_idx ON account USING gist (point(lng, lat));
CREATE INDEX device_site_idx ON device USING gist (point(lng, lat));
CREATE INDEX device_unplaced_idx ON device (account) WHERE lat IS NULL;
"""

BACKWARDS = """
DROP INDEX device_unplaced_idx;
DROP INDEX device_site_idx;
DROP INDEX account_site_idx;
DROP INDEX board_part_day_day_idx;
DROP INDEX board_week_week_idx;
DROP INDEX board_day_day_idx;
"""


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
