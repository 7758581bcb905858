"""Daily rollups of the board figures: one SQL definition, stored for past days, computed live
for the rest, and the refresh that keeps the stored days right.

Every measure is anchored on the day its own event happened (a request on its creation, a first
offer, an arrival, a completion, a rating, a location fix on their own days), so new activity
lands on today, which is always live. Past days change only through writes that arrive late
(history imported, pings replayed from an offline phone) and through repeat jobs, which undo the
first-time fix of an earlier completion on the same device. The refresh keeps the last ids it saw
(its marks); rows after them show which stored days changed: the refresh recomputes those, and
until it has, boards compute them live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from backend import db
from backend.boards.facts import (
    ENGINEER_MEASURES,
    MEASURES,
    ROUTE_DAYS_SQL,
    ZONE_AREAS,
    bind,
    part_days_sql,
    service_days_sql,
    sum_of,
)
from backend.clock import Job, company_day, day_start, today
from backend.settings import get_settings

log = logging.getLogger("fieldline.boards")


@dataclass(frozen=True)
class Split:
    """A day range cut into the stored part [rolled_from, rolled_to] and the live part."""

    rolled_from: date
    rolled_to: date  # before rolled_from when nothing is stored for the range
    live_start: datetime
    live_end: datetime


async def zones_key() -> str:
    """Changes whenever a zone is added, removed or redrawn: stored zone figures are then stale."""
    return str(
        await db.fetchval(
            "SELECT COALESCE(md5(string_agg(id || ':' || boundary::text, ';' ORDER BY id)), '') "
            "FROM zone"
        )
    )


# The marks are the last ids a refresh has taken into account. Ids commit out of order, so a
# mark only covers rows older than SETTLE: a write still in flight while a refresh reads the
# marks is then always after them, and looked at again.
SETTLE = "5 minutes"
CHANGED_SINCE_SQL = """SELECT least(
    (SELECT min(at) FROM work_order_event WHERE id > $1),
    (SELECT min(at) FROM rating WHERE id > $2),
    (SELECT min(at) FROM location_ping WHERE id > $3),
    (SELECT min(w2.completed_at) FROM work_order_event e
     JOIN work_order w ON w.id = e.work_order
     JOIN work_order w2 ON w2.device = w.device AND w2.id <> w.id
          AND w2.completed_at < w.created_at
          AND w2.completed_at >= w.created_at - make_interval(days => $4)
     WHERE e.id > $1 AND e.kind IN ('created', 'cancelled')))"""
MARKS_SQL = f"""SELECT
    COALESCE((SELECT max(id) FROM work_order_event WHERE at < now() - '{SETTLE}'::interval), 0)
        AS event_mark,
    COALESCE((SELECT max(id) FROM rating WHERE at < now() - '{SETTLE}'::interval), 0)
        AS rating_mark,
    COALESCE((SELECT max(id) FROM location_ping WHERE at < now() - '{SETTLE}'::interval), 0)
        AS ping_mark"""


async def _changed_since(state: Any) -> date | None:
    """The first business day that writes after the state's marks have changed, if any."""
    at = await db.fetchval(
        CHANGED_SINCE_SQL,
        state["event_mark"],
        state["rating_mark"],
        state["ping_mark"],
        state["repeat_days"],
    )
    return company_day(at) if at is not None else None


async def split(first: date, last: date) -> Split:
    """Where the stored days end for this range. Stored days that later writes have changed, and
    every stored day once zones or the repeat window changed, are computed live instead: a board
    is never wrong, only slower until the next refresh."""
    state = await db.fetchrow("SELECT * FROM board_rollup")
    through = first - timedelta(days=1)
    if (
        state is not None
        and state["zones_key"] == await zones_key()
        and state["repeat_days"] == get_settings().repeat_days
    ):
        stored = state["through"]
        changed = await _changed_since(state)
        if changed is not None:
            stored = min(stored, changed - timedelta(days=1))
        through = min(max(stored, through), last)
    live_from = through + timedelta(days=1)
    return Split(first, through, day_start(live_from), day_start(last + timedelta(days=1)))


# --- refresh ---------------------------------------------------------------------------------

REFRESH_LOCK = 0x0B0A_4D5  # pg advisory lock id: one refresher at a time across workers
ROLLUPS = ("board_rollup", "board_day", "board_week", "board_part_day", "board_route_day")
SOURCES = (
    *("work_order", "work_order_event", "rating", "part_usage", "location_ping", "zone"),
    *("app_user", "part", "product", "device", "account"),
)


@dataclass(frozen=True)
class Refreshed:
    through: date | None  # None: another worker was refreshing, or a table was locked
    recomputed_from: date | None  # None: nothing had changed


async def _first_day() -> date:
    """The earliest day any figure can fall on."""
    earliest = await db.fetchval(
        "SELECT least((SELECT min(created_at) FROM work_order), "
        "(SELECT min(at) FROM location_ping))"
    )
    if earliest is None:
        return today()
    return company_day(earliest)


async def _lock() -> bool:
    """Every lock the refresh needs, taken at once and without waiting: holding them all before
    it reads, the refresh can never be half of a deadlock (with a TRUNCATE, say); it skips."""
    if not await db.fetchval("SELECT pg_try_advisory_xact_lock($1)", REFRESH_LOCK):
        return False
    try:
        async with db.transaction():
            await db.execute(f"LOCK TABLE {', '.join(ROLLUPS)} IN ROW EXCLUSIVE MODE NOWAIT")
            await db.execute(f"LOCK TABLE {', '.join(SOURCES)} IN ACCESS SHARE MODE NOWAIT")
    except asyncpg.LockNotAvailableError:
        return False
    return True


