"""SLA attainment on the satisfaction board: the share of response and resolution deadlines met,
by week, engineer, service contract and product, in one statement.

Each deadline counts in the range by the day it fell due (respond_by, resolve_by), once it is
decided: met when the job was accepted (responded) or completed (resolved) by then, missed once it
passed without. A deadline still ahead is not counted yet; cancelled and planned-but-unopened jobs
never are (as the breach figure leaves out cancelled jobs). The engineer is the one holding the
job; a job without a contract runs on its priority's targets (contract: none).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from backend import db
from backend.boards.facts import ONE_ZONE, bind, local_day
from backend.boards.schemas import Rate, SlaAttainment, SlaRow, SlaWeekRow, percent
from backend.clock import day_start, now_utc
from backend.settings import get_settings

_DUE = """SELECT w.id, {clock} AS clock, w.{deadline} AS deadline, w.{done} AS done_at,
       w.engineer, w.contract, w.product
FROM work_order w {zone}
WHERE w.{deadline} >= %(start)s AND w.{deadline} < %(end)s
  AND w.status NOT IN ('cancelled', 'planned')
  AND (w.{done} IS NOT NULL OR w.{deadline} <= %(now)s)"""
# GROUPING(week, engineer, contract, product): 15 the total, 7 a week, 11 an engineer,
# 13 a contract, 14 a product (a bit is set for each column rolled up).
TOTAL, WEEK, ENGINEER, CONTRACT, PRODUCT = 15, 7, 11, 13, 14
_ZONE = ONE_ZONE.format(alias="w")
ATTAINMENT_SQL = f"""WITH due AS (
{_DUE.format(clock="1", deadline="respond_by", done="accepted_at", zone=_ZONE)}
UNION ALL
{_DUE.format(clock="2", deadline="resolve_by", done="completed_at", zone=_ZONE)}
), facts AS (
    SELECT date_trunc('week', {local_day("deadline")})::date AS week, engineer, contract, product,
           (clock = 1)::int AS respond_due, (clock = 1 AND met)::int AS responded,
           (clock = 2)::int AS resolve_due, (clock = 2 AND met)::int AS resolved
    FROM (SELECT *, COALESCE(done_at <= deadline, false) AS met FROM due) d
), sums AS (
    SELECT GROUPING(week, engineer, contract, product) AS g, week, engineer, contract, product,
           sum(respond_due)::int AS respond_due, sum(responded)::int AS responded,
           sum(resolve_due)::int AS resolve_due, sum(resolved)::int AS resolved
    FROM facts GROUP BY GROUPING SETS ((), (week), (engineer), (contract), (product))
)
SELECT s.*, u.name AS engineer_name, p.name AS product_name, p.sku AS product_sku,
       c.kind AS contract_kind, a.name AS contract_account
FROM sums s LEFT JOIN app_user u ON u.id = s.engineer LEFT JOIN product p ON p.id = s.product
LEFT JOIN service_contract c ON c.id = s.contract LEFT JOIN account a ON a.id = c.account"""


def _rate(met: int, due: int) -> Rate:
    return Rate(count=met, of=due, pct=percent(met, due))


def _rates(row: Any) -> tuple[Rate, Rate]:
    return _rate(row["responded"], row["respond_due"]), _rate(row["resolved"], row["resolve_due"])


def _row(row: Any, key: str) -> SlaRow:
    responded, resolved = _rates(row)
    out = SlaRow(id=row[key], name="", responded=responded, resolved=resolved)
    if key == "engineer":
        out.name = row["engineer_name"] or ""
    elif key == "product":
        out.name, out.sku = row["product_name"], row["product_sku"]
    elif row["contract"] is not None:
        out.name, out.kind = row["contract_account"], row["contract_kind"]
    return out


def _worst_first(rows: list[SlaRow]) -> list[SlaRow]:
    """Those missing most deadlines first: the board is for following up."""

    def key(r: SlaRow) -> tuple[bool, float, bool, float, str]:
        return (
            r.resolved.pct is None,
            r.resolved.pct or 0,
            r.responded.pct is None,
            r.responded.pct or 0,
            r.name,
        )

    return sorted(rows, key=key)


async def sla_attainment(first: date, last: date, zone: int) -> SlaAttainment:
    end = day_start(last + timedelta(days=1))
    sql, args = bind(
        ATTAINMENT_SQL,
        start=day_start(first),
        end=end,
        now=min(now_utc(), end),
        zone=zone,
        tz=get_settings().business_timezone,
    )
    rows = await db.fetch(sql, *args)
    return attainment_of(rows)


def attainment_of(rows: list[Any]) -> SlaAttainment:
    total = next((r for r in rows if r["g"] == TOTAL and r["respond_due"] is not None), None)
    responded, resolved = _rates(total) if total else (_rate(0, 0), _rate(0, 0))
    weeks = sorted((r for r in rows if r["g"] == WEEK), key=lambda r: r["week"])
    return SlaAttainment(
        responded=responded,
        resolved=resolved,
        weeks=[SlaWeekRow(r["week"], *_rates(r)) for r in weeks],
        engineers=_worst_first([_row(r, "engineer") for r in rows if r["g"] == ENGINEER]),
        contracts=_worst_first([_row(r, "contract") for r in rows if r["g"] == CONTRACT]),
        products=_worst_first([_row(r, "product") for r in rows if r["g"] == PRODUCT]),
    )
