"""The pipeline as the back office draws it: every stage a column with its count, amount and
weighted amount (Σ amount × probability / 100), and the biggest opportunities of each, in one
statement over the same filters as the list (owner, expected-close month)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backend import db
from backend.access import Principal, deal_visibility
from backend.sales import stages
from backend.sales.opportunities import OPPORTUNITY_SELECT
from backend.sales.schemas import OpportunityOut, StageOut
from backend.schemas import from_row
from backend.settings import get_settings

CARDS_PER_STAGE = 20  # the rest of a column is one link away (the list, filtered by the stage)


@dataclass(frozen=True)
class Column:
    stage: StageOut
    count: int
    amount: Decimal
    weighted: Decimal
    cards: list[OpportunityOut]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Pipeline:
    columns: list[Column]
    currency: str

    @property
    def open_columns(self) -> list[Column]:
        return [c for c in self.columns if c.stage.kind == "open"]

    @property
    def open_count(self) -> int:
        return sum(c.count for c in self.open_columns)

    @property
    def open_amount(self) -> Decimal:
        return sum((c.amount for c in self.open_columns), Decimal(0))

    @property
    def open_weighted(self) -> Decimal:
        return sum((c.weighted for c in self.open_columns), Decimal(0))


def month_range(month: str | None) -> tuple[date | None, date | None]:
    """ "2026-12" → (2026-12-01, 2027-01-01): the first day in, the first day after."""
    if not month:
        return None, None
    year, number = int(month[:4]), int(month[5:7])
    first = date(year, number, 1)
    after = date(year + number // 12, number % 12 + 1, 1)
    return first, after


async def pipeline(principal: Principal, *, owner_id: int | None, month: str | None) -> Pipeline:
    visible, args = deal_visibility(principal, "o", 1)
    where = [visible]
    if owner_id is not None:
        args.append(owner_id)
        where.append(f"o.owner = ${len(args)}")
    first, after = month_range(month)
    if first is not None:
        args += [first, after]
        where.append(f"o.expected_close >= ${len(args) - 1} AND o.expected_close < ${len(args)}")
    args.append(CARDS_PER_STAGE)
    rows = await db.fetch(
        f"""WITH chosen AS ({OPPORTUNITY_SELECT} WHERE {" AND ".join(where)}),
            ranked AS (
              SELECT c.*, row_number() OVER (PARTITION BY c.stage_id
                                             ORDER BY c.amount DESC, c.id) AS n,
                     count(*) OVER (PARTITION BY c.stage_id) AS stage_count,
                     sum(c.amount) OVER (PARTITION BY c.stage_id) AS stage_amount
              FROM chosen c)
            SELECT * FROM ranked WHERE n <= ${len(args)} ORDER BY stage_id, n""",
        *args,
    )
    by_stage: dict[int, list[OpportunityOut]] = {}
    totals: dict[int, tuple[int, Decimal]] = {}
    for row in rows:
        by_stage.setdefault(row["stage_id"], []).append(from_row(OpportunityOut, row, history=None))
        totals[row["stage_id"]] = (int(row["stage_count"]), Decimal(row["stage_amount"]))
    columns = []
    for stage in await stages.list_stages():
        count, amount = totals.get(stage.id, (0, Decimal(0)))
        weighted = (amount * stage.probability / 100).quantize(Decimal("0.01"))
        columns.append(Column(stage, count, amount, weighted, by_stage.get(stage.id, [])))
    return Pipeline(columns, get_settings().currency)
