"""The sales board's pipeline figures (GET /api/boards/sales/pipeline) and the pool's list on a
sales world of 100,000 leads, 50,000 opportunities and 20,000 contracts.

    .venv/bin/python -m bench.sales_pipeline [--runs 30]

A scratch database fieldline_bench_sales_pipeline, seeded in SQL: 30 reps, 20,000 accounts (a
quarter in the pool), 100,000 leads, 50,000 opportunities spread over two years with their
stage changes, 20,000 contracts with 60,000 plan lines and their payments, 50,000 pool moves.
Timed in the same run, alternating: the board's six statements one after the other (the work the
endpoint does, without its concurrency) for the last 28 days and for a year, and the pool's first
page; the baseline is the same statements with the sales indexes dropped (inside a transaction
that is rolled back). Prints p50/p90 of each and the ratio indexed / without indexes.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date, timedelta
from typing import Any

from backend import db
from backend.access import Principal, Role
from backend.boards import pipeline as board
from backend.clock import day_start, today
from backend.sales.pool import list_pool
from bench._scratch import scratch_database
from bench._timing import percentile

GOAL_MS = 200.0  # p50 of each board endpoint, issue #11
SEED = """
INSERT INTO app_user (name, email, role, password_hash)
SELECT 'Rep ' || n, 'rep' || n || '@bench.test', 'rep', 'x' FROM generate_series(1, 30) n;
INSERT INTO stage (position, name, name_zh, probability, kind) VALUES
  (1, 'Initial contact', '初步接洽', 10, 'open'), (2, 'Needs confirmed', '需求确认', 30, 'open'),
  (3, 'Proposal', '方案报价', 50, 'open'), (4, 'Negotiation', '商务谈判', 70, 'open'),
  (5, 'Won', '赢单', 100, 'won'), (6, 'Lost', '输单', 0, 'lost');
INSERT INTO account (name, name_key, grade, owner, created_at, pooled_at)
SELECT 'Account ' || n, 'account' || n, (ARRAY['A', 'B', 'C'])[1 + n % 3],
       CASE WHEN n % 4 = 0 THEN NULL ELSE 1 + n % 30 END, now() - interval '3 years',
       CASE WHEN n % 4 = 0 THEN now() - make_interval(hours => n) END
FROM generate_series(1, 20000) n;
INSERT INTO lead (name, company, company_key, status, disqualified_reason, owner, created_at,
    updated_at)
SELECT 'Lead ' || n, 'Company ' || n, 'company' || n,
       (ARRAY['new', 'working', 'disqualified', 'new'])[1 + n % 4],
       CASE WHEN n % 4 = 2 THEN 'no budget' END,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1 + n % 30 END,
       now() - make_interval(mins => n * 10), now()
FROM generate_series(1, 100000) n;
INSERT INTO opportunity (account, name, amount, currency, stage, expected_close, owner,
    closed_at, created_at, updated_at)
SELECT 1 + n % 20000, 'Deal ' || n, 10000 + (n * 7919) % 990000, 'CNY', 1 + n % 6,
       CURRENT_DATE + (n % 540) - 180, 1 + n % 30,
       CASE WHEN n % 6 >= 4 THEN now() - make_interval(mins => n * 20) + interval '30 days' END,
       now() - make_interval(mins => n * 20), now()
FROM generate_series(1, 50000) n;
INSERT INTO opportunity_stage_change (opportunity, to_stage, at)
SELECT id, stage, created_at FROM opportunity;
INSERT INTO contract (number, account, owner, title, amount, currency, starts_on, ends_on,
    status, created_at)
SELECT 'HT-' || n, 1 + n % 20000, 1 + n % 30, 'Contract ' || n, 30000, 'CNY',
       CURRENT_DATE - (n % 700), CURRENT_DATE - (n % 700) + 365,
       (ARRAY['active', 'active', 'completed', 'draft'])[1 + n % 4], now()
FROM generate_series(1, 20000) n;
INSERT INTO payment_plan (contract, line, due_on, amount, paid)
SELECT c.id, k, c.starts_on + (k - 1) * 120, 10000,
       CASE WHEN (c.id + k) % 3 = 0 THEN 0 ELSE 10000 END
