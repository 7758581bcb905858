"""Service-loop constraints: one open job per engineer, queue and history indexes, engineer bbox."""

from tests.support.old_migrations import raw_migration

ID = "2026-11-22T22:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one open job per engineer; queue, history and engineer-position indexes"

FORWARDS = """
-- An engineer never holds two offers or jobs at once, whatever the application does.
CREATE UNIQUE INDEX work_order_one_open_job_per_engineer ON work_order (engineer)
    WHERE status IN ('offered', 'accepted', 'en_route', 'on_site');
CREATE INDEX work_order_queue_idx ON work_order (created_at) WHERE status = 'new';
CREATE INDEX work_order_offer_expiry_idx ON work_order (offer_expires_at) WHERE status = 'offered';
CREATE INDEX work_order_device_history_idx ON work_order (device, created_at DESC);
CREATE INDEX work_order_engineer_day_idx ON work_order (engineer, created_at);
CREATE INDEX work_order_product_repairs_idx ON work_order (product, completed_at DESC)
    WHERE completed_at IS NOT NULL;
CREATE INDEX work_order_event_order_idx ON work_order_event (work_order, at);
CREATE INDEX work_order_event_engineer_idx ON work_order_event (work_order, engineer)
    WHERE kind = 'offered';
ALTER TABLE rating ADD CONSTRAINT rating_score_range CHECK (score BETWEEN 1 AND 5);
ALTER TABLE part_usage ADD CONSTRAINT part_usage_qty_positive CHECK (qty > 0);
ALTER TABLE rate_hit ADD CONSTRAINT rate_hit_key_window UNIQUE (key, window_start);
-- Dispatch narrows candidates with a bounding box on either position (SQL, never a scan in Python).
CREATE INDEX app_user_engineer_last_position_idx ON app_user (last_lat, last_lng)
    WHERE role = 'engineer' AND active;
CREATE INDEX app_user_engineer_home_idx ON app_user (home_lat, home_lng)
    WHERE role = 'engineer' AND active;
"""

BACKWARDS = """
DROP INDEX app_user_engineer_home_idx;
DROP INDEX app_user_engineer_last_position_idx;
ALTER TABLE rate_hit DROP CONSTRAINT rate_hit_key_window;
ALTER TABLE part_usage DROP CONSTRAINT part_usage_qty_positive;
ALTER TABLE rating DROP CONSTRAINT rating_score_range;
DROP INDEX work_order_event_engineer_idx;
DROP INDEX work_order_event_order_idx;
DROP INDEX work_order_product_repairs_idx;
DROP INDEX work_order_engineer_day_idx;
DROP INDEX work_order_device_history_idx;
DROP INDEX work_order_offer_expiry_idx;
DROP INDEX work_order_queue_idx;
DROP INDEX work_order_one_open_job_per_engineer;
"""


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
