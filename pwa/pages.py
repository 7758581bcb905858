"""HTML page controllers; they call the same services as the API and never re-implement logic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from backend.access import MANAGERS, Principal, principal_of
from backend.customers import qr
from backend.customers import service as customers
from backend.errors import Forbidden, Invalid
from backend.staff.tables import Role

HERE = Path(__file__).resolve().parent
MAX_LABELS = 240  # ten A4 sheets of 3 × 8


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)


STATIC_FILES = create_static_files_router(
    path="/static", directories=[HERE / "static"], include_in_schema=False
)


def _parse_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise Invalid("ids", "a comma-separated list of device ids") from exc
    if not ids or len(ids) > MAX_LABELS or any(not 0 < i < 2**31 for i in ids):
        raise Invalid("ids", f"between 1 and {MAX_LABELS} device ids")
    return ids


class Pages(Controller):
    include_in_schema = False

    @get("/login")
    async def login(self) -> Template:
        return Template("login.html")

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        principal: Principal | None = principal_of(request)
        if principal is None:
            return Redirect("/login")
        context: dict[str, Any] = {"me": principal}
        if principal.role in (*MANAGERS, Role.REP):
            context["accounts"] = await customers.list_accounts(
                principal,
                q=None,
                grade=None,
                owner_id=None,
                pool=None,
                vip=None,
                limit=20,
                offset=0,
            )
        if principal.role in MANAGERS:
            context["devices"] = await customers.list_devices(
                principal, account_id=None, product_id=None, serial=None, limit=24, offset=0
            )
        if principal.role == Role.ENGINEER:
            context["stock"] = await customers.get_stock(principal.id)
        return Template("home.html", context=context)

    @get("/devices/labels")
    async def labels(
        self, request: Request[Any, Any, Any], ids: FromQuery[str]
    ) -> Template | Redirect:
        """A printable A4 sheet of 3 × 8 device stickers with product, serial and QR code."""
        principal = principal_of(request)
        if principal is None:
            return Redirect("/login")
        if principal.role not in MANAGERS:
            raise Forbidden("Only supervisors and admins print device labels")
        devices = await customers.devices_by_ids(_parse_ids(ids))
        labels = [(d, qr.qr_svg(d.qr_url)) for d in devices]
        return Template("labels.html", context={"labels": labels})

    @get("/q/{token:str}")
    async def device_page(self, token: FromPath[str]) -> Template:
        """The customer's page behind the sticker (the service request form comes with dispatch)."""
        device = await customers.device_by_token(token)
        return Template("device.html", context={"device": device})


PAGE_CONTROLLERS = [Pages]
