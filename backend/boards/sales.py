"""The field sales summary: visits and route km per rep per day, off-site check-ins, accounts
gone too long without contact.

A date range selects visits by their check-in day and routes by their day; a zone selects the
accounts (and so the visits) whose location lies inside its boundary, and then lists only the
reps who visited there, with the whole route of those days.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from backend import db
from backend.boards.facts import ONE_ZONE, ROUTE_DAYS_SQL, bind, local_day
from backend.boards.rollups import Split, split
from backend.boards.schemas import (
    OffSiteVisit,
    RepDay,
    RepRow,
    SalesBoard,
    Uncontacted,
    mean,
)
from backend.clock import day_start
from backend.settings import get_settings

LISTED = 200  # rows of the two lists; their totals are always given

# The zone's accounts are found once (a hashed subplan), then the visits of the range come
# from the check-in index alone (it includes rep, account and on_site).
VISITS_SQL = f"""SELECT v.rep, {local_day("v.checkin_at")} AS day, count(*) AS visits,
       count(*) FILTER (WHERE v.on_site IS FALSE) AS off_site
FROM visit v
WHERE v.checkin_at >= %(start)s AND v.checkin_at < %(end)s
  AND (%(zone)s = 0 OR v.account IN (
      SELECT a.id FROM account a WHERE point(a.lng, a.lat) <@ (
          SELECT board_zone_area(boundary) FROM zone WHERE id = %(zone)s)))
GROUP BY 1, 2"""
ROUTES_SQL = f"""WITH tail AS ({ROUTE_DAYS_SQL})
SELECT day, person, km FROM board_route_day WHERE day BETWEEN %(rolled_from)s AND %(rolled_to)s
    AND (%(reps)s::int[] IS NULL OR person = ANY(%(reps)s::int[]))
UNION ALL SELECT day, person, km FROM tail"""
OFF_SITE_SQL = f"""SELECT v.id, r.name AS rep, a.name AS account, v.checkin_at,
       v.checkin_distance_m, count(*) OVER () AS total
FROM visit v JOIN account a ON a.id = v.account JOIN app_user r ON r.id = v.rep
{ONE_ZONE.format(alias="a")}
WHERE v.checkin_at >= %(start)s AND v.checkin_at < %(end)s AND v.on_site IS FALSE
ORDER BY v.checkin_at DESC, v.id DESC LIMIT %(limit)s"""
UNCONTACTED_SQL = f"""SELECT a.id, a.name, a.grade, o.name AS owner, a.last_contacted_at,
       rule.days, count(*) OVER () AS total
FROM account a
JOIN unnest(%(grades)s::text[], %(days)s::int[]) AS rule(grade, days) ON rule.grade = a.grade
LEFT JOIN app_user o ON o.id = a.owner
{ONE_ZONE.format(alias="a")}
WHERE a.last_contacted_at IS NULL
   OR a.last_contacted_at < %(now)s::timestamptz - make_interval(days => rule.days)
