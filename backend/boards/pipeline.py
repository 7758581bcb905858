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
FUNNEL = """
SELECT s.id AS stage_id, s.name, s.name_zh, s.kind, s.probability,
       count(o.id) AS count, COALESCE(sum(o.amount), 0)::numeric(16, 2) AS amount
FROM stage s LEFT JOIN opportunity o ON o.stage = s.id
    AND o.created_at >= $1 AND o.created_at < $2 AND ($3 = 0 OR o.owner = $3)
WHERE NOT s.retired OR o.id IS NOT NULL
GROUP BY s.id ORDER BY s.position, s.id"""
FUNNEL_BY_REP = """
SELECT o.owner AS owner_id, u.name AS owner_name, o.stage AS stage_id, count(*) AS count,
       sum(o.amount)::numeric(16, 2) AS amount
FROM opportunity o JOIN app_user u ON u.id = o.owner
WHERE o.created_at >= $1 AND o.created_at < $2 AND ($3 = 0 OR o.owner = $3)
GROUP BY 1, 2, 3 ORDER BY 2, 1, 3"""
FORECAST = """
WITH open AS (
    SELECT to_char(o.expected_close, 'YYYY-MM') AS month,
           sum(o.amount * s.probability / 100.0) AS weighted, sum(o.amount) AS amount
    FROM opportunity o JOIN stage s ON s.id = o.stage
    WHERE o.closed_at IS NULL AND s.kind = 'open' AND ($2 = 0 OR o.owner = $2)
      AND o.expected_close >= $3::date AND o.expected_close < ($3::date + interval '12 months')
    GROUP BY 1
), won AS (
    SELECT to_char(o.closed_at AT TIME ZONE $4, 'YYYY-MM') AS month, sum(o.amount) AS won
    FROM opportunity o JOIN stage s ON s.id = o.stage
    WHERE s.kind = 'won' AND o.closed_at >= $1 AND ($2 = 0 OR o.owner = $2)
    GROUP BY 1
)
SELECT month, COALESCE(open.weighted, 0)::numeric(16, 2) AS weighted,
       COALESCE(open.amount, 0)::numeric(16, 2) AS amount,
       COALESCE(won.won, 0)::numeric(16, 2) AS won
FROM open FULL JOIN won USING (month) ORDER BY month"""
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
    SELECT to_char(pp.due_on, 'YYYY-MM') AS month, sum(pp.amount) AS due,
           sum(pp.amount - pp.paid) FILTER (WHERE pp.due_on < $4 AND pp.paid < pp.amount)
               AS overdue
    FROM payment_plan pp JOIN contract c ON c.id = pp.contract
    WHERE pp.due_on >= $2 AND pp.due_on <= $3 AND c.status IN ('active', 'completed')
      AND ($1 = 0 OR c.owner = $1)
    GROUP BY 1
), received AS (
    SELECT to_char(p.received_on, 'YYYY-MM') AS month, sum(p.amount) AS received
    FROM payment p JOIN contract c ON c.id = p.contract
    WHERE p.received_on >= $2 AND p.received_on <= $3 AND ($1 = 0 OR c.owner = $1)
    GROUP BY 1
)
SELECT month, COALESCE(due.due, 0)::numeric(16, 2) AS due,
       COALESCE(received.received, 0)::numeric(16, 2) AS received,
       COALESCE(due.overdue, 0)::numeric(16, 2) AS overdue
FROM due FULL JOIN received USING (month) ORDER BY month"""
POOL = """
SELECT u.id AS user_id, u.name,
       count(*) FILTER (WHERE m.kind = 'claimed' AND m.to_owner = u.id) AS claimed,
       count(*) FILTER (WHERE m.kind = 'released' AND m.from_owner = u.id) AS released,
       count(*) FILTER (WHERE m.kind = 'recycled' AND m.from_owner = u.id) AS recycled
FROM pool_move m JOIN app_user u ON u.id IN (m.to_owner, m.from_owner)
WHERE m.at >= $1 AND m.at < $2 AND ($3 = 0 OR u.id = $3)
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
