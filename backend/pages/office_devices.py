"""Back-office pages of installed devices: the list, a new device, a device's page (move it,
rotate its QR token, its service history), and QR label sheets for ticked or filtered devices."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.catalogue import service as catalogue
from backend.customers import devices, qr
from backend.customers import service as customers
from backend.errors import Invalid
from backend.pages import frame, i18n
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort
from backend.workorders import queries as work_orders

MAX_LABELS = 240  # ten A4 sheets of 3 × 8


def _parse_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise Invalid("ids", "a comma-separated list of device ids") from exc
    if not ids or len(ids) > MAX_LABELS or any(not 0 < i < 2**31 for i in ids):
        raise Invalid("ids", f"between 1 and {MAX_LABELS} device ids")
    return ids


async def products() -> list[tuple[int, str]]:
    found = await catalogue.list_products(None, 200, 0)
    return [(p.id, f"{p.name} ({p.sku})") for p in found.items]


class DevicePages(Controller):
    path = "/devices"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        account_id: QueryId = None,
        product_id: QueryId = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "devices")
        found = await devices.list_devices(
            principal,
            account_id=account_id,
            product_id=product_id,
            serial=None,
            limit=limit,
            offset=offset,
            q=q,
            sort=sort,
        )
        filters = {"q": q, "account_id": account_id, "product_id": product_id}
        view = ListView("/devices", found, filters, sort)
        account = (
            await customers.get_account(principal, account_id) if account_id is not None else None
        )
        context = {
            "view": view,
            "products": await products(),
            "account": account,
            "max_labels": MAX_LABELS,
        }
        return frame.render(request, "devices", "office/devices.html", context)

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], account_id: QueryId = None) -> Template:
        principal = frame.office_principal(request, "devices")
        account = (
            await customers.get_account(principal, account_id) if account_id is not None else None
        )
        context = {"products": await products(), "account": account}
        return frame.render(request, "devices", "office/device_new.html", context)

    @get("/{device_id:int}")
    async def show(self, request: Request[Any, Any, Any], device_id: PathId) -> Template:
        principal = frame.office_principal(request, "devices")
        device = await devices.get_device(principal, device_id)
        context = {
            "device": device,
            "history": await work_orders.device_history(device_id),
            "qr_svg": qr.qr_svg(device.qr_url),
        }
        return frame.render(request, "devices", "office/device.html", context)

    @get("/labels")
    async def labels(
        self,
        request: Request[Any, Any, Any],
        ids: FromQuery[str | None] = None,
        q: Search = None,
        account_id: QueryId = None,
        product_id: QueryId = None,
        sort: Sort = None,
    ) -> Template:
        """A printable A4 sheet of 3 × 8 stickers: the ticked devices (ids=), or every device
        of a filter of the list (the same parameters), up to MAX_LABELS."""
        principal = frame.office_principal(request, "devices")
        if ids is not None:
            chosen = await devices.devices_by_ids(_parse_ids(ids))
        else:
            found = await devices.list_devices(
                principal,
                account_id=account_id,
                product_id=product_id,
                serial=None,
                limit=MAX_LABELS + 1,
                offset=0,
                q=q,
                sort=sort,
            )
            if found.total > MAX_LABELS:
                raise Invalid("q", f"at most {MAX_LABELS} labels at once; narrow the filter")
            chosen = found.items
        labels = [(d, qr.qr_svg(d.qr_url)) for d in chosen]
        return i18n.render(request, "labels.html", {"labels": labels})


DEVICE_PAGES = [DevicePages]
