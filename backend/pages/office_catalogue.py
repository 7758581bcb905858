"""Back-office pages of the catalogue: product models and spare parts with their prices (lists
with search and paging, a form for a new one, a page to correct one), through the catalogue API
(POST/PATCH /api/products, /api/parts). Everyone of the back office reads; admins edit."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from backend.catalogue import service as catalogue
from backend.pages import frame
from backend.pages.export import ExportFormat, download, field
from backend.pages.listing import ListView
from backend.pages.office_users import admin_only
from backend.schemas import Limit, Offset, PathId, Search

N_ = frame.N_
PRODUCT_COLUMNS = (
    field(N_("SKU"), "sku"),
    field(N_("Name"), "name"),
    field(N_("Category"), "category"),
    field(N_("Required skill"), "required_skill"),
    field(N_("Warranty (months)"), "warranty_months"),
    field(N_("Signature required"), "signature_required"),
)
PART_COLUMNS = (field(N_("SKU"), "sku"), field(N_("Name"), "name"), field(N_("Price"), "price"))


class CataloguePages(Controller):
    path = "/catalogue"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def products(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        frame.office_principal(request, "catalogue")
        found = await catalogue.list_products(q, limit, offset)
        view = ListView("/catalogue", found, {"q": q}, exportable=True)
        context = {"view": view, "tab": "products"}
        return frame.render(request, "catalogue", "office/catalogue.html", context)

    @get("/parts")
    async def parts(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        frame.office_principal(request, "catalogue")
        found = await catalogue.list_parts(q, limit, offset)
        view = ListView("/catalogue/parts", found, {"q": q}, exportable=True)
        context = {"view": view, "tab": "parts"}
        return frame.render(request, "catalogue", "office/catalogue.html", context)

    @get("/export")
    async def products_export(
        self, request: Request[Any, Any, Any], format: ExportFormat, q: Search = None
    ) -> Response[bytes]:
        """Every product model of the search as CSV or XLSX."""
        frame.office_principal(request, "catalogue")

        async def fetch(limit: int, offset: int) -> Any:
            return await catalogue.list_products(q, limit, offset)

        return await download(request, format, fetch, PRODUCT_COLUMNS, "products")

    @get("/parts/export")
    async def parts_export(
        self, request: Request[Any, Any, Any], format: ExportFormat, q: Search = None
    ) -> Response[bytes]:
        """Every spare part of the search, with its price, as CSV or XLSX."""
        frame.office_principal(request, "catalogue")

        async def fetch(limit: int, offset: int) -> Any:
            return await catalogue.list_parts(q, limit, offset)

        return await download(request, format, fetch, PART_COLUMNS, "parts")

    @get("/products/new")
    async def new_product(self, request: Request[Any, Any, Any]) -> Template:
        admin_only(frame.office_principal(request, "catalogue"))
        context = {"kind": "product", "item": None}
        return frame.render(request, "catalogue", "office/catalogue_item.html", context)

    @get("/products/{product_id:int}")
    async def product(self, request: Request[Any, Any, Any], product_id: PathId) -> Template:
        frame.office_principal(request, "catalogue")
        context = {"kind": "product", "item": await catalogue.get_product(product_id)}
        return frame.render(request, "catalogue", "office/catalogue_item.html", context)

    @get("/parts/new")
    async def new_part(self, request: Request[Any, Any, Any]) -> Template:
        admin_only(frame.office_principal(request, "catalogue"))
        context = {"kind": "part", "item": None}
        return frame.render(request, "catalogue", "office/catalogue_item.html", context)

    @get("/parts/{part_id:int}")
    async def part(self, request: Request[Any, Any, Any], part_id: PathId) -> Template:
        frame.office_principal(request, "catalogue")
        context = {"kind": "part", "item": await catalogue.get_part(part_id)}
        return frame.render(request, "catalogue", "office/catalogue_item.html", context)


CATALOGUE_PAGES = [CataloguePages]
