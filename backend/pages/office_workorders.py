"""Back-office pages of work orders: the list, taking a phone call into a dispatched work order,
and a work order's page (events, proof of work, reassign to the nearest eligible, cancel)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.access import Principal, Role
from backend.clock import now_utc
from backend.customers import devices
from backend.customers import service as customers
from backend.pages import frame
from backend.pages.export import Column, ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, QueryId
from backend.staff import service as staff
from backend.workorders import candidates, queries
from backend.workorders.service import RULES, Step
from backend.workorders.tables import Status

N_ = frame.N_
REASSIGNABLE = frozenset({Status.NEW, Status.OFFERED})
COLUMNS = (
    field(N_("Job"), "id"),
    field(N_("Priority"), "priority", frame.PRIORITIES),
    field(N_("Status"), "status", frame.STATUSES),
    field(N_("Account"), "account_name"),
    field(N_("Product"), "product"),
    field(N_("Serial"), "serial"),
    field(N_("Description"), "description"),
    Column(N_("Engineer"), lambda job: job.engineer.name if job.engineer else None),
    field(N_("Reported"), "created_at"),
    field(N_("Respond by"), "respond_by"),
    field(N_("Resolve by"), "resolve_by"),
    field(N_("SLA breached"), "sla_breached"),
    field(N_("Reported by"), "reporter_name"),
    field(N_("Phone"), "reporter_phone"),
    field(N_("Resolution"), "resolution"),
)


async def engineers() -> list[tuple[int, str]]:
    found = await staff.list_users(Role.ENGINEER, None, True, 200, 0)
    return [(e.id, e.name) for e in found.items]


def finder(principal: Principal, status: Status | None, engineer_id: int | None) -> Fetch:
    """The list's work orders for a filter, for the page and for its file alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await queries.listing(
            principal, status=status, engineer_id=engineer_id, limit=limit, offset=offset
        )

    return fetch


class WorkOrderPages(Controller):
    path = "/work-orders"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        status: FromQuery[Status | None] = None,
        engineer_id: QueryId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "work_orders")
        found = await finder(principal, status, engineer_id)(limit, offset)
        filters = {"status": status, "engineer_id": engineer_id}
        view = ListView("/work-orders", found, filters, exportable=True)
        context = {"view": view, "engineers": await engineers()}
        return frame.render(request, "work_orders", "office/work_orders.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        status: FromQuery[Status | None] = None,
        engineer_id: QueryId = None,
    ) -> Response[bytes]:
        """Every work order of the list's filter, newest first, as CSV or XLSX."""
        principal = frame.office_principal(request, "work_orders")
        fetch = finder(principal, status, engineer_id)
        return await download(request, format, fetch, COLUMNS, "work-orders")

    @get("/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        account_id: QueryId = None,
        device_id: QueryId = None,
    ) -> Template:
        """A customer on the phone: find the account by name, phone or serial, pick the device,
        say what is wrong and how urgent; dispatch offers it at once."""
        principal = frame.office_principal(request, "work_orders")
        device = await devices.get_device(principal, device_id) if device_id else None
        if device is not None:
            account_id = device.account_id
        account = await customers.get_account(principal, account_id) if account_id else None
        context = {"account": account, "device": device}
        return frame.render(request, "work_orders", "office/work_order_new.html", context)

    @get("/{work_order_id:int}")
    async def show(self, request: Request[Any, Any, Any], work_order_id: PathId) -> Template:
        principal = frame.office_principal(request, "work_orders")
        job = await queries.detail(principal, work_order_id)
        reassignable = job.status in REASSIGNABLE
        context = {
            "job": job,
            "account": await customers.get_account(principal, job.account_id),
            "events_names": frame.EVENTS,
            "candidates": (
                await candidates.candidates(work_order_id, now_utc()) if reassignable else []
            ),
            "reassignable": reassignable,
            "cancellable": job.status in RULES[Step.CANCEL].allowed_from,
        }
        return frame.render(request, "work_orders", "office/work_order.html", context)


WORK_ORDER_PAGES = [WorkOrderPages]
