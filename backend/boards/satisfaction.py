"""The satisfaction board: CSAT, first-time fix, SLA, times, failing models, parts, engineers.

A date range selects each measure by the day of its own event: ratings by the day they were
given, completions (times, first-time fix, SLA, parts, efficiency) by the completion day, first
offers and arrivals by theirs, and requests (the failure rate) by the day they were filed.
A zone selects the sites inside its boundary.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from backend import db
from backend.boards.attainment import sla_attainment
from backend.boards.facts import (
    ENGINEER_MEASURES,
    MEASURES,
    ONE_ZONE,
    bind,
    part_days_sql,
    service_days_sql,
    sum_of,
    whole_weeks,
)
from backend.boards.rollups import Split, split
from backend.boards.schemas import (
    Csat,
    EngineerRow,
    LowRating,
    PartRow,
    ProductRow,
    Rate,
    SatisfactionBoard,
    Times,
    WeekRow,
    mean,
    minutes,
    percent,
)
from backend.clock import day_start
from backend.schemas import from_row
from backend.settings import get_settings

LOW_SCORE = 2  # a rating at or below this asks for a follow-up call (as the service marks it)
TOP_PARTS = 20
LOW_RATINGS_SHOWN = 100
_COLUMNS = ", ".join(MEASURES)
_SUMS = ", ".join(sum_of(m) for m in MEASURES)


def _rows_sql(dim: str) -> str:
    """Stored days of the range UNION the live days, one shape: (day, key, measures...)."""
    return f"""WITH tail AS ({service_days_sql(dim, every_zone=False)}),
rows AS (
    SELECT day, key, {_COLUMNS} FROM board_day
    WHERE dim = '{dim}' AND zone = %(zone)s AND day BETWEEN %(rolled_from)s AND %(rolled_to)s
    UNION ALL SELECT day, key, {_COLUMNS} FROM tail
)"""


# Totals, weeks and products in one pass over the product rows.
PRODUCT_SQL = (
    _rows_sql("p")
    + f"""
SELECT GROUPING(week, key) AS g, week, key, {_SUMS}
FROM (SELECT date_trunc('week', day)::date AS week, * FROM rows) r
GROUP BY GROUPING SETS ((), (week), (key))"""
)
_E = ", ".join(ENGINEER_MEASURES)
# Stored whole weeks, stored days around them, live days: one row per engineer and week or day
# (none overlap), so active days add up.
ENGINEER_SQL = f"""WITH tail AS ({service_days_sql("e", every_zone=False)}),
rows AS (
    SELECT key, {_E}, active_days FROM board_week
    WHERE zone = %(zone)s AND week BETWEEN %(week_from)s AND %(week_to)s
    UNION ALL SELECT key, {_E}, (completed > 0)::int FROM board_day
    WHERE dim = 'e' AND zone = %(zone)s AND day BETWEEN %(head_from)s AND %(head_to)s
    UNION ALL SELECT key, {_E}, (completed > 0)::int FROM board_day
    WHERE dim = 'e' AND zone = %(zone)s AND day BETWEEN %(rest_from)s AND %(rest_to)s
    UNION ALL SELECT key, {_E}, (completed > 0)::int FROM tail
)
SELECT key, {", ".join(sum_of(m) for m in ENGINEER_MEASURES)}, sum(active_days) AS active_days
FROM rows WHERE key <> 0 GROUP BY key"""
PARTS_SQL = f"""WITH tail AS ({part_days_sql(every_zone=False)}),
rows AS (
    SELECT part, qty, jobs FROM board_part_day
    WHERE zone = %(zone)s AND day BETWEEN %(rolled_from)s AND %(rolled_to)s
    UNION ALL SELECT part, qty, jobs FROM tail
)
SELECT p.id, p.sku, p.name, sum(r.qty)::bigint AS qty, sum(r.jobs)::bigint AS jobs
FROM rows r JOIN part p ON p.id = r.part
GROUP BY p.id ORDER BY qty DESC, p.id LIMIT %(limit)s"""
DEVICES_SQL = """SELECT d.product, count(*) AS devices FROM device d
WHERE d.installed_on IS NULL OR d.installed_on <= %(last)s GROUP BY d.product"""
# A device stands where it was placed, else at its account; both found by their GiST indexes.
ZONE_DEVICES_SQL = """WITH area AS MATERIALIZED (
    SELECT board_zone_area(boundary) AS polygon FROM zone WHERE id = %(zone)s)
