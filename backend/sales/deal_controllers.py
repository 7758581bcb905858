"""HTTP API of the pipeline: stages and opportunities."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromQuery, JSONBody

from backend.access import SELLERS, Role, allow, current
from backend.sales import opportunities, stages
from backend.sales.schemas import OpportunityIn, OpportunityOut, OpportunityPatch, StageIn, StageOut
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Search, Sort


class StageController(Controller):
    path = "/api/stages"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @get("")
    async def index(self) -> list[StageOut]:
        """The stages in order, each with its English and Chinese name and probability."""
        return await stages.list_stages()

    @put("", guards=[allow(Role.ADMIN)])
    async def replace(self, data: JSONBody[list[StageIn]]) -> list[StageOut]:
        """The whole list in order: with id changes a stage, without adds one; one left out is
        retired. A won stage is 100, a lost one 0; at least one of each kind."""
        return await stages.replace_stages(data)


class OpportunityController(Controller):
    path = "/api/opportunities"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[OpportunityIn]
    ) -> OpportunityOut:
        return await opportunities.create(current(request), data)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        stage_id: QueryId = None,
        owner_id: QueryId = None,
        account_id: QueryId = None,
        closing_before: FromQuery[date | None] = None,
        open: FromQuery[bool | None] = None,
        q: Search = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[OpportunityOut]:
        return await opportunities.list_opportunities(
            current(request),
            stage_id=stage_id,
            owner_id=owner_id,
            account_id=account_id,
            closing_before=closing_before,
            open_only=open,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    @get("/{opportunity_id:int}")
    async def show(self, request: Request[Any, Any, Any], opportunity_id: PathId) -> OpportunityOut:
        """The opportunity with its stage history (who moved it, when)."""
        return await opportunities.get(current(request), opportunity_id)

    @patch("/{opportunity_id:int}")
    async def update(
        self,
        request: Request[Any, Any, Any],
        opportunity_id: PathId,
        data: JSONBody[OpportunityPatch],
    ) -> OpportunityOut:
        """Move it to stage_id (a lost stage needs lost_reason), or change amount and dates."""
        return await opportunities.update(current(request), opportunity_id, data)


DEAL_CONTROLLERS = [StageController, OpportunityController]
