"""HTTP API of the catalogue: products, parts, and van stock."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import JSONBody

from backend.access import MANAGERS, Role, allow, check_stock_read, current, signed_in
from backend.catalogue import service
from backend.catalogue.schemas import (
    PartIn,
    PartOut,
    PartPatch,
    ProductIn,
    ProductOut,
    ProductPatch,
    StockIn,
    StockOut,
)
from backend.schemas import Limit, Offset, Page, PathId, Search


class CatalogueController(Controller):
    """Products (models) and parts: every staff member reads, admins maintain."""

    path = "/api"
    tags = ["catalogue"]
    guards = [signed_in]

    @post("/products", guards=[allow(Role.ADMIN)])
    async def create_product(self, data: JSONBody[ProductIn]) -> ProductOut:
        return await service.create_product(data)

    @get("/products")
    async def products(
        self,
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ProductOut]:
        return await service.list_products(q, limit, offset)

    @patch("/products/{product_id:int}", guards=[allow(Role.ADMIN)])
    async def update_product(self, product_id: PathId, data: JSONBody[ProductPatch]) -> ProductOut:
        """Correct a model; a changed warranty counts for devices installed from now on."""
        return await service.update_product(product_id, data)

    @post("/parts", guards=[allow(Role.ADMIN)])
    async def create_part(self, data: JSONBody[PartIn]) -> PartOut:
        return await service.create_part(data)

    @get("/parts")
    async def parts(
        self,
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[PartOut]:
        return await service.list_parts(q, limit, offset)

    @patch("/parts/{part_id:int}", guards=[allow(Role.ADMIN)])
    async def update_part(self, part_id: PathId, data: JSONBody[PartPatch]) -> PartOut:
        """Correct a part or change its price."""
        return await service.update_part(part_id, data)


class StockController(Controller):
    path = "/api/engineers/{engineer_id:int}/stock"
    tags = ["catalogue"]
    guards = [signed_in]

    @get("")
    async def show(self, request: Request[Any, Any, Any], engineer_id: PathId) -> StockOut:
        check_stock_read(current(request), engineer_id)
        return await service.get_stock(engineer_id)

    @put("", guards=[allow(*MANAGERS)])
    async def replace(self, engineer_id: PathId, data: JSONBody[StockIn]) -> StockOut:
        """Set the van's stock to exactly these quantities (after a count or a refill)."""
        return await service.set_stock(engineer_id, data)


CATALOGUE_CONTROLLERS = [CatalogueController, StockController]
