"""The board figures as SQL: per business day, zone and product or engineer, additive sums.

Each measure is anchored on the day its own event happened: a request on its creation, the
first offer, the arrival, the completion (times, SLA, first-time fix, parts), a rating, a
location fix. The same SQL serves the stored rollups and the live days of a board.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

MEASURES = (
    "requests",
    "offers",
    "offer_secs",
    "arrivals",
    "arrive_secs",
    "completed",
    "complete_secs",
    "onsite_n",
    "onsite_secs",
    "breached",
    "repeats",
    "ratings",
    "score_sum",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
)
SECONDS = ("offer_secs", "arrive_secs", "complete_secs", "onsite_secs")
# What the engineers' table needs, kept per week as well (board_week).
ENGINEER_MEASURES = (
    *("completed", "onsite_n", "onsite_secs", "breached", "repeats"),
    *("ratings", "score_sum", "r1", "r2"),
)
_PARAM = re.compile(r"%\((\w+)\)s")
EPOCH = "extract(epoch FROM {})::float8"
EARTH_KM = 6371.0088  # the IUGG mean radius: haversine on a sphere, see docs/benchmarks.md


def bind(template: str, **values: Any) -> tuple[str, list[Any]]:
    """`%(name)s` placeholders → asyncpg's $n, each name bound once however often it appears."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _PARAM.sub(number, template), [values[name] for name in order]


# --- which zones a site counts in -------------------------------------------------------------

# A board asks for one zone (0: every site); the refresh files each site under 0 and every zone
# whose boundary holds it. Sites without coordinates count only under 0. (A join on a one-row
# table, not a lateral subquery: the zone's polygon is built once, not once per row.)
ONE_ZONE = """JOIN (SELECT %(zone)s::int AS zone, (SELECT board_zone_area(boundary) FROM zone
                                            WHERE id = %(zone)s) AS area) zz
    ON zz.zone = 0 OR point({alias}.lng, {alias}.lat) <@ zz.area"""
EVERY_ZONE = """CROSS JOIN LATERAL (SELECT 0 AS zone UNION ALL SELECT za.id FROM zone_areas za
    WHERE point({alias}.lng, {alias}.lat) <@ za.area) zz"""
ZONE_AREAS = "zone_areas AS MATERIALIZED (SELECT id, board_zone_area(boundary) AS area FROM zone)"


def sum_of(measure: str, count_type: str = "bigint") -> str:
    """sum() with the type fixed: PostgreSQL widens sums of bigint to numeric (Decimal)."""
    return f"sum({measure})::{'float8' if measure in SECONDS else count_type} AS {measure}"


def local_day(column: str) -> str:
    return f"({column} AT TIME ZONE %(tz)s)::date"


def _fact(day: str, key: str, values: dict[str, str], source: str) -> str:
    columns = ", ".join(f"({values.get(m, '0')}) AS {m}" for m in MEASURES)
    return f"SELECT {local_day(day)} AS day, zz.zone, {key} AS key, {columns}\n{source}"


