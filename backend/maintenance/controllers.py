"""HTTP API of service contracts: made and managed by supervisors; a device's coverage."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.access import (
    MANAGERS,
    SELLERS,
    Role,
    allow,
    check_device_coverage_read,
    current,
    signed_in,
)
from backend.customers import devices
from backend.db import fetchval
from backend.maintenance import service
from backend.maintenance.schemas import ReasonIn, ServiceContractIn, ServiceContractOut
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Search, Sort

ContractStatus = Annotated[
    str | None, QueryParameter(pattern="^(active|suspended|ended)$", description="status")
]
ContractKind = Annotated[
    str | None, QueryParameter(pattern="^(warranty|maintenance)$", description="kind")
]


class ServiceContractController(Controller):
    path = "/api/service-contracts"
    tags = ["service contracts"]
    guards = [signed_in, allow(*MANAGERS)]

    @post("")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ServiceContractIn]
    ) -> ServiceContractOut:
        """Devices of one account; a maintenance plan's visits are made by the `plans` clock."""
        contract_id = await service.create(data, current(request).id)
        return await service.get(contract_id)

    @get("")
    async def index(
        self,
        account_id: QueryId = None,
        device_id: QueryId = None,
        status: FromQuery[ContractStatus] = None,
        kind: FromQuery[ContractKind] = None,
        q: Search = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ServiceContractOut]:
        """Each with its account's name and next planned visit; q searches the account's name."""
        return await service.listing(
            account_id=account_id,
            device_id=device_id,
            status=status,
            kind=kind,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    @get("/{contract_id:int}")
    async def show(self, contract_id: PathId) -> ServiceContractOut:
        """With its occurrences: the planned work orders, due day and window of each."""
        return await service.get(contract_id)

    @post("/{contract_id:int}/suspend", status_code=HTTP_200_OK)
    async def suspend(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[ReasonIn]
    ) -> ServiceContractOut:
        """Planned jobs not yet taken on are cancelled, the reason on each."""
        await service.change_status(contract_id, "suspend", data.reason, current(request).id)
        return await service.get(contract_id)

    @post("/{contract_id:int}/resume", status_code=HTTP_200_OK)
    async def resume(
        self, request: Request[Any, Any, Any], contract_id: PathId
    ) -> ServiceContractOut:
        await service.change_status(contract_id, "resume", None, current(request).id)
        return await service.get(contract_id)

    @post("/{contract_id:int}/end", status_code=HTTP_200_OK)
    async def end(
        self, request: Request[Any, Any, Any], contract_id: PathId, data: JSONBody[ReasonIn]
    ) -> ServiceContractOut:
        """Ends today (or on its end day if sooner); planned jobs not yet taken on are cancelled."""
        await service.change_status(contract_id, "end", data.reason, current(request).id)
        return await service.get(contract_id)


class CoverageController(Controller):
    path = "/api/devices"
    tags = ["service contracts"]
    guards = [signed_in, allow(*SELLERS, Role.ENGINEER)]

    @get("/{device_id:int}/coverage")
    async def coverage(
        self, request: Request[Any, Any, Any], device_id: PathId
    ) -> list[ServiceContractOut]:
        """Contracts in force today on the device, its warranty (from warranty_until) included.
        Engineers: the devices of jobs offered or assigned to them."""
        principal = current(request)
        if principal.role == Role.ENGINEER:
            holds = await fetchval(
                "SELECT EXISTS (SELECT 1 FROM work_order WHERE device = $1 AND engineer = $2)",
                device_id,
                principal.id,
            )
            check_device_coverage_read(principal, bool(holds))
        else:
            await devices.get_device(principal, device_id)
        return await service.coverage(device_id)


MAINTENANCE_CONTROLLERS = [ServiceContractController, CoverageController]
