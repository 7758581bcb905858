"""The back office: the desktop pages of supervisors and admins."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.access import MANAGERS, Principal, principal_of
from backend.customers import devices, qr
from backend.customers import service as customers
from backend.errors import Forbidden, Invalid
from backend.pages import i18n
from backend.pages.staff_app import PAGE_HEADERS, home_of

MAX_LABELS = 240  # ten A4 sheets of 3 × 8


def _parse_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise Invalid("ids", "a comma-separated list of device ids") from exc
    if not ids or len(ids) > MAX_LABELS or any(not 0 < i < 2**31 for i in ids):
        raise Invalid("ids", f"between 1 and {MAX_LABELS} device ids")
    return ids


class OfficePages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Engineers and reps open their phone app; supervisors and admins this desktop home."""
        principal: Principal | None = principal_of(request)
        if principal is None:
            return Redirect("/login")
        if app := home_of(principal):
            return Redirect(app)
        context: dict[str, Any] = {
            "me": principal,
            "accounts": await customers.list_accounts(
                principal,
                q=None,
                grade=None,
                owner_id=None,
                pool=None,
                vip=None,
                limit=20,
                offset=0,
            ),
            "devices": await devices.list_devices(
                principal, account_id=None, product_id=None, serial=None, limit=24, offset=0
            ),
        }
        return i18n.render(request, "home.html", context, headers=PAGE_HEADERS)

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
        chosen = await devices.devices_by_ids(_parse_ids(ids))
        labels = [(d, qr.qr_svg(d.qr_url)) for d in chosen]
        return Template("labels.html", context={"labels": labels})


OFFICE_PAGES = [OfficePages]