async def refresh(*, on: date | None = None, full: bool = False) -> Refreshed:
    """Stores every day before `on` (default: today), recomputing the stored days that writes
    since the last refresh have changed. Safe to run from every worker at once."""
    settings = get_settings()
    on = on or today()
    through = on - timedelta(days=1)
    async with db.transaction():
        if not await _lock():
            return Refreshed(None, None)
        state = await db.fetchrow("SELECT * FROM board_rollup WHERE id = 1")
        key = await zones_key()
        marks = await db.fetchrow(MARKS_SQL)
        assert marks is not None
        if (
            full
            or state is None
            or state["zones_key"] != key
            or state["repeat_days"] != settings.repeat_days
        ):
            start = await _first_day()
            for table in ROLLUPS[1:]:
                await db.execute(f"DELETE FROM {table}")
        else:
            seen = [state[k] for k in ("event_mark", "rating_mark", "ping_mark")]
            if seen == list(marks.values()) and state["through"] == through:
                return Refreshed(through, None)
            start = state["through"] + timedelta(days=1)
            changed = await _changed_since(state)
            if changed is not None:
                start = min(start, changed)
        # From `start` on, and any day after `through` (should the clock have gone back).
        since = min(start, through + timedelta(days=1))
        for table in ROLLUPS[1:]:
            if table == "board_week":
                await db.execute(
                    "DELETE FROM board_week WHERE week >= $1", since - timedelta(since.weekday())
                )
            else:
                await db.execute(f"DELETE FROM {table} WHERE day >= $1", since)
        if start <= through:
            await _recompute(start, on)
        await db.execute(
            """INSERT INTO board_rollup (id, through, zones_key, repeat_days, event_mark,
                   rating_mark, ping_mark, refreshed_at)
               VALUES (1, $1, $2, $3, $4, $5, $6, now())
               ON CONFLICT (id) DO UPDATE SET through = $1, zones_key = $2, repeat_days = $3,
                   event_mark = $4, rating_mark = $5, ping_mark = $6, refreshed_at = now()""",
            through,
            key,
            settings.repeat_days,
            marks["event_mark"],
            marks["rating_mark"],
            marks["ping_mark"],
        )
    log.info("board rollups stored through %s (recomputed from %s)", through, start)
    return Refreshed(through, start if start <= through else None)


async def _recompute(start_day: date, on: date) -> None:
    """Writes the rows of [start_day, on) in the order boards read them (zone, then day), so a
    range of days is a few adjacent pages, not a page per row."""
    settings = get_settings()
    values = {
        "tz": settings.business_timezone,
        "start": day_start(start_day),
        "end": day_start(on),
        "repeat_days": settings.repeat_days,
    }
    for dim in ("p", "e"):
        sql, args = bind(
            f"WITH {ZONE_AREAS} SELECT '{dim}', * FROM ({service_days_sql(dim, True)}) d "
            "ORDER BY zone, day, key",
            **values,
        )
        columns = ", ".join(MEASURES)
        await db.execute(f"INSERT INTO board_day (dim, day, zone, key, {columns}) {sql}", *args)
    sql, args = bind(
        f"WITH {ZONE_AREAS} SELECT zone, day, part, qty, jobs FROM ({part_days_sql(True)}) d "
        "ORDER BY zone, day, part",
        **values,
    )
    await db.execute(f"INSERT INTO board_part_day (zone, day, part, qty, jobs) {sql}", *args)
    del values["repeat_days"]
    sql, args = bind(ROUTE_DAYS_SQL, max_accuracy=float(settings.route_max_accuracy_m), **values)
    await db.execute(
        f"INSERT INTO board_route_day (day, person, km, fixes) {sql} ORDER BY day, person", *args
    )
    # Whole weeks from the one `start_day` falls in, up to the last that ended by `on`.
    monday = start_day - timedelta(days=start_day.weekday())
    sums = ", ".join(sum_of(m, "int") for m in ENGINEER_MEASURES)
    await db.execute(
        f"""INSERT INTO board_week (zone, week, key, {", ".join(ENGINEER_MEASURES)}, active_days)
            SELECT zone, date_trunc('week', day)::date AS week, key, {sums},
                   count(*) FILTER (WHERE completed > 0)
            FROM board_day WHERE dim = 'e' AND day >= $1 AND day < $2
            GROUP BY zone, week, key ORDER BY zone, week, key""",
        monday,
        on - timedelta(days=on.weekday()),
    )
    if on - start_day > timedelta(days=7):
        # Fresh statistics after a rebuild: a plan made for an empty table would sort 100,000s
        # of rows on disk. (A day or two more changes nothing that autovacuum won't see to.)
        await db.execute("ANALYZE board_day, board_week, board_part_day, board_route_day")


async def refresh_round(now: datetime) -> str:
    """The clock's round: store the days up to yesterday (the company's)."""
    done = await refresh(on=company_day(now))
    if done.through is None:
        return "skipped: another refresh holds the rollups"
    if done.recomputed_from is None:
        return f"stored through {done.through}; nothing changed"
    return f"stored through {done.through}, recomputed from {done.recomputed_from}"


def refresh_job() -> Job:
    """Every worker offers to refresh every FIELDLINE_BOARD_REFRESH_SECONDS (0: only on demand)."""
    every = timedelta(seconds=get_settings().board_refresh_seconds)
    return Job("board-rollups", every, refresh_round)
