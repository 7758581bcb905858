"""Every table of the boards as a file, CSV (UTF-8 with BOM) or XLSX (backend/exports.py: formulas
neutralised), with the JSON's column names and values: what a supervisor takes to a meeting.

The satisfaction and sales tables keep their original `/csv` addresses (API.md: never renamed)
and gain `/xlsx` beside them; the dispatch board's two tables (the open jobs and the engineers)
download from `/api/boards/dispatch/csv` and `/xlsx`; the sales pipeline's tables (the funnel, per
rep too, the forecast, payments and pool moves) from `/api/boards/sales/pipeline/csv` and `/xlsx`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromQuery, QueryParameter

from backend import exports
from backend.access import MANAGERS, allow
from backend.boards import queries
from backend.boards.pipeline import (
    ForecastMonth,
    FunnelStage,
    PaymentMonth,
    PipelineBoard,
    PoolRep,
    RepStage,
)
from backend.boards.schemas import (
    EngineerPin,
    EngineerRow,
    JobPin,
    LowRating,
    OffSiteVisit,
    PartRow,
    ProductRow,
    Rate,
    RepDay,
    RepRow,
    SalesBoard,
    SatisfactionBoard,
    Uncontacted,
    WeekRow,
)
from backend.boards.service import pipeline_board, sales_board, satisfaction_board
from backend.schemas import DateFrom, DateTo, QueryId

Skill = Annotated[str | None, QueryParameter(max_length=60)]
Table = tuple[list[Any], list[str]]  # rows (structs or dicts) and the columns they go out with


class SatisfactionTable(StrEnum):
    SUMMARY = "summary"
    DISTRIBUTION = "distribution"
    WEEKS = "weeks"
    ENGINEERS = "engineers"
    PRODUCTS = "products"
    PARTS = "parts"
    LOW_RATINGS = "low_ratings"
    SLA = "sla"  # SLA attainment: the total, then each week, engineer, contract and product


class SalesTable(StrEnum):
    REPS = "reps"
    DAYS = "days"
    OFF_SITE = "off_site"
    UNCONTACTED = "uncontacted"


class PipelineTable(StrEnum):
    FUNNEL = "funnel"
    FUNNEL_BY_REP = "funnel_by_rep"
    FORECAST = "forecast"
    PAYMENTS = "payments"
    POOL = "pool"


class DispatchTable(StrEnum):
    JOBS = "jobs"
    ENGINEERS = "engineers"


def _fields(struct: type[msgspec.Struct]) -> list[str]:
    return list(struct.__struct_fields__)


def summary_rows(board: SatisfactionBoard) -> list[dict[str, Any]]:
    """The key figures as (figure, value) rows, exactly as the JSON has them."""
    figures: list[tuple[str, Any]] = [
        ("ratings", board.csat.ratings),
        ("csat_average", board.csat.average),
        ("first_time_fix_pct", board.first_time_fix.pct),
        ("first_time_fixes", board.first_time_fix.count),
        ("completed", board.first_time_fix.of),
        ("sla_breach_pct", board.sla_breach.pct),
        ("sla_breached", board.sla_breach.count),
        ("to_offer_min", board.times.to_offer_min),
        ("to_arrive_min", board.times.to_arrive_min),
        ("to_complete_min", board.times.to_complete_min),
        ("low_ratings", board.low_ratings_total),
    ]
    return [{"figure": name, "value": value} for name, value in figures]


SLA_COLUMNS = [
    *("by", "id", "week", "name", "kind", "sku"),
    *("responded_in_time", "respond_due", "responded_pct"),
    *("resolved_in_time", "resolve_due", "resolved_pct"),
]


def sla_rows(board: SatisfactionBoard) -> list[dict[str, Any]]:
    """SLA attainment flattened, one row per total, week, engineer, contract and product."""
    sla = board.sla_attainment

    def row(by: str, responded: Rate, resolved: Rate, **keys: Any) -> dict[str, Any]:
        return {
            "by": by,
            **keys,
            "responded_in_time": responded.count,
            "respond_due": responded.of,
            "responded_pct": responded.pct,
            "resolved_in_time": resolved.count,
            "resolve_due": resolved.of,
            "resolved_pct": resolved.pct,
        }

    rows = [row("total", sla.responded, sla.resolved)]
    rows += [row("week", w.responded, w.resolved, week=w.week) for w in sla.weeks]
    for by, items in (
        ("engineer", sla.engineers),
        ("contract", sla.contracts),
        ("product", sla.products),
    ):
        rows += [
            row(by, r.responded, r.resolved, id=r.id, name=r.name, kind=r.kind, sku=r.sku)
            for r in items
        ]
    return [dict.fromkeys(SLA_COLUMNS) | r for r in rows]


def satisfaction_table(board: SatisfactionBoard, table: SatisfactionTable) -> Table:
    if table == SatisfactionTable.SLA:
        return sla_rows(board), SLA_COLUMNS
    if table == SatisfactionTable.SUMMARY:
        return summary_rows(board), ["figure", "value"]
    if table == SatisfactionTable.DISTRIBUTION:
        rows = [{"score": s, "ratings": n} for s, n in board.csat.distribution.items()]
        return rows, ["score", "ratings"]
    tables: dict[str, Table] = {
        "weeks": (board.weeks, _fields(WeekRow)),
        "engineers": (board.engineers, _fields(EngineerRow)),
        "products": (board.products, _fields(ProductRow)),
        "parts": (board.parts, _fields(PartRow)),
        "low_ratings": (board.low_ratings, _fields(LowRating)),
    }
    return tables[table]


def sales_table(board: SalesBoard, table: SalesTable) -> Table:
    tables: dict[str, Table] = {
        "reps": (board.reps, _fields(RepRow)),
        "days": (board.days, _fields(RepDay)),
        "off_site": (board.off_site, _fields(OffSiteVisit)),
        "uncontacted": (board.uncontacted, _fields(Uncontacted)),
    }
    return tables[table]


def pipeline_table(board: PipelineBoard, table: PipelineTable) -> Table:
    tables: dict[str, Table] = {
        "funnel": (board.funnel, _fields(FunnelStage)),
        "funnel_by_rep": (board.funnel_by_rep, _fields(RepStage)),
        "forecast": (board.forecast, _fields(ForecastMonth)),
        "payments": (board.payments, _fields(PaymentMonth)),
        "pool": (board.pool, _fields(PoolRep)),
    }
    return tables[table]


async def _pipeline(
    table: PipelineTable, date_from: date | None, date_to: date | None, owner_id: int | None
) -> tuple[Table, str]:
    board = await pipeline_board(date_from, date_to, owner_id)
    name = f"sales-{table}-{board.date_from}-{board.date_to}"
    return pipeline_table(board, table), name


def as_csv(table: Table, name: str) -> Response[bytes]:
    rows, columns = table
    return exports.csv_response(exports.table(rows, columns), columns, name)


def as_xlsx(table: Table, name: str) -> Response[bytes]:
    rows, columns = table
    return exports.xlsx_response(exports.table(rows, columns), columns, name, sheet=name[:31])


async def _dispatch(table: DispatchTable, zone_id: int | None, skill: str | None) -> Table:
    board = await queries.dispatch_board(zone_id, skill)
    if table == DispatchTable.ENGINEERS:
        return board.engineers, _fields(EngineerPin)
    return board.jobs, _fields(JobPin)


class BoardDownloads(Controller):
    path = "/api/boards"
    tags = ["boards"]
    guards = [allow(*MANAGERS)]

    @get("/satisfaction/xlsx", media_type=exports.XLSX_MEDIA_TYPE)
    async def satisfaction_xlsx(
        self,
        table: FromQuery[SatisfactionTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the satisfaction board as an Excel workbook (the CSV's columns)."""
        board = await satisfaction_board(date_from, date_to, zone_id)
        name = f"satisfaction-{table}-{board.date_from}-{board.date_to}"
        return as_xlsx(satisfaction_table(board, table), name)

    @get("/sales/xlsx", media_type=exports.XLSX_MEDIA_TYPE)
    async def sales_xlsx(
        self,
        table: FromQuery[SalesTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the field sales summary as an Excel workbook (the CSV's columns)."""
        board = await sales_board(date_from, date_to, zone_id)
        name = f"sales-{table}-{board.date_from}-{board.date_to}"
        return as_xlsx(sales_table(board, table), name)

    @get("/sales/pipeline/csv", media_type="text/csv")
    async def pipeline_csv(
        self,
        table: FromQuery[PipelineTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        owner_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the sales pipeline (GET /api/boards/sales/pipeline) as CSV."""
        return as_csv(*await _pipeline(table, date_from, date_to, owner_id))

    @get("/sales/pipeline/xlsx", media_type=exports.XLSX_MEDIA_TYPE)
    async def pipeline_xlsx(
        self,
        table: FromQuery[PipelineTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        owner_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the sales pipeline as an Excel workbook (the CSV's columns)."""
        return as_xlsx(*await _pipeline(table, date_from, date_to, owner_id))

    @get("/dispatch/csv", media_type="text/csv")
    async def dispatch_csv(
        self, table: FromQuery[DispatchTable], zone_id: QueryId = None, skill: Skill = None
    ) -> Response[bytes]:
        """The dispatch board's open jobs (by priority, then due time) or engineers as CSV."""
        return as_csv(await _dispatch(table, zone_id, skill), f"dispatch-{table}")

    @get("/dispatch/xlsx", media_type=exports.XLSX_MEDIA_TYPE)
    async def dispatch_xlsx(
        self, table: FromQuery[DispatchTable], zone_id: QueryId = None, skill: Skill = None
    ) -> Response[bytes]:
        """The dispatch board's open jobs or engineers as an Excel workbook."""
        return as_xlsx(await _dispatch(table, zone_id, skill), f"dispatch-{table}")


DOWNLOAD_CONTROLLERS = [BoardDownloads]