def service_days_sql(dim: str, every_zone: bool) -> str:
    """Rows (day, zone, key, measures...) of [start, end): key = product ('p') or engineer ('e')."""
    zones = EVERY_ZONE if every_zone else ONE_ZONE
    z = zones.format(alias="w")
    key = "w.product" if dim == "p" else "COALESCE(w.engineer, 0)"
    offer_key = "w.product" if dim == "p" else "COALESCE(e.engineer, 0)"
    breach = (
        "(COALESCE(w.accepted_at, w.completed_at) > w.respond_by "
        "OR w.completed_at > w.resolve_by)::int"
    )
    repeat = """EXISTS (SELECT 1 FROM work_order r WHERE r.device = w.device AND r.id <> w.id
        AND r.status <> 'cancelled' AND r.created_at > w.completed_at
        AND r.created_at <= w.completed_at + make_interval(days => %(repeat_days)s))::int"""
    facts = [
        _fact(
            "w.created_at",
            key,
            {"requests": "1"},
            f"FROM work_order w {z}\nWHERE w.created_at >= %(start)s AND w.created_at < %(end)s",
        ),
        _fact(
            "e.at",
            offer_key,
            {"offers": "1", "offer_secs": EPOCH.format("e.at - w.created_at")},
            f"""FROM work_order_event e JOIN work_order w ON w.id = e.work_order {z}
WHERE e.kind = 'offered' AND e.at >= %(start)s AND e.at < %(end)s
  AND NOT EXISTS (SELECT 1 FROM work_order_event f WHERE f.work_order = e.work_order
                  AND f.kind = 'offered' AND (f.at, f.id) < (e.at, e.id))""",
        ),
        _fact(
            "w.arrived_at",
            key,
            {"arrivals": "1", "arrive_secs": EPOCH.format("w.arrived_at - w.created_at")},
            f"FROM work_order w {z}\nWHERE w.arrived_at >= %(start)s AND w.arrived_at < %(end)s",
        ),
        _fact(
            "w.completed_at",
            key,
            {
                "completed": "1",
                "complete_secs": EPOCH.format("w.completed_at - w.created_at"),
                "onsite_n": "(w.arrived_at IS NOT NULL)::int",
                "onsite_secs": f"COALESCE({EPOCH.format('w.completed_at - w.arrived_at')}, 0)",
                "breached": breach,
                "repeats": repeat,
            },
            f"FROM work_order w {z}\n"
            "WHERE w.completed_at >= %(start)s AND w.completed_at < %(end)s",
        ),
        _fact(
            "r.at",
            key,
            {"ratings": "1", "score_sum": "r.score"}
            | {f"r{s}": f"(r.score = {s})::int" for s in range(1, 6)},
            f"FROM rating r JOIN work_order w ON w.id = r.work_order {z}\n"
            "WHERE r.at >= %(start)s AND r.at < %(end)s",
        ),
    ]
    sums = ", ".join(sum_of(m, "int") for m in MEASURES)
    union = "\nUNION ALL\n".join(facts)
    return f"SELECT day, zone, key, {sums} FROM (\n{union}\n) facts GROUP BY day, zone, key"


def part_days_sql(every_zone: bool) -> str:
    """Rows (day, zone, part, qty, jobs) of parts used on jobs completed in [start, end)."""
    z = (EVERY_ZONE if every_zone else ONE_ZONE).format(alias="w")
    return f"""SELECT {local_day("w.completed_at")} AS day, zz.zone, pu.part,
       sum(pu.qty)::int AS qty, count(DISTINCT w.id)::int AS jobs
FROM part_usage pu JOIN work_order w ON w.id = pu.work_order {z}
WHERE w.completed_at >= %(start)s AND w.completed_at < %(end)s
GROUP BY 1, 2, 3"""


def haversine_km(lat1: str, lng1: str, lat2: str, lng2: str) -> str:
    return f"""(2 * {EARTH_KM} * asin(sqrt(
    power(sin(radians({lat2} - {lat1}) / 2), 2)
    + cos(radians({lat1})) * cos(radians({lat2}))
      * power(sin(radians({lng2} - {lng1}) / 2), 2))))"""


# Each rep's accurate fixes of [start, end) in time order; a day's distance is the great-circle sum
# between consecutive fixes of that day (a route does not run across midnight).
ROUTE_DAYS_SQL = f"""SELECT day, person, sum(COALESCE(km, 0)) AS km, count(*)::int AS fixes FROM (
    SELECT u.id AS person, p.day,
           {haversine_km("lag(p.lat) OVER w", "lag(p.lng) OVER w", "p.lat", "p.lng")} AS km
    FROM app_user u CROSS JOIN LATERAL (
        SELECT q.at, q.id, q.lat, q.lng, {local_day("q.at")} AS day FROM location_ping q
        WHERE q."user" = u.id AND q.at >= %(start)s AND q.at < %(end)s
          AND (q.accuracy IS NULL OR q.accuracy <= %(max_accuracy)s)) p
    WHERE u.role = 'rep'
    WINDOW w AS (PARTITION BY u.id, p.day ORDER BY p.at, p.id)
) segments GROUP BY day, person"""


def whole_weeks(first: date, last: date) -> tuple[date, date, date, date, date, date]:
    """[first, last] as (head days, whole weeks by their Mondays, rest days): each range given as
    (from, to), empty when from > to. Long ranges then read a row per week, not per day."""
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    last_monday = last - timedelta(days=(last.weekday() + 1) % 7 + 6)
    if monday > last_monday:
        return first, last, monday, monday - timedelta(days=7), last + timedelta(days=1), last
    return (
        first,
        monday - timedelta(days=1),
        monday,
        last_monday,
        last_monday + timedelta(days=7),
        last,
    )
