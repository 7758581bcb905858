"""Back-office pages of the catalogue: product models and spare parts with their prices (lists
with search and paging, a form for a new one, a page to correct one), through the catalogue API
(POST/PATCH /api/products, /api/parts). Everyone of the back office reads; admins edit."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from backend.catalogue import service as catalogue
from backend.pages import frame
from backend.pages.listing import ListView
from backend.pages.office_users import admin_only
from backend.schemas import Limit, Offset, PathId, Search


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
        view = ListView("/catalogue", await catalogue.list_products(q, limit, offset), {"q": q})
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
        view = ListView("/catalogue/parts", await catalogue.list_parts(q, limit, offset), {"q": q})
        context = {"view": view, "tab": "parts"}
        return frame.render(request, "catalogue", "office/catalogue.html", context)

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
