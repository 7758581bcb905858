"""HTTP API of the supervisor boards: dispatch, satisfaction, field sales, CSV, the live stream."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import ServerSentEvent

from backend import exports, live
from backend.access import MANAGERS, allow
from backend.boards import queries
from backend.boards.pipeline import PipelineBoard
from backend.boards.schemas import (
    DispatchBoard,
    EngineerPin,
    EngineerRow,
    JobPin,
    LowRating,
    OffSiteVisit,
    PartRow,
    ProductRow,
    RepDay,
    RepRow,
    SalesBoard,
    SatisfactionBoard,
    Uncontacted,
    WeekRow,
)
from backend.boards.service import pipeline_board, sales_board, satisfaction_board
from backend.errors import DomainError
from backend.schemas import DateFrom, DateTo, PathId, QueryId

Skill = Annotated[str | None, QueryParameter(max_length=60)]


class ServiceUnavailable(DomainError):
    status_code = 503


class SatisfactionTable(StrEnum):
    SUMMARY = "summary"
    DISTRIBUTION = "distribution"
    WEEKS = "weeks"
    ENGINEERS = "engineers"
    PRODUCTS = "products"
    PARTS = "parts"
    LOW_RATINGS = "low_ratings"


class SalesTable(StrEnum):
    REPS = "reps"
    DAYS = "days"
    OFF_SITE = "off_site"
    UNCONTACTED = "uncontacted"


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


def csv_response(rows: list[Any], name: str, columns: list[str]) -> Response[bytes]:
    """Rows (structs or dicts) as CSV with the JSON's values (backend/exports.py neutralises)."""
    return exports.csv_response(exports.table(rows, columns), columns, name)


def _fields(struct: type[msgspec.Struct]) -> list[str]:
    return list(struct.__struct_fields__)


class BoardController(Controller):
    path = "/api/boards"
    tags = ["boards"]
    guards = [allow(*MANAGERS)]

    @get("/dispatch")
    async def dispatch(self, zone_id: QueryId = None, skill: Skill = None) -> DispatchBoard:
        """Engineers (state, position) and open jobs by priority and SLA due time."""
        return await queries.dispatch_board(zone_id, skill)

    @get("/dispatch/engineers/{engineer_id:int}")
    async def engineer(self, engineer_id: PathId) -> EngineerPin:
        """One engineer as the dispatch board shows him (what a live update fetches)."""
        return await queries.engineer_row(engineer_id)

    @get("/dispatch/jobs/{work_order_id:int}")
    async def job(self, work_order_id: PathId) -> JobPin:
        """One work order as the dispatch board shows it; a closed one leaves the board."""
        return await queries.job_row(work_order_id)

    @get("/satisfaction")
    async def satisfaction(
        self, date_from: DateFrom = None, date_to: DateTo = None, zone_id: QueryId = None
    ) -> SatisfactionBoard:
        """CSAT, first-time fix, SLA breaches, service times, engineers, models, parts."""
        return await satisfaction_board(date_from, date_to, zone_id)

    @get("/satisfaction/csv", media_type="text/csv")
    async def satisfaction_csv(
        self,
        table: FromQuery[SatisfactionTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the satisfaction board as CSV."""
        board = await satisfaction_board(date_from, date_to, zone_id)
        name = f"satisfaction-{table}-{board.date_from}-{board.date_to}"
        if table == SatisfactionTable.SUMMARY:
            return csv_response(summary_rows(board), name, ["figure", "value"])
        if table == SatisfactionTable.DISTRIBUTION:
            rows = [{"score": s, "ratings": n} for s, n in board.csat.distribution.items()]
            return csv_response(rows, name, ["score", "ratings"])
        rows_of: dict[str, tuple[list[Any], list[str]]] = {
            "weeks": (board.weeks, _fields(WeekRow)),
            "engineers": (board.engineers, _fields(EngineerRow)),
            "products": (board.products, _fields(ProductRow)),
            "parts": (board.parts, _fields(PartRow)),
            "low_ratings": (board.low_ratings, _fields(LowRating)),
        }
        rows, columns = rows_of[table]
        return csv_response(rows, name, columns)

    @get("/sales")
    async def sales(
        self, date_from: DateFrom = None, date_to: DateTo = None, zone_id: QueryId = None
    ) -> SalesBoard:
        """Visits and route km per rep per day, off-site check-ins, accounts due a contact."""
        return await sales_board(date_from, date_to, zone_id)

    @get("/sales/pipeline")
    async def sales_pipeline(
        self, date_from: DateFrom = None, date_to: DateTo = None, owner_id: QueryId = None
    ) -> PipelineBoard:
        """The funnel by stage (and per rep) of the deals made in the range, the weighted
        forecast by expected-close month with the won amount, win rate and cycle days, payments
        due, received and overdue by month, and pool moves per rep."""
        return await pipeline_board(date_from, date_to, owner_id)

    @get("/sales/csv", media_type="text/csv")
    async def sales_csv(
        self,
        table: FromQuery[SalesTable],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Response[bytes]:
        """One table of the field sales summary as CSV."""
        board = await sales_board(date_from, date_to, zone_id)
        name = f"sales-{table}-{board.date_from}-{board.date_to}"
        rows_of: dict[str, tuple[list[Any], list[str]]] = {
            "reps": (board.reps, _fields(RepRow)),
            "days": (board.days, _fields(RepDay)),
            "off_site": (board.off_site, _fields(OffSiteVisit)),
            "uncontacted": (board.uncontacted, _fields(Uncontacted)),
        }
        rows, columns = rows_of[table]
        return csv_response(rows, name, columns)

    @get("/stream", media_type="text/event-stream")
    async def stream(self, channels: NamedDependency[ChannelsPlugin]) -> ServerSentEvent:
        """Server-sent events: "hello" once subscribed (reload the board), then one "change"
        per job transition or engineer duty/position change: {"kind", "id", "status"}."""
        if not getattr(channels, "running", False):
            raise ServiceUnavailable("Live updates are not running in this process")
        return ServerSentEvent(
            live.stream(channels),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


BOARD_CONTROLLERS = [BoardController]