SELECT product, count(*) AS devices FROM (
    SELECT p.product, p.installed_on FROM device p
    WHERE point(p.lng, p.lat) <@ (SELECT polygon FROM area)
    UNION ALL
    SELECT n.product, n.installed_on FROM account a JOIN device n ON n.account = a.id
    WHERE n.lat IS NULL AND point(a.lng, a.lat) <@ (SELECT polygon FROM area)
) d
WHERE installed_on IS NULL OR installed_on <= %(last)s
GROUP BY product"""
LOW_RATINGS_SQL = f"""SELECT r.work_order AS work_order_id, r.score, r.comment, r.at,
       r.needs_follow_up, u.name AS engineer, p.name AS product, a.name AS account,
       a.phone AS account_phone
FROM rating r JOIN work_order w ON w.id = r.work_order JOIN product p ON p.id = w.product
JOIN account a ON a.id = w.account LEFT JOIN app_user u ON u.id = w.engineer
{ONE_ZONE.format(alias="w")}
WHERE r.at >= %(start)s AND r.at < %(end)s AND r.score <= {LOW_SCORE}
ORDER BY r.at DESC, r.id DESC LIMIT %(limit)s"""


def _values(s: Split, zone: int) -> dict[str, Any]:
    settings = get_settings()
    return {
        "tz": settings.business_timezone,
        "repeat_days": settings.repeat_days,
        "zone": zone,
        "rolled_from": s.rolled_from,
        "rolled_to": s.rolled_to,
        "start": s.live_start,
        "end": s.live_end,
    }


async def _fetch(template: str, **values: Any) -> list[Any]:
    sql, args = bind(template, **values)
    return await db.fetch(sql, *args)


def _csat(row: Any) -> Csat:
    return Csat(
        ratings=row["ratings"],
        average=mean(row["score_sum"], row["ratings"]),
        distribution={str(s): row[f"r{s}"] for s in range(1, 6)},
    )


def _ftf(row: Any) -> float | None:
    return percent(row["completed"] - row["repeats"], row["completed"])


EMPTY = dict.fromkeys(MEASURES, 0)


async def satisfaction(first: date, last: date, zone_id: int | None) -> SatisfactionBoard:
    s = await split(first, last)
    values = _values(s, zone_id or 0)
    # Independent statements, each on its own connection: the board takes the slowest, not the sum.
    db.check_reads_may_overlap()
    product_rows, installed, engineers, parts, low_ratings, attainment = await asyncio.gather(
        _fetch(PRODUCT_SQL, **values),
        _installed(last, values["zone"]),
        _engineers(values),
        _fetch(PARTS_SQL, limit=TOP_PARTS, **values),
        _low_ratings(values["zone"], day_start(first), s.live_end),
        sla_attainment(first, last, values["zone"]),
    )
    total: Any = next((r for r in product_rows if r["g"] == 3 and r["ratings"] is not None), EMPTY)
    weeks = [
        WeekRow(
            week=r["week"],
            ratings=r["ratings"],
            average=mean(r["score_sum"], r["ratings"]),
            completed=r["completed"],
            first_time_fix_pct=_ftf(r),
            sla_breach_pct=percent(r["breached"], r["completed"]),
        )
        for r in sorted((r for r in product_rows if r["g"] == 1), key=lambda r: r["week"])
    ]
    return SatisfactionBoard(
        date_from=first,
        date_to=last,
        zone_id=zone_id,
        repeat_days=get_settings().repeat_days,
        csat=_csat(total),
        first_time_fix=Rate(
            count=total["completed"] - total["repeats"], of=total["completed"], pct=_ftf(total)
        ),
        sla_breach=Rate(
            count=total["breached"],
            of=total["completed"],
            pct=percent(total["breached"], total["completed"]),
        ),
        times=Times(
            offers=total["offers"],
            to_offer_min=minutes(total["offer_secs"], total["offers"]),
            arrivals=total["arrivals"],
            to_arrive_min=minutes(total["arrive_secs"], total["arrivals"]),
            completed=total["completed"],
            to_complete_min=minutes(total["complete_secs"], total["completed"]),
        ),
        weeks=weeks,
        engineers=engineers,
        products=await _products([r for r in product_rows if r["g"] == 2], installed),
        parts=[
            PartRow(id=r["id"], sku=r["sku"], name=r["name"], qty=r["qty"], jobs=r["jobs"])
            for r in parts
        ],
        # The list shows the newest; its total is r1 + r2 of the same rows as the CSAT.
        low_ratings=low_ratings,
        low_ratings_total=total["r1"] + total["r2"],
        sla_attainment=attainment,
    )


async def _names(table: str, ids: list[int], columns: str = "id, name") -> dict[int, Any]:
    rows = await db.fetch(f"SELECT {columns} FROM {table} WHERE id = ANY($1)", ids)
    return {r["id"]: r for r in rows}


async def _engineers(values: dict[str, Any]) -> list[EngineerRow]:
    head_from, head_to, week_from, week_to, rest_from, rest_to = whole_weeks(
        values["rolled_from"], values["rolled_to"]
    )
    rows = await _fetch(
        ENGINEER_SQL,
        head_from=head_from,
        head_to=head_to,
        week_from=week_from,
        week_to=week_to,
        rest_from=rest_from,
        rest_to=rest_to,
        **values,
    )
    rows = [r for r in rows if r["ratings"] or r["completed"]]
    people = await _names("app_user", [r["key"] for r in rows])
    out = [
        EngineerRow(
            id=r["key"],
            name=people[r["key"]]["name"] if r["key"] in people else f"#{r['key']}",
            ratings=r["ratings"],
            average=mean(r["score_sum"], r["ratings"]),
            low_ratings=r["r1"] + r["r2"],
            completed=r["completed"],
            active_days=r["active_days"],
            jobs_per_day=mean(r["completed"], r["active_days"]),
            on_site_min=minutes(r["onsite_secs"], r["onsite_n"]),
            first_time_fix_pct=_ftf(r),
            sla_breach_pct=percent(r["breached"], r["completed"]),
        )
        for r in rows
    ]
    # The lowest-rated first: the board is for following up.
    return sorted(out, key=lambda e: (e.average is None, e.average or 0, e.name, e.id))


async def _installed(last: date, zone: int) -> dict[int, int]:
    """Devices installed by `last` per product, in the zone if one is given."""
    sql, args = bind(ZONE_DEVICES_SQL if zone else DEVICES_SQL, last=last, zone=zone)
    return {r["product"]: r["devices"] for r in await db.fetch(sql, *args)}


async def _products(rows: list[Any], devices: dict[int, int]) -> list[ProductRow]:
    rows = [r for r in rows if r["requests"] or r["ratings"] or r["completed"]]
    products = await _names("product", [r["key"] for r in rows], "id, sku, name")
    out = []
    for r in rows:
        installed = devices.get(r["key"], 0)
        out.append(
            ProductRow(
                id=r["key"],
                sku=products[r["key"]]["sku"],
                name=products[r["key"]]["name"],
                requests=r["requests"],
                devices=installed,
                jobs_per_device=mean(r["requests"], installed, 3),
                ratings=r["ratings"],
                average=mean(r["score_sum"], r["ratings"]),
                first_time_fix_pct=_ftf(r),
            )
        )
    return sorted(
        out, key=lambda p: (p.jobs_per_device is None, -(p.jobs_per_device or 0), -p.requests)
    )


async def _low_ratings(zone: int, start: datetime, end: datetime) -> list[LowRating]:
    rows = await _fetch(LOW_RATINGS_SQL, zone=zone, start=start, end=end, limit=LOW_RATINGS_SHOWN)
    return [from_row(LowRating, r) for r in rows]
