"""The sales board's pipeline figures: the funnel by stage (and per rep), the weighted forecast by
expected-close month with the won amount beside it, win rate and cycle days, payments due,
received and overdue by month, and the pool's moves per rep. One statement per figure, run side by
side; opportunities by their creation in the range, closes and payments by their own day."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from backend import db
from backend.clock import day_start, today

# A day range of the company's days → [start, end) instants, and the owner filter (0: everyone).
# Each statement groups its rows first and joins names and stages to the few groups, and groups
# months with date_trunc (formatted once per group, not once per row): a year's range reads half
# the table, where no index helps, so the work per row is what counts (docs/benchmarks.md).
FUNNEL = """
WITH counted AS (
    SELECT o.stage, count(*) AS count, sum(o.amount) AS amount FROM opportunity o
    WHERE o.created_at >= $1 AND o.created_at < $2 AND ($3 = 0 OR o.owner = $3)
    GROUP BY o.stage
)
SELECT s.id AS stage_id, s.name, s.name_zh, s.kind, s.probability,
       COALESCE(c.count, 0) AS count, COALESCE(c.amount, 0)::numeric(16, 2) AS amount
FROM stage s LEFT JOIN counted c ON c.stage = s.id
WHERE NOT s.retired OR c.stage IS NOT NULL
ORDER BY s.position, s.id"""
FUNNEL_BY_REP = """
WITH counted AS (
    SELECT o.owner, o.stage, count(*) AS count, sum(o.amount) AS amount FROM opportunity o
    WHERE o.created_at >= $1 AND o.created_at < $2 AND ($3 = 0 OR o.owner = $3)
    GROUP BY o.owner, o.stage
)
SELECT c.owner AS owner_id, u.name AS owner_name, c.stage AS stage_id, c.count,
       c.amount::numeric(16, 2) AS amount
FROM counted c JOIN app_user u ON u.id = c.owner
ORDER BY 2, 1, 3"""
FORECAST = """
WITH open AS (
    SELECT date_trunc('month', o.expected_close::timestamp) AS month,
           sum(o.amount * s.probability / 100.0) AS weighted, sum(o.amount) AS amount
    FROM opportunity o JOIN stage s ON s.id = o.stage
    WHERE o.closed_at IS NULL AND s.kind = 'open' AND ($2 = 0 OR o.owner = $2)
      AND o.expected_close >= $3::date AND o.expected_close < ($3::date + interval '12 months')
    GROUP BY 1
), won AS (
    SELECT date_trunc('month', o.closed_at AT TIME ZONE $4) AS month, sum(o.amount) AS won
    FROM opportunity o JOIN stage s ON s.id = o.stage
    WHERE s.kind = 'won' AND o.closed_at >= $1 AND ($2 = 0 OR o.owner = $2)
    GROUP BY 1
)
SELECT to_char(month, 'YYYY-MM') AS month,
       COALESCE(open.weighted, 0)::numeric(16, 2) AS weighted,
       COALESCE(open.amount, 0)::numeric(16, 2) AS amount,
       COALESCE(won.won, 0)::numeric(16, 2) AS won
FROM open FULL JOIN won USING (month) ORDER BY 1"""
WINS = """
SELECT count(*) FILTER (WHERE s.kind = 'won') AS won,
       count(*) FILTER (WHERE s.kind = 'lost') AS lost,
       COALESCE(sum(o.amount) FILTER (WHERE s.kind = 'won'), 0)::numeric(16, 2) AS won_amount,
       avg(extract(epoch FROM o.closed_at - o.created_at) / 86400)
           FILTER (WHERE s.kind = 'won') AS cycle_days
FROM opportunity o JOIN stage s ON s.id = o.stage
WHERE o.closed_at >= $1 AND o.closed_at < $2 AND ($3 = 0 OR o.owner = $3)"""
PAYMENTS = """
WITH due AS (
    SELECT date_trunc('month', pp.due_on::timestamp) AS month, sum(pp.amount) AS due,
           sum(pp.amount - pp.paid) FILTER (WHERE pp.due_on < $4 AND pp.paid < pp.amount)
               AS overdue
    FROM payment_plan pp JOIN contract c ON c.id = pp.contract
    WHERE pp.due_on >= $2 AND pp.due_on <= $3 AND c.status IN ('active', 'completed')
      AND ($1 = 0 OR c.owner = $1)
    GROUP BY 1
), received AS (
    SELECT date_trunc('month', p.received_on::timestamp) AS month, sum(p.amount) AS received
    FROM payment p
    WHERE p.received_on >= $2 AND p.received_on <= $3
      AND ($1 = 0 OR p.contract IN (SELECT id FROM contract WHERE owner = $1))
    GROUP BY 1
)
SELECT to_char(month, 'YYYY-MM') AS month, COALESCE(due.due, 0)::numeric(16, 2) AS due,
       COALESCE(received.received, 0)::numeric(16, 2) AS received,
       COALESCE(due.overdue, 0)::numeric(16, 2) AS overdue
