"""The supervisor boards' pages: they render the very board objects the JSON API returns."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from backend.boards import queries
from backend.boards.charts import bar_chart, week_chart
from backend.boards.pipeline import funnel_per_rep, sales_reps
from backend.boards.service import pipeline_board, sales_board, satisfaction_board
from backend.pages import frame
from backend.schemas import DateFrom, DateTo, QueryId
from backend.settings import get_settings

# Each board's page in the back office's navigation (access.PAGE_ROLES).
PAGE_OF = {"dispatch": "dispatch", "satisfaction": "satisfaction", "sales": "sales_board"}


async def _render(request: Request[Any, Any, Any], board: str, **context: Any) -> Template:
    """A board page inside the back office's frame, with the zones every board filters by."""
    shared = {"board": board, "zones": await queries.zone_areas()}
    return frame.render(request, PAGE_OF[board], f"boards/{board}.html", {**shared, **context})


class BoardPages(Controller):
    path = "/boards"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("/dispatch")
    async def dispatch(self, request: Request[Any, Any, Any]) -> Template:
        """The live dispatch board: the map, the queue, job detail and manual assignment."""
        frame.office_principal(request, "dispatch")
        return await _render(request, "dispatch", tile_url=get_settings().tile_url)

    @get("/satisfaction")
    async def satisfaction(
        self,
        request: Request[Any, Any, Any],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Template:
        """The satisfaction board for a date range and zone, with charts and CSV links."""
        frame.office_principal(request, "satisfaction")
        board = await satisfaction_board(date_from, date_to, zone_id)
        return await _render(
            request,
            "satisfaction",
            b=board,
            query=_query(board.date_from, board.date_to, zone_id),
            distribution_svg=bar_chart(board.csat.distribution),
            weeks_svg=week_chart(board.weeks),
        )

    @get("/sales")
    async def sales(
        self,
        request: Request[Any, Any, Any],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
        owner_id: QueryId = None,
    ) -> Template:
        """The field sales summary for a date range and zone; the pipeline's figures for the
        range, everyone's or one rep's (owner_id)."""
        frame.office_principal(request, "sales_board")
        board = await sales_board(date_from, date_to, zone_id)
        deals = await pipeline_board(board.date_from, board.date_to, owner_id)
        # The pipeline's figures are the company's (no zone): their links take the rep instead.
        pipeline_query = _query(board.date_from, board.date_to, None)
        if owner_id is not None:
            pipeline_query += f"&owner_id={owner_id}"
        return await _render(
            request,
            "sales",
            b=board,
            p=deals,
            reps=await sales_reps(owner_id),
            funnel_reps=funnel_per_rep(deals),
            query=_query(board.date_from, board.date_to, zone_id),
            pipeline_query=pipeline_query,
        )


def _query(first: date, last: date, zone_id: int | None) -> str:
    """The filters as a query string, for the JSON and CSV links of the same figures."""
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    return query + (f"&zone_id={zone_id}" if zone_id is not None else "")


BOARD_PAGES = [BoardPages]
