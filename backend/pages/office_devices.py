"""Back-office pages of installed devices: the list, a new device, a device's page (move it,
rotate its QR token, its service history), and QR label sheets for ticked or filtered devices."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.access import Principal
from backend.catalogue import service as catalogue
from backend.customers import devices, qr
from backend.customers import service as customers
from backend.errors import Invalid
from backend.pages import frame, i18n
from backend.pages.export import ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort
from backend.workorders import queries as work_orders

MAX_LABELS = 240  # ten A4 sheets of 3 × 8
N_ = frame.N_
COLUMNS = (
    field(N_("Serial"), "serial"),
    field(N_("SKU"), "product_sku"),
    field(N_("Product"), "product_name"),
    field(N_("Account"), "account_name"),
    field(N_("Installed on"), "installed_on"),
    field(N_("Warranty until"), "warranty_until"),
    field(N_("In warranty"), "in_warranty"),
    field(N_("Latitude"), "lat"),
    field(N_("Longitude"), "lng"),
    field(N_("QR address"), "qr_url"),
)


def finder(
    principal: Principal,
    q: str | None,
    account_id: int | None,
    product_id: int | None,
    sort: str | None,
) -> Fetch:
    """The list's devices for a filter: the page, its file and its label sheet alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await devices.list_devices(
            principal,
            account_id=account_id,
            product_id=product_id,
            serial=None,
            limit=limit,
            offset=offset,
            q=q,
            sort=sort,
        )

    return fetch


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
        found = await finder(principal, q, account_id, product_id, sort)(limit, offset)
        filters = {"q": q, "account_id": account_id, "product_id": product_id}
        view = ListView("/devices", found, filters, sort, exportable=True)
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

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        account_id: QueryId = None,
        product_id: QueryId = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every device of the list's filter, in its order, as CSV or XLSX."""
        principal = frame.office_principal(request, "devices")
        fetch = finder(principal, q, account_id, product_id, sort)
        return await download(request, format, fetch, COLUMNS, "devices")

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
            found = await finder(principal, q, account_id, product_id, sort)(MAX_LABELS + 1, 0)
            if found.total > MAX_LABELS:
                raise Invalid("q", f"at most {MAX_LABELS} labels at once; narrow the filter")
            chosen = found.items
        labels = [(d, qr.qr_svg(d.qr_url)) for d in chosen]
        return i18n.render(request, "labels.html", {"labels": labels})


DEVICE_PAGES = [DevicePages]
