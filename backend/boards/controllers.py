"""HTTP API of the supervisor boards: dispatch, satisfaction, field sales, CSV, the live stream."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import ServerSentEvent

from backend import live
from backend.access import MANAGERS, allow
from backend.boards import queries
from backend.boards.downloads import (
    DOWNLOAD_CONTROLLERS,
    SalesTable,
    SatisfactionTable,
    Skill,
    as_csv,
    sales_table,
    satisfaction_table,
)
from backend.boards.pipeline import PipelineBoard
from backend.boards.schemas import (
    DispatchBoard,
    EngineerPin,
    JobPin,
    SalesBoard,
    SatisfactionBoard,
)
from backend.boards.service import pipeline_board, sales_board, satisfaction_board
from backend.errors import DomainError
from backend.schemas import DateFrom, DateTo, PathId, QueryId


class ServiceUnavailable(DomainError):
    status_code = 503


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
        """One table of the satisfaction board as CSV (its XLSX: /satisfaction/xlsx)."""
        board = await satisfaction_board(date_from, date_to, zone_id)
        name = f"satisfaction-{table}-{board.date_from}-{board.date_to}"
        return as_csv(satisfaction_table(board, table), name)

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
        """One table of the field sales summary as CSV (its XLSX: /sales/xlsx)."""
        board = await sales_board(date_from, date_to, zone_id)
        name = f"sales-{table}-{board.date_from}-{board.date_to}"
        return as_csv(sales_table(board, table), name)

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


BOARD_CONTROLLERS = [BoardController, *DOWNLOAD_CONTROLLERS]
