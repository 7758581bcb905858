"""Stored rollups: the satisfaction board reads the same figures from them as live, kept fresh."""

from __future__ import annotations

from datetime import date, timedelta

from backend import db
from backend.boards import rollups
from backend.boards.facts import whole_weeks
from tests.support.board_history import (
    BASE,
    RANGE,
    Job,
    at,
    build,
    expected,
    headline,
    insert_job,
    satisfaction,
)


async def test_stored_rollups_give_the_same_figures(api):
    w = await build(api)
    live = await satisfaction(api, w)
    live_zone = await satisfaction(api, w, w.zone_id)
    done = await rollups.refresh(on=RANGE[1] + timedelta(days=1))
    assert done.through == RANGE[1]
    assert await db.fetchval("SELECT count(*) FROM board_day") > 0
    split = await rollups.split(*RANGE)
    assert split.rolled_to == RANGE[1], "the whole range is read from the rollups now"
    assert await satisfaction(api, w) == live
    assert await satisfaction(api, w, w.zone_id) == live_zone
    # A range of whole weeks reads the engineers' weekly rows: the same figures again.
    wide = {"from": (BASE - timedelta(days=15)).isoformat(), "to": RANGE[1].isoformat()}
    stored = await api.get("/api/boards/satisfaction", params=wide, headers=w.supervisor.headers)
    await db.execute("UPDATE board_rollup SET zones_key = 'stale'")  # every day live again
    computed = await api.get("/api/boards/satisfaction", params=wide, headers=w.supervisor.headers)
    assert stored.json() == computed.json()
    assert await db.fetchval("SELECT count(*) FROM board_week") > 0
    await rollups.refresh(on=RANGE[1] + timedelta(days=1))  # a changed zone key: rebuilt

    # A rating written late onto a stored day shows at once (live until the next refresh) …
    late = w.jobs[3]
    await db.execute(
        "INSERT INTO rating (work_order, score, at) VALUES ($1, 3, $2)", late.id, at(6, 9)
    )
    late.rating = (3, None, at(6, 9))
    assert headline(await satisfaction(api, w)) == expected(w.jobs)
    # … and so does a new request that turns a stored completion into a repeat.
    again = Job("d3", None, at(6, 10), status="new")
    async with db.transaction():
        account_id = await db.fetchval("SELECT account FROM device WHERE id = $1", w.ids["d3"])
        again.id = await insert_job(again, w.ids, {"d3": account_id})
    w.jobs.append(again)
    board = await satisfaction(api, w)
    assert board["first_time_fix"]["count"] == 2
    assert headline(board) == expected(w.jobs)
    await rollups.refresh(on=RANGE[1] + timedelta(days=1))
    assert headline(await satisfaction(api, w)) == expected(w.jobs)


def test_whole_weeks_split_a_range_without_overlap():
    for first in (date(2026, 11, 2) + timedelta(days=n) for n in range(8)):  # 2 Nov: a Monday
        for length in range(0, 30):
            last = first + timedelta(days=length)
            head_from, head_to, week_from, week_to, rest_from, rest_to = whole_weeks(first, last)
            days = [head_from + timedelta(days=n) for n in range((head_to - head_from).days + 1)]
            days += [rest_from + timedelta(days=n) for n in range((rest_to - rest_from).days + 1)]
            monday = week_from
            while monday <= week_to:
                assert monday.weekday() == 0
                days += [monday + timedelta(days=n) for n in range(7)]
                monday += timedelta(days=7)
            assert sorted(days) == [first + timedelta(days=n) for n in range(length + 1)]