ORDER BY a.last_contacted_at NULLS FIRST, a.id LIMIT %(limit)s"""


async def _fetch(template: str, **values: Any) -> list[Any]:
    sql, args = bind(template, **values)
    return await db.fetch(sql, *args)


async def sales(first: date, last: date, zone_id: int | None) -> SalesBoard:
    s = await split(first, last)
    start = day_start(first)
    # Independent statements, each on its own connection: the board takes the slowest, not the sum.
    db.check_reads_may_overlap()
    (names, days), lists = await asyncio.gather(
        _rep_days(s, start, zone_id), _lists(zone_id or 0, start, s.live_end)
    )
    return SalesBoard(
        date_from=first,
        date_to=last,
        zone_id=zone_id,
        contact_rule=get_settings().contact_rule,
        reps=_reps(names, days),
        days=days,
        **lists,
    )


async def _rep_days(
    s: Split, start: datetime, zone_id: int | None
) -> tuple[dict[int, str], list[RepDay]]:
    """The reps shown, and their days with a visit or a route."""
    settings = get_settings()
    tz = settings.business_timezone
    visits = await _fetch(VISITS_SQL, tz=tz, zone=zone_id or 0, start=start, end=s.live_end)
    # In a zone, only the reps who visited there are shown: only their routes are read.
    reps_seen = sorted({v["rep"] for v in visits}) if zone_id is not None else None
    routes = await _fetch(
        ROUTES_SQL,
        tz=tz,
        rolled_from=s.rolled_from,
        rolled_to=s.rolled_to,
        start=s.live_start,
        end=s.live_end,
        max_accuracy=float(settings.route_max_accuracy_m),
        reps=reps_seen,
    )
    per_day: dict[tuple[int, date], list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for v in visits:
        per_day[v["rep"], v["day"]][:2] = [v["visits"], v["off_site"]]
    km = {(r["person"], r["day"]): r["km"] for r in routes}
    if zone_id is None:
        for key, value in km.items():
            per_day[key][2] = value
    else:  # only the days a rep worked in the zone
        for key in per_day:
            per_day[key][2] = km.get(key, 0.0)
    reps = await db.fetch(
        "SELECT id, name FROM app_user WHERE role = 'rep' AND (active OR id = ANY($1))",
        list({rep for rep, _ in per_day}),
    )
    names = {r["id"]: r["name"] for r in reps}
    if zone_id is not None:
        visited = {rep for rep, _ in per_day}
        names = {rep: name for rep, name in names.items() if rep in visited}
    days = [
        RepDay(
            rep_id=rep,
            rep=names[rep],
            day=day,
            visits=int(v[0]),
            off_site=int(v[1]),
            km=round(v[2], 1),
        )
        for (rep, day), v in sorted(per_day.items(), key=lambda kv: (names[kv[0][0]], kv[0]))
        if rep in names and (v[0] or v[2])
    ]
    return names, days


def _reps(names: dict[int, str], days: list[RepDay]) -> list[RepRow]:
    by_rep: dict[int, list[RepDay]] = defaultdict(list)
    for day in days:
        by_rep[day.rep_id].append(day)
    out = []
    for rep, name in names.items():
        mine = by_rep[rep]
        visits = sum(d.visits for d in mine)
        # km from the unrounded days would differ from the sum of the shown days by rounding.
        km = round(sum(d.km for d in mine), 1)
        out.append(
            RepRow(
                id=rep,
                name=name,
                visits=visits,
                off_site=sum(d.off_site for d in mine),
                days=len(mine),
                visits_per_day=mean(visits, len(mine)),
                km=km,
                km_per_day=mean(km, len(mine), 1),
            )
        )
    return sorted(out, key=lambda r: (r.name, r.id))


async def _lists(zone: int, start: datetime, end: datetime) -> dict[str, Any]:
    rule = get_settings().contact_rule
    now = datetime.now(UTC)
    off_site, stale = await asyncio.gather(
        _fetch(OFF_SITE_SQL, zone=zone, start=start, end=end, limit=LISTED),
        _fetch(
            UNCONTACTED_SQL,
            grades=list(rule),
            days=list(rule.values()),
            zone=zone,
            now=now,
            limit=LISTED,
        ),
    )
    return {
        "off_site": [
            OffSiteVisit(
                visit_id=r["id"],
                rep=r["rep"],
                account=r["account"],
                checkin_at=r["checkin_at"],
                distance_m=round(r["checkin_distance_m"])
                if r["checkin_distance_m"] is not None
                else None,
            )
            for r in off_site
        ],
        "off_site_total": off_site[0]["total"] if off_site else 0,
        "uncontacted": [
            Uncontacted(
                account_id=r["id"],
                name=r["name"],
                grade=r["grade"],
                owner=r["owner"],
                last_contacted_at=r["last_contacted_at"],
                days_since=(now - r["last_contacted_at"]).days if r["last_contacted_at"] else None,
                allowed_days=r["days"],
            )
            for r in stale
        ],
        "uncontacted_total": stale[0]["total"] if stale else 0,
    }
