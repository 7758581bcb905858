"""HTTP API of the pipeline and what it closes: stages, opportunities, contracts, payments."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from backend.access import SELLERS, Role, allow, current
from backend.sales import contracts, opportunities, payments, stages
from backend.sales.schemas import (
    ContractIn,
    ContractOut,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    PaymentIn,
    PaymentOut,
    ReasonIn,
    StageIn,
    StageOut,
)
from backend.sales.tables import ContractStatus
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


class ContractController(Controller):
    path = "/api/contracts"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ContractIn]
    ) -> ContractOut:
        """A draft contract; the plan's lines must add up to the amount (else 400)."""
        return await contracts.create(current(request), data)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        status: FromQuery[ContractStatus | None] = None,
        account_id: QueryId = None,
        owner_id: QueryId = None,
        overdue: FromQuery[bool | None] = None,
        q: Search = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ContractOut]:
        return await contracts.list_contracts(
            current(request),
            status=status.value if status else None,
            account_id=account_id,
            owner_id=owner_id,
            overdue=overdue,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    @get("/{contract_id:int}")
    async def show(self, request: Request[Any, Any, Any], contract_id: PathId) -> ContractOut:
        """With its plan lines (pending, partial, paid; overdue), payments and approvals."""
        return await contracts.get(current(request), contract_id)

    @post("/{contract_id:int}/submit", status_code=HTTP_200_OK)
    async def submit(self, request: Request[Any, Any, Any], contract_id: PathId) -> ContractOut:
        return await contracts.submit(current(request), contract_id)

    @post("/{contract_id:int}/approve", status_code=HTTP_200_OK)
    async def approve(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[ReasonIn]
    ) -> ContractOut:
        return await contracts.decide(current(request), contract_id, True, data.reason)

    @post("/{contract_id:int}/reject", status_code=HTTP_200_OK)
    async def reject(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[ReasonIn]
    ) -> ContractOut:
        return await contracts.decide(current(request), contract_id, False, data.reason)

    @post("/{contract_id:int}/complete", status_code=HTTP_200_OK)
    async def complete(self, request: Request[Any, Any, Any], contract_id: PathId) -> ContractOut:
        return await contracts.complete(current(request), contract_id)

    @post("/{contract_id:int}/void", status_code=HTTP_200_OK)
    async def void(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[ReasonIn]
    ) -> ContractOut:
        return await contracts.void(current(request), contract_id, data.reason)

    @post("/{contract_id:int}/payments")
    async def pay(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[PaymentIn]
    ) -> PaymentOut:
        """A payment received, applied to the plan's lines falling due first."""
        return await payments.record(current(request), contract_id, data)


DEAL_CONTROLLERS = [StageController, OpportunityController, ContractController]
