"""HTTP API of field work: location pings, the route of a day, reps' visits with check-in/out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from backend.access import FIELD_ROLES, SELLERS, allow, current, signed_in
from backend.field import service
from backend.field.schemas import (
    CheckInIn,
    CheckOutIn,
    PingsIn,
    PingsOut,
    RouteFeature,
    VisitIn,
    VisitOut,
)
from backend.schemas import Limit, Offset, Page, PathId, QueryId

# ?date=YYYY-MM-DD, a day of the business time zone; handlers name it `date` so that a bad
# value is reported under the name the client sent.
Day = Annotated[date | None, QueryParameter()]


class TrackingController(Controller):
    path = "/api"
    tags = ["field"]

    # One guard per handler (no controller-wide one on top): the pings route is the busiest.
    @post("/me/locations", status_code=HTTP_202_ACCEPTED, guards=[allow(*FIELD_ROLES)])
    async def locations(self, request: Request[Any, Any, Any], data: JSONBody[PingsIn]) -> PingsOut:
        """A batch of 1 to 500 position fixes from the phone (sent from the outbox)."""
        return await service.record_pings(current(request), data)

    @get("/users/{user_id:int}/route", guards=[signed_in])
    async def route(
        self,
        request: Request[Any, Any, Any],
        user_id: PathId,
        date: Day = None,
    ) -> RouteFeature:
        """The day's route (default today, in the business time zone) as a GeoJSON Feature:
        a simplified LineString of [lng, lat], or null geometry for fewer than two fixes."""
        return await service.day_route(current(request), user_id, date)


class VisitController(Controller):
    path = "/api/visits"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @post("")
    async def plan(self, request: Request[Any, Any, Any], data: JSONBody[VisitIn]) -> VisitOut:
        """Plan a visit: a rep for himself; a manager for rep_id (default: the account's rep)."""
        return await service.plan_visit(current(request), data)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        date: Day = None,
        rep_id: QueryId = None,
        account_id: QueryId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[VisitOut]:
        """Visits in planned order; date is a day of the business time zone."""
        return await service.list_visits(
            current(request),
            day=date,
            rep_id=rep_id,
            account_id=account_id,
            limit=limit,
            offset=offset,
        )

    @get("/{visit_id:int}")
    async def show(self, request: Request[Any, Any, Any], visit_id: PathId) -> VisitOut:
        return await service.get_visit(current(request), visit_id)

    @post("/{visit_id:int}/check-in", status_code=HTTP_200_OK)
    async def check_in(
        self, request: Request[Any, Any, Any], visit_id: PathId, data: JSONBody[CheckInIn]
    ) -> VisitOut:
        """distance_m to the account and on_site (within the check-in radius); once only."""
        return await service.check_in(current(request), visit_id, data)

    @post("/{visit_id:int}/check-out", status_code=HTTP_200_OK)
    async def check_out(
        self, request: Request[Any, Any, Any], visit_id: PathId, data: JSONBody[CheckOutIn]
    ) -> VisitOut:
        return await service.check_out(current(request), visit_id, data)


FIELD_CONTROLLERS = [TrackingController, VisitController]