FROM due FULL JOIN received USING (month) ORDER BY 1"""
POOL = """
WITH moves AS (
    SELECT to_owner, from_owner, kind, count(*) AS n
    FROM pool_move WHERE at >= $1 AND at < $2 GROUP BY 1, 2, 3
)
SELECT u.id AS user_id, u.name,
       COALESCE(sum(m.n) FILTER (WHERE m.kind = 'claimed' AND side.to_user), 0)::bigint
           AS claimed,
       COALESCE(sum(m.n) FILTER (WHERE m.kind = 'released' AND NOT side.to_user), 0)::bigint
           AS released,
       COALESCE(sum(m.n) FILTER (WHERE m.kind = 'recycled' AND NOT side.to_user), 0)::bigint
           AS recycled
FROM moves m
CROSS JOIN LATERAL (VALUES (m.to_owner, true), (m.from_owner, false)) AS side(user_id, to_user)
JOIN app_user u ON u.id = side.user_id
WHERE $3 = 0 OR u.id = $3
GROUP BY u.id ORDER BY u.name, u.id"""


class FunnelStage(msgspec.Struct):
    stage_id: int
    name: str
    name_zh: str
    kind: str
    probability: int
    count: int
    amount: Decimal


class RepStage(msgspec.Struct):
    owner_id: int
    owner_name: str
    stage_id: int
    count: int
    amount: Decimal


class ForecastMonth(msgspec.Struct):
    month: str
    weighted: Decimal  # Σ amount × probability / 100 of open deals expected to close then
    amount: Decimal
    won: Decimal  # closed won in that month (from the range's start)


class PaymentMonth(msgspec.Struct):
    month: str
    due: Decimal
    received: Decimal
    overdue: Decimal


class PoolRep(msgspec.Struct):
    user_id: int
    name: str
    claimed: int
    released: int
    recycled: int


class RepFunnel(msgspec.Struct):
    owner_id: int
    owner_name: str
    stages: dict[int, RepStage]  # stage id → its count and amount for this rep
    count: int
    amount: Decimal


class PipelineBoard(msgspec.Struct):
    date_from: date
    date_to: date
    owner_id: int | None
    funnel: list[FunnelStage]
    funnel_by_rep: list[RepStage]
    forecast: list[ForecastMonth]
    won: int
    lost: int
    won_amount: Decimal
    win_rate: float | None  # won / (won + lost) of the deals closed in the range
    cycle_days: float | None  # mean days from creation to won
    payments: list[PaymentMonth]
    pool: list[PoolRep]


async def pipeline(first: date, last: date, owner_id: int | None, zone: str) -> PipelineBoard:
    start, end = day_start(first), day_start(date.fromordinal(last.toordinal() + 1))
    who = owner_id or 0
    now = today()
    db.check_reads_may_overlap()
    funnel, by_rep, forecast, wins, payments, pool = await asyncio.gather(
        db.fetch(FUNNEL, start, end, who),
        db.fetch(FUNNEL_BY_REP, start, end, who),
        db.fetch(FORECAST, start, who, now.replace(day=1), zone),
        db.fetchrow(WINS, start, end, who),
        db.fetch(PAYMENTS, who, first, last, now),
        db.fetch(POOL, start, end, who),
    )
    assert wins is not None
    closed = wins["won"] + wins["lost"]

    def rows(cls: Any, found: list[Any]) -> list[Any]:
        return [cls(**dict(r)) for r in found]

    return PipelineBoard(
        date_from=first,
        date_to=last,
        owner_id=owner_id,
        funnel=rows(FunnelStage, funnel),
        funnel_by_rep=rows(RepStage, by_rep),
        forecast=rows(ForecastMonth, forecast),
        won=wins["won"],
        lost=wins["lost"],
        won_amount=wins["won_amount"],
        win_rate=round(wins["won"] / closed, 3) if closed else None,
        cycle_days=round(float(wins["cycle_days"]), 1) if wins["cycle_days"] is not None else None,
        payments=rows(PaymentMonth, payments),
        pool=rows(PoolRep, pool),
    )


def funnel_per_rep(board: PipelineBoard) -> list[RepFunnel]:
    """funnel_by_rep as one row per rep (the board's table: a column per stage), in its order."""
    reps: dict[int, RepFunnel] = {}
    for row in board.funnel_by_rep:
        rep = reps.setdefault(
            row.owner_id, RepFunnel(row.owner_id, row.owner_name, {}, 0, Decimal(0))
        )
        rep.stages[row.stage_id] = row
        rep.count += row.count
        rep.amount += row.amount
    return list(reps.values())


async def sales_reps(also: int | None) -> list[Any]:
    """The reps a manager picks from to see one rep's pipeline: the active ones, and `also`."""
    return await db.fetch(
        """SELECT id, name FROM app_user WHERE role = 'rep' AND (active OR id = $1)
           ORDER BY name, id""",
        also or 0,
    )
