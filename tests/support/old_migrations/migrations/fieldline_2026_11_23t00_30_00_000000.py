"""Supervisor boards: daily rollup tables, their state, a zone-polygon helper and range indexes."""

from tests.support.old_migrations import raw_migration

ID = "2026-11-23T00:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "board rollups (service days and weeks, parts, routes), zone polygons, indexes"

FORWARDS = """
-- A zone's boundary ([[lat, lng], ...]) as a PostgreSQL polygon with x = lng, y = lat, so that
-- `point(lng, lat) <@ board_zone_area(boundary)` says whether a site lies in the zone.
CREATE FUNCTION board_zone_area(boundary jsonb) RETURNS polygon
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ('(' || string_agg(format('(%s,%s)', p->>1, p->>0), ',' ORDER BY i) || ')')::polygon
    FROM jsonb_array_elements(boundary) WITH ORDINALITY AS t(p, i)
$$;

-- One row per business day, zone (0 = every site) and product ('p') or engineer ('e'):
-- additive sums, each anchored on the day its own event happened (see backend/boards/rollups.py).
CREATE TABLE board_day (
    dim char(1) NOT NULL CHECK (dim IN ('p', 'e')),
    zone integer NOT NULL,
    day date NOT NULL,
    key integer NOT NULL,
    requests integer NOT NULL,
    offers integer NOT NULL,
    offer_secs double precision NOT NULL,
    arrivals integer NOT NULL,
    arrive_secs double precision NOT NULL,
    completed integer NOT NULL,
    complete_secs double precision NOT NULL,
    onsite_n integer NOT NULL,
    onsite_secs double precision NOT NULL,
    breached integer NOT NULL,
    repeats integer NOT NULL,
    ratings integer NOT NULL,
    score_sum integer NOT NULL,
    r1 integer NOT NULL,
    r2 integer NOT NULL,
    r3 integer NOT NULL,
    r4 integer NOT NULL,
    r5 integer NOT NULL,
    PRIMARY KEY (dim, zone, day, key)
);
-- The engineer rows of board_day summed by whole week (Monday), for long date ranges; with the
-- number of days on which the engineer completed a job.
CREATE TABLE board_week (
    zone integer NOT NULL,
    week date NOT NULL,
    key integer NOT NULL,
    completed integer NOT NULL,
    onsite_n integer NOT NULL,
    onsite_secs double precision NOT NULL,
    breached integer NOT NULL,
    repeats integer NOT NULL,
    ratings integer NOT NULL,
    score_sum integer NOT NULL,
    r1 integer NOT NULL,
    r2 integer NOT NULL,
    active_days integer NOT NULL,
    PRIMARY KEY (zone, week, key)
);
CREATE TABLE board_part_day (
    zone integer NOT NULL,
    day date NOT NULL,
    part integer NOT NULL,
    qty integer NOT NULL,
    jobs integer NOT NULL,
    PRIMARY KEY (zone, day, part)
);
CREATE TABLE board_route_day (
    day date NOT NULL,
    person integer NOT NULL,
    km double precision NOT NULL,
    fixes integer NOT NULL,
    PRIMARY KEY (day, person)
);
-- Days up to `through` are read from the rollups; later days are computed live. The marks are
-- the last ids the refresh saw: rows after them that fall on stored days make those days live.
CREATE TABLE board_rollup (
    id integer PRIMARY KEY CHECK (id = 1),
    through date NOT NULL,
    zones_key text NOT NULL,
    repeat_days integer NOT NULL,
    event_mark bigint NOT NULL,
    rating_mark bigint NOT NULL,
    ping_mark bigint NOT NULL,
    refreshed_at timestamptz NOT NULL
);

-- Every board figure reads a time range of one event kind.
CREATE INDEX work_order_created_idx ON work_order (created_at);
CREATE INDEX work_order_arrived_idx ON work_order (arrived_at) WHERE arrived_at IS NOT NULL;
CREATE INDEX work_order_completed_idx ON work_order (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX work_order_open_idx ON work_order (status)
    WHERE status IN ('new', 'offered', 'accepted', 'en_route', 'on_site');
CREATE INDEX work_order_event_offered_at_idx ON work_order_event (at) WHERE kind = 'offered';
CREATE INDEX rating_at_idx ON rating (at);
CREATE INDEX visit_checkin_idx ON visit (checkin_at) INCLUDE (rep, account, on_site)
    WHERE checkin_at IS NOT NULL;
CREATE INDEX account_grade_contacted_idx ON account (grade, last_contacted_at);
CREATE INDEX device_product_installed_idx ON device (product, installed_on);
"""

BACKWARDS = """
DROP INDEX device_product_installed_idx;
DROP INDEX account_grade_contacted_idx;
DROP INDEX visit_checkin_idx;
DROP INDEX rating_at_idx;
DROP INDEX work_order_event_offered_at_idx;
DROP INDEX work_order_open_idx;
DROP INDEX work_order_completed_idx;
DROP INDEX work_order_arrived_idx;
DROP INDEX work_order_created_idx;
DROP TABLE board_rollup;
DROP TABLE board_route_day;
DROP TABLE board_part_day;
DROP TABLE board_week;
DROP TABLE board_day;
DROP FUNCTION board_zone_area(jsonb);
"""


forwards = raw_migration(ID, DESCRIPTION, FORWARDS, BACKWARDS)
