"""Back-office pages of service contracts: the list (account, kind, term, devices, status, next
planned visit), a new contract (devices of one account, SLA hours, signature, a maintenance
plan), and a contract's page (covered devices, the plan, its planned work orders, the visits the
plan calls for next; suspend, resume, end with a reason).

Every change goes through the service contracts API (backend/maintenance/); the planned work
orders are made by the `plans` clock up to the plan's horizon, so a new contract shows the
coming due days until the clock has made their jobs."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from backend.clock import company_day, today
from backend.customers import devices
from backend.customers import service as customers
from backend.maintenance import service
from backend.maintenance.schedule import Generate, Plan, Unit, scheduled_dues
from backend.maintenance.schemas import ServiceContractOut
from backend.pages import frame
from backend.pages.export import Column, ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort

N_ = frame.N_
SC_STATUSES = {"active": N_("In force"), "suspended": N_("Suspended"), "ended": N_("Ended")}
KINDS = {"maintenance": N_("Maintenance"), "warranty": N_("Warranty")}
UNITS = {"day": N_("days"), "week": N_("weeks"), "month": N_("months"), "year": N_("years")}
EVERY_ONE = {"day": N_("Daily"), "week": N_("Weekly"), "month": N_("Monthly"), "year": N_("Yearly")}
GENERATE = {
    "scheduled": N_("On fixed dates"),
    "after_completion": N_("Counted from the last visit done"),
}
JOB_STATUSES = {"planned": N_("Planned"), **frame.STATUSES}
WORDS = {
    "sc_statuses": SC_STATUSES,
    "kinds": KINDS,
    "units": UNITS,
    "every_one": EVERY_ONE,
    "generate_words": GENERATE,
    "job_statuses": JOB_STATUSES,
}
PREVIEW = 6  # due days shown ahead of the clock

Status = Annotated[str | None, QueryParameter(pattern="^(active|suspended|ended)$")]
Kind = Annotated[str | None, QueryParameter(pattern="^(warranty|maintenance)$")]


# The file's columns: what the list shows, with the SLA hours and the plan.
COLUMNS = (
    field(N_("Number"), "id"),
    field(N_("Account"), "account_name"),
    field(N_("Kind"), "kind", KINDS),
    field(N_("Status"), "status", SC_STATUSES),
    field(N_("Starts on"), "starts_on"),
    field(N_("Ends on"), "ends_on"),
    Column(N_("Devices"), lambda c: len(c.device_ids)),
    field(N_("Respond within (hours)"), "respond_hours"),
    field(N_("Resolve within (hours)"), "resolve_hours"),
    field(N_("The customer signs for every visit"), "signature_required"),
    Column(N_("Every"), lambda c: c.plan.every if c.plan else None),
    Column(N_("Unit"), lambda c: c.plan.unit if c.plan else None, UNITS),
    field(N_("Next planned visit"), "next_visit"),
    field(N_("Reason"), "status_reason"),
)


def finder(
    q: str | None,
    status: str | None,
    kind: str | None,
    account_id: int | None,
    sort: str | None,
) -> Fetch:
    """The list's rows for a filter, for the page and for its file alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await service.listing(
            account_id=account_id,
            device_id=None,
            status=status,
            kind=kind,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    return fetch


def coming_dues(contract: ServiceContractOut, count: int = PREVIEW) -> list[date]:
    """The next due days a fixed-date plan calls for from today (pure: schedule.py), shown
    beside the planned work orders the clock has made so far."""
    plan = contract.plan
    if plan is None or contract.status != "active" or contract.starts_on is None:
        return []
    if plan.generate != Generate.SCHEDULED:
        return []
    rule = Plan(
        every=plan.every,
        unit=Unit(plan.unit),
        horizon_days=3660,  # far enough for PREVIEW dues of any plan
        early_days=plan.early_days,
        late_days=plan.late_days,
        generate=Generate(plan.generate),
    )
    made = {o.planned_for for o in contract.occurrences}
    dues = scheduled_dues(contract.starts_on, contract.ends_on, rule, today())
    return list(islice((d for d in dues if d not in made), count))


def windows(contract: ServiceContractOut) -> dict[int, tuple[date, date]]:
    """Each planned visit's first and last day, in the company's days."""
    return {
        o.work_order_id: (
            company_day(o.window_opens_at),
            company_day(o.window_closes_at - timedelta(seconds=1)),
        )
        for o in contract.occurrences
        if o.window_opens_at is not None and o.window_closes_at is not None
    }


class ServiceContractPages(Controller):
    path = "/service-contracts"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        status: FromQuery[Status] = None,
        kind: FromQuery[Kind] = None,
        account_id: QueryId = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "service_contracts")
        found = await finder(q, status, kind, account_id, sort)(limit, offset)
        filters = {"q": q, "status": status, "kind": kind, "account_id": account_id}
        view = ListView("/service-contracts", found, filters, sort, exportable=True)
        account = await customers.get_account(principal, account_id) if account_id else None
        # Beyond the horizon the clock has made no work order yet: the plan's next due day.
        due_next = {
            c.id: due for c in found.items if c.next_visit is None for due in coming_dues(c, 1)
        }
        context = {"view": view, "account": account, "due_next": due_next, **WORDS}
        return frame.render(request, "service_contracts", "office/service_contracts.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        status: FromQuery[Status] = None,
        kind: FromQuery[Kind] = None,
        account_id: QueryId = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every service contract of the list's filter, in its order, as CSV or XLSX."""
        frame.office_principal(request, "service_contracts")
        fetch = finder(q, status, kind, account_id, sort)
        return await download(request, format, fetch, COLUMNS, "service-contracts")

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], account_id: QueryId = None) -> Template:
        principal = frame.office_principal(request, "service_contracts")
        account = await customers.get_account(principal, account_id) if account_id else None
        found = (
            await devices.list_devices(
                principal, account_id=account_id, product_id=None, serial=None, limit=200, offset=0
            )
            if account_id
            else None
        )
        starts = today()
        context = {
            "account": account,
            "devices": found.items if found else [],
            "starts_on": starts,
            "ends_on": starts + timedelta(days=364),
            **WORDS,
        }
        return frame.render(
            request, "service_contracts", "office/service_contract_new.html", context
        )

    @get("/{contract_id:int}")
    async def show(self, request: Request[Any, Any, Any], contract_id: PathId) -> Template:
        principal = frame.office_principal(request, "service_contracts")
        contract = await service.get(contract_id)
        covered = await devices.devices_by_ids(contract.device_ids)
        context = {
            "contract": contract,
            "account": await customers.get_account(principal, contract.account_id),
            "devices": covered,
            "serials": {d.id: d.serial for d in covered},
            "coming": coming_dues(contract),
            "windows": windows(contract),
            "today": today(),
            **WORDS,
        }
        return frame.render(request, "service_contracts", "office/service_contract.html", context)


SERVICE_CONTRACT_PAGES = [ServiceContractPages]
