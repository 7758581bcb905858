"""HTTP API of leads and the public pool: capture, duplicate check, conversion, claims, releases,
assignments, the pool's list and its rules."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.access import SELLERS, Role, allow, current
from backend.customers import service as customers
from backend.customers.schemas import AccountOut
from backend.sales import conversion, leads, pool, pool_settings
from backend.sales.schemas import (
    AssignIn,
    ConvertIn,
    ConvertOut,
    LeadIn,
    LeadOut,
    LeadPatch,
    PoolMoveOut,
    PoolPage,
    PoolSettings,
    ReleaseIn,
)
from backend.sales.tables import LeadSource, LeadStatus
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Search, Sort

PoolKind = Annotated[Literal["account", "lead"], QueryParameter()]


class LeadController(Controller):
    path = "/api/leads"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LeadIn],
        force: FromQuery[bool] = False,
    ) -> LeadOut:
        """Capture a lead: a rep's is his own; a manager's goes to owner_id or (null) the pool.
        A likely duplicate is a 409 listing each match (managers may ?force=true)."""
        return await leads.create_lead(current(request), data, force)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        status: FromQuery[LeadStatus | None] = None,
        owner_id: QueryId = None,
        q: Search = None,
        pool: FromQuery[bool | None] = None,
        source: FromQuery[LeadSource | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[LeadOut]:
        return await leads.list_leads(
            current(request),
            status=status.value if status else None,
            owner_id=owner_id,
            q=q,
            pool_only=pool,
            source=source.value if source else None,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    @get("/{lead_id:int}")
    async def show(self, request: Request[Any, Any, Any], lead_id: PathId) -> LeadOut:
        return await leads.get_lead(current(request), lead_id)

    @patch("/{lead_id:int}")
    async def update(
        self, request: Request[Any, Any, Any], lead_id: PathId, data: JSONBody[LeadPatch]
    ) -> LeadOut:
        """Change an open lead; status working, or disqualified with disqualified_reason."""
        return await leads.update_lead(current(request), lead_id, data)

    @post("/{lead_id:int}/claim", status_code=HTTP_200_OK)
    async def claim(self, request: Request[Any, Any, Any], lead_id: PathId) -> LeadOut:
        """Take a pool lead: 409 naming the rule over a cap or inside the cool-down."""
        await pool.claim(current(request), "lead", lead_id)
        return await leads.get_lead(current(request), lead_id)

    @post("/{lead_id:int}/release", status_code=HTTP_200_OK)
    async def release(
        self, request: Request[Any, Any, Any], lead_id: PathId, data: JSONBody[ReleaseIn]
    ) -> LeadOut:
        await pool.release(current(request), "lead", lead_id, data.reason)
        return await leads.get_lead(current(request), lead_id)

    @post("/{lead_id:int}/assign", status_code=HTTP_200_OK)
    async def assign(
        self, request: Request[Any, Any, Any], lead_id: PathId, data: JSONBody[AssignIn]
    ) -> LeadOut:
        """Managers: give the lead to owner_id (held to the owned cap) or, null, to the pool."""
        await pool.assign_lead(current(request), lead_id, data.owner_id)
        return await leads.get_lead(current(request), lead_id)

    @post("/{lead_id:int}/convert", status_code=HTTP_200_OK)
    async def convert(
        self, request: Request[Any, Any, Any], lead_id: PathId, data: JSONBody[ConvertIn]
    ) -> ConvertOut:
        return await conversion.convert(current(request), lead_id, data)

    @get("/{lead_id:int}/pool-moves")
    async def moves(self, request: Request[Any, Any, Any], lead_id: PathId) -> list[PoolMoveOut]:
        return await pool.moves(current(request), "lead", lead_id)


class AccountPoolController(Controller):
    path = "/api/accounts"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @post("/{account_id:int}/claim", status_code=HTTP_200_OK)
    async def claim(self, request: Request[Any, Any, Any], account_id: PathId) -> AccountOut:
        await pool.claim(current(request), "account", account_id)
        return await customers.get_account(current(request), account_id)

    @post("/{account_id:int}/release", status_code=HTTP_200_OK)
    async def release(
        self, request: Request[Any, Any, Any], account_id: PathId, data: JSONBody[ReleaseIn]
    ) -> AccountOut:
        await pool.release(current(request), "account", account_id, data.reason)
        return await customers.get_account(current(request), account_id)

    @get("/{account_id:int}/pool-moves")
    async def moves(self, request: Request[Any, Any, Any], account_id: PathId) -> list[PoolMoveOut]:
        return await pool.moves(current(request), "account", account_id)


class PoolController(Controller):
    path = "/api"
    tags = ["sales"]
    guards = [allow(*SELLERS)]

    @get("/pool")
    async def index(
        self,
        request: Request[Any, Any, Any],
        kind: PoolKind = "account",
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PoolPage:
        """What nobody owns, newest in the pool first, each with why and since when, and the
        caller's claims left today."""
        return await pool.list_pool(current(request), kind, q, limit, offset)

    @get("/settings/pool")
    async def rules(self) -> PoolSettings:
        """The pool's rules (every seller reads them: the PWA shows the caps)."""
        return await pool_settings.settings()

    @put("/settings/pool", guards=[allow(Role.ADMIN)])
    async def set_rules(
        self, request: Request[Any, Any, Any], data: JSONBody[PoolSettings]
    ) -> PoolSettings:
        return await pool_settings.save_settings(current(request), data)


LEAD_CONTROLLERS = [LeadController, AccountPoolController, PoolController]