FROM contract c CROSS JOIN generate_series(1, 3) k;
INSERT INTO payment (contract, amount, received_on, method)
SELECT contract, paid, due_on + 5, 'bank_transfer' FROM payment_plan WHERE paid > 0;
INSERT INTO pool_move (account, kind, from_owner, to_owner, reason, rule_days, at)
SELECT 1 + n % 20000, (ARRAY['claimed', 'released', 'recycled'])[1 + n % 3],
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1 + n % 30 END,
       CASE WHEN n % 3 = 0 THEN 1 + n % 30 END,
       CASE WHEN n % 3 = 1 THEN 'no need' END, CASE WHEN n % 3 = 2 THEN 7 END,
       now() - make_interval(mins => n * 15)
FROM generate_series(1, 50000) n;
ANALYZE;
"""
SALES_INDEXES = (
    "opportunity_created_idx",
    "opportunity_expected_close_idx",
    "opportunity_closed_idx",
    "payment_plan_due_idx",
    "payment_plan_unpaid_idx",
    "payment_received_idx",
    "pool_move_at_idx",
    "account_pool_idx",
)
ADMIN = Principal(1, "Bench", Role.ADMIN, "bench", "bench", False)


async def _statements(first: date, last: date) -> None:
    """The board's six statements in turn, on one connection (as inside a transaction)."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    now = today()
    await db.fetch(board.FUNNEL, start, end, 0)
    await db.fetch(board.FUNNEL_BY_REP, start, end, 0)
    await db.fetch(board.FORECAST, start, 0, now.replace(day=1), "Asia/Shanghai")
    await db.fetchrow(board.WINS, start, end, 0)
    await db.fetch(board.PAYMENTS, 0, first, last, now)
    await db.fetch(board.POOL, start, end, 0)


async def _ms(work: Any) -> float:
    started = time.perf_counter()
    await work
    return (time.perf_counter() - started) * 1000


async def _round(samples: dict[str, list[float]], suffix: str, keep: bool) -> None:
    last = today()
    timed = {
        "month": await _ms(_statements(last - timedelta(days=27), last)),
        "year": await _ms(_statements(last - timedelta(days=364), last)),
        "pool": await _ms(list_pool(ADMIN, "account", None, 50, 0)),
    }
    if not suffix:  # the endpoint's own way: the statements side by side on pooled connections
        first = last - timedelta(days=364)
        timed["endpoint"] = await _ms(board.pipeline(first, last, None, "Asia/Shanghai"))
    if keep:
        for name, ms in timed.items():
            samples[name + suffix].append(ms)


async def main(runs: int) -> None:
    async with scratch_database("sales_pipeline"):
        async with db.connection() as conn:
            await conn.execute(SEED)
        samples: dict[str, list[float]] = {
            f"{n}{s}": [] for n in ("month", "year", "pool") for s in ("", "_bare")
        }
        samples["endpoint"] = []
        for run in range(runs + 3):
            await _round(samples, "", run >= 3)
            try:
                async with db.transaction():  # the baseline: the same without the sales indexes
                    await db.execute(f"DROP INDEX {', '.join(SALES_INDEXES)}")
                    await _round(samples, "_bare", run >= 3)
                    raise _Undo  # a rollback puts the indexes back
            except _Undo:
                pass
        for name, label in (
            ("month", "board statements, last 28 days"),
            ("year", "board statements, last 365 days"),
            ("pool", "pool, first page of accounts"),
        ):
            p50, p90 = percentile(samples[name], 50), percentile(samples[name], 90)
            bare = percentile(samples[name + "_bare"], 50)
            print(
                f"{label:34s} p50 {p50:8.2f} ms  p90 {p90:8.2f} ms  "
                f"without indexes p50 {bare:8.2f} ms  ×{p50 / bare:5.2f}"
            )
        p50, p90 = percentile(samples["endpoint"], 50), percentile(samples["endpoint"], 90)
        print(f"{'pipeline(), 365 days, side by side':34s} p50 {p50:8.2f} ms  p90 {p90:8.2f} ms")
        worst = max(percentile(samples[n], 50) for n in ("month", "year", "pool"))
        print(
            f"goal p50 ≤ {GOAL_MS:.0f} ms: {'met' if worst <= GOAL_MS else 'NOT met'} ({worst:.2f})"
        )


class _Undo(Exception):
    pass


def run(runs: int) -> None:
    asyncio.run(main(runs))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    run(parser.parse_args().runs)
