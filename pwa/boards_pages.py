"""The supervisor boards' pages: they render the very board objects the JSON API returns."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from backend.access import MANAGERS, principal_of
from backend.boards import queries
from backend.boards.charts import bar_chart, week_chart
from backend.boards.service import sales_board, satisfaction_board
from backend.errors import Forbidden
from backend.schemas import QueryId
from backend.settings import get_settings
from pwa import i18n

DateFrom = Annotated[date | None, QueryParameter(name="from")]
DateTo = Annotated[date | None, QueryParameter(name="to")]


def _manager_or_redirect(request: Request[Any, Any, Any]) -> Redirect | None:
    principal = principal_of(request)
    if principal is None:
        return Redirect("/login")
    if principal.role not in MANAGERS:
        raise Forbidden("Only supervisors and admins see the boards")
    return None


class BoardPages(Controller):
    path = "/boards"
    include_in_schema = False

    @get("/dispatch")
    async def dispatch(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The live dispatch board: the map, the queue, job detail and manual assignment."""
        if redirect := _manager_or_redirect(request):
            return redirect
        context = {
            "me": principal_of(request),
            "board": "dispatch",
            "tile_url": get_settings().tile_url,
            "zones": await queries.zone_areas(),
        }
        return i18n.render(request, "boards/dispatch.html", context)

    @get("/satisfaction")
    async def satisfaction(
        self,
        request: Request[Any, Any, Any],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Template | Redirect:
        """The satisfaction board for a date range and zone, with charts and CSV links."""
        if redirect := _manager_or_redirect(request):
            return redirect
        board = await satisfaction_board(date_from, date_to, zone_id)
        context = {
            "me": principal_of(request),
            "board": "satisfaction",
            "b": board,
            "zones": await queries.zone_areas(),
            "query": _query(board.date_from, board.date_to, zone_id),
            "distribution_svg": bar_chart(board.csat.distribution),
            "weeks_svg": week_chart(board.weeks),
        }
        return i18n.render(request, "boards/satisfaction.html", context)

    @get("/sales")
    async def sales(
        self,
        request: Request[Any, Any, Any],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        zone_id: QueryId = None,
    ) -> Template | Redirect:
        """The field sales summary for a date range and zone."""
        if redirect := _manager_or_redirect(request):
            return redirect
        board = await sales_board(date_from, date_to, zone_id)
        context = {
            "me": principal_of(request),
            "board": "sales",
            "b": board,
            "zones": await queries.zone_areas(),
            "query": _query(board.date_from, board.date_to, zone_id),
        }
        return i18n.render(request, "boards/sales.html", context)


def _query(first: date, last: date, zone_id: int | None) -> str:
    """The filters as a query string, for the JSON and CSV links of the same figures."""
    query = f"from={first.isoformat()}&to={last.isoformat()}"
    return query + (f"&zone_id={zone_id}" if zone_id is not None else "")


BOARD_PAGES = [BoardPages]
