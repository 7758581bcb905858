"""Board query latency on the seeded benchmark database (run bench/boards_seed.py first).

    .venv/bin/python -m bench.boards_queries [--runs 15]

Each board and each of its SQL statements is timed twice in the same run: computed live from
the raw tables (the baseline: no rollups stored) and with the daily rollups stored. It prints
p50 per query for both and the ratio baseline / rollups, then what keeping rollups fresh costs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from backend import clock, db
from backend.boards import rollups
from backend.boards.queries import dispatch_board, engineer_row, job_row
from backend.boards.service import sales_board, satisfaction_board
from bench.boards_seed import bench_url

# Which board statement a SQL text is, by a phrase only it contains.
STATEMENTS = (
    ("GROUPING SETS", "satisfaction: totals, weeks, models"),
    ("active_days", "satisfaction: engineers"),
    ("board_part_day", "satisfaction: parts"),
    ("FROM device", "satisfaction: installed devices"),
    ("r.score <=", "satisfaction: low ratings"),
    ("board_route_day", "sales: route km"),
    ("rule(grade, days)", "sales: accounts due a contact"),
    ("v.on_site IS FALSE\nORDER BY", "sales: off-site list"),
    ("FROM visit v\nWHERE", "sales: visits per rep per day"),
    ("LEFT JOIN work_order j", "dispatch: engineers"),
    ("WITH areas AS", "dispatch: open jobs"),
    ("FROM board_rollup", "rollup split"),
)
samples: dict[tuple[str, str], list[float]] = defaultdict(list)
current = {"board": ""}


def _timed(fetch: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def timed(sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return await fetch(sql, *args)
        finally:
            label = next((name for phrase, name in STATEMENTS if phrase in sql), None)
            if label is not None:
                elapsed = (time.perf_counter() - started) * 1000
                samples[current["board"], label].append(elapsed)

    return timed


db.fetch = _timed(db.fetch)  # type: ignore[assignment]
db.fetchrow = _timed(db.fetchrow)  # type: ignore[assignment]


def boards() -> dict[str, Callable[[], Awaitable[Any]]]:
    today = clock.today()

    def days(n: int) -> Any:
        return today - timedelta(days=n - 1)

    return {
        "satisfaction 28 days": lambda: satisfaction_board(days(28), today, None),
        "satisfaction 90 days": lambda: satisfaction_board(days(90), today, None),
        "satisfaction 365 days": lambda: satisfaction_board(days(365), today, None),
        "satisfaction 28 days, one zone": lambda: satisfaction_board(days(28), today, 3),
        "sales 28 days": lambda: sales_board(days(28), today, None),
        "sales 90 days, one zone": lambda: sales_board(days(90), today, 3),
        "dispatch board": lambda: dispatch_board(None, None),
        "dispatch board, zone + skill": lambda: dispatch_board(3, "hvac"),
        "dispatch: one job (live update)": lambda: job_row(999_999),
        "dispatch: one engineer (live update)": lambda: engineer_row(2),
    }


async def measure(runs: int) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """p50 ms of every board, and of every statement per board."""
    samples.clear()
    out = {}
    for name, call in boards().items():
        current["board"] = "(warm-up)"
        await call()  # warm the cache and the prepared statements
        current["board"] = name
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            await call()
            timings.append((time.perf_counter() - started) * 1000)
        out[name] = statistics.median(timings)
    statements = {k: statistics.median(v) for k, v in samples.items() if k[0] != "(warm-up)"}
    return out, statements


def table(
    live: dict[Any, float], rolled: dict[Any, float], title: str, goal: float | None = None
) -> None:
    print(f"\n{title:<66} {'live p50':>9} {'rollups p50':>12} {'ratio':>6}")
    for name in rolled:
        label = " / ".join(name) if isinstance(name, tuple) else name
        base = live.get(name, float("nan"))
        flag = "  over goal" if goal is not None and rolled[name] > goal else ""
        print(f"{label:<66} {base:9.1f} {rolled[name]:12.1f} {base / rolled[name]:6.1f}{flag}")


async def refresh_costs() -> None:
    started = time.perf_counter()
    await rollups.refresh()
    idle_ms = (time.perf_counter() - started) * 1000
    # One late write onto yesterday: the next refresh recomputes from that day on.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    job = await db.fetchval(
        "SELECT id FROM work_order WHERE status = 'completed' ORDER BY id DESC LIMIT 1"
    )
    await db.execute(
        "INSERT INTO rating (work_order, score, at) VALUES ($1, 4, $2)", job, yesterday
    )
    started = time.perf_counter()
    late = await rollups.refresh()
    late_s = time.perf_counter() - started
    await db.execute("DELETE FROM rating WHERE work_order = $1 AND at = $2", job, yesterday)
    await rollups.refresh(full=False)
    print(f"refresh with nothing new: {idle_ms:.1f} ms")
    print(f"refresh after a late write on yesterday: {late_s:.2f} s "
          f"(recomputed from {late.recomputed_from})")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--live-runs", type=int, default=3, help="the slow baseline's runs")
    parser.add_argument("--rebuild", action="store_true", help="time a full rollup build")
    options = parser.parse_args()
    db.configure(bench_url())
    await db.open_pool()
    try:
        counts = await db.fetchrow(
            "SELECT (SELECT count(*) FROM work_order) AS work_orders, "
            "(SELECT count(*) FROM rating) AS ratings, "
            "(SELECT count(*) FROM location_ping) AS pings"
        )
        print(f"database: {dict(counts or {})}")
        state = await db.fetchrow("SELECT through FROM board_rollup")
        if options.rebuild or state is None or state["through"] != clock.today() - timedelta(1):
            started = time.perf_counter()
            full = await rollups.refresh(full=True)
            print(
                f"full rollup build: {time.perf_counter() - started:.1f} s, through {full.through}"
            )
        await refresh_costs()
        rolled, rolled_statements = await measure(options.runs)
        # The baseline: the same boards with the stored rollups ignored (a zone key that cannot
        # match makes every day live), then the key is put back.
        key = await db.fetchval("SELECT zones_key FROM board_rollup")
        await db.execute("UPDATE board_rollup SET zones_key = 'baseline'")
        try:
            live, live_statements = await measure(options.live_runs)
        finally:
            await db.execute("UPDATE board_rollup SET zones_key = $1", key)
        table(live, rolled, "board (whole endpoint)")
        table(live_statements, rolled_statements, "statement, per board", goal=200)
        rows = await db.fetchrow(
            "SELECT (SELECT count(*) FROM board_day) AS service, "
            "(SELECT count(*) FROM board_part_day) AS parts, "
            "(SELECT count(*) FROM board_route_day) AS routes"
        )
        print(f"\nrollup rows: {dict(rows or {})}")
    finally:
        await db.close_pool()


if __name__ == "__main__":
    asyncio.run(main())
