"""Back-office pages of sales contracts (合同): the list (search, filters, order, paging, money
received and outstanding), a new contract with its payment plan (prefilled from a won
opportunity), and a contract's page (plan lines, payments, approvals; submit, approve or reject,
complete, void, record a payment).

Every change goes through the contracts API (backend/sales/) from the page's forms; the page
shows each action only in the state the API accepts it, and the API still decides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.access import Principal, Role
from backend.clock import today
from backend.customers import service as customers
from backend.maintenance.schedule import add_months
from backend.pages import frame
from backend.pages.export import Column, ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.sales import contracts, opportunities
from backend.sales.tables import ContractStatus
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort
from backend.settings import get_settings
from backend.staff import service as staff

N_ = frame.N_
CONTRACT_STATUSES = {
    "draft": N_("Draft"),
    "pending_approval": N_("Awaiting approval"),
    "active": N_("In force"),
    "completed": N_("Completed"),
    "void": N_("Void"),
}
LINE_STATUSES = {"pending": N_("Pending"), "partial": N_("Partly paid"), "paid": N_("Paid")}
EVENTS = {
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "activated": N_("Activated"),
    "completed": N_("Completed"),
    "voided": N_("Voided"),
}
METHODS = {
    "bank_transfer": N_("Bank transfer"),
    "cash": N_("Cash"),
    "cheque": N_("Cheque"),
    "card": N_("Card"),
    "alipay": N_("Alipay"),
    "wechat": N_("WeChat Pay"),
    "other": N_("Other"),
}
WORDS = {
    "contract_statuses": CONTRACT_STATUSES,
    "line_statuses": LINE_STATUSES,
    "contract_events": EVENTS,
    "methods": METHODS,
}


# The file's columns: what the list shows, with the term and what is overdue.
COLUMNS = (
    field(N_("Number"), "number"),
    field(N_("Contract title"), "title"),
    field(N_("Account"), "account_name"),
    field(N_("Owner"), "owner_name"),
    field(N_("Status"), "status", CONTRACT_STATUSES),
    field(N_("Starts on"), "starts_on"),
    field(N_("Ends on"), "ends_on"),
    field(N_("Currency"), "currency"),
    field(N_("Amount"), "amount"),
    field(N_("Collected"), "received"),
    field(N_("Outstanding"), "outstanding"),
    field(N_("Overdue"), "overdue"),
    Column(N_("Needs approval"), lambda c: c.needs_approval),
    field(N_("Created"), "created_at"),
)


def finder(
    principal: Principal,
    q: str | None,
    status: ContractStatus | None,
    owner_id: int | None,
    account_id: int | None,
    overdue: bool | None,
    sort: str | None,
) -> Fetch:
    """The list's rows for a filter, for the page and for its file alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await contracts.list_contracts(
            principal,
            status=status.value if status else None,
            account_id=account_id,
            owner_id=owner_id,
            overdue=overdue,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    return fetch


async def owners() -> list[tuple[int, str]]:
    """Who owns contracts, as choices: the active reps, supervisors and admins."""
    people = await staff.list_users(None, None, True, 200, 0, sort="name")
    return [(p.id, p.name) for p in people.items if p.role != Role.ENGINEER]


class ContractPages(Controller):
    path = "/contracts"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        status: FromQuery[ContractStatus | None] = None,
        owner_id: QueryId = None,
        account_id: QueryId = None,
        overdue: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "contracts")
        fetch = finder(principal, q, status, owner_id, account_id, overdue, sort)
        found = await fetch(limit, offset)
        filters = {
            "q": q,
            "status": status,
            "owner_id": owner_id,
            "account_id": account_id,
            "overdue": overdue,
        }
        view = ListView("/contracts", found, filters, sort, exportable=True)
        account = await customers.get_account(principal, account_id) if account_id else None
        context = {
            "view": view,
            "owner_options": await owners(),
            "account": account,
            "currency": get_settings().currency,
            **WORDS,
        }
        return frame.render(request, "contracts", "office/contracts.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        status: FromQuery[ContractStatus | None] = None,
        owner_id: QueryId = None,
        account_id: QueryId = None,
        overdue: FromQuery[bool | None] = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every contract of the list's filter, in its order, as CSV or XLSX."""
        principal = frame.office_principal(request, "contracts")
        fetch = finder(principal, q, status, owner_id, account_id, overdue, sort)
        return await download(request, format, fetch, COLUMNS, "contracts")

    @get("/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        account_id: QueryId = None,
        opportunity_id: QueryId = None,
    ) -> Template:
        """A new contract; ?opportunity_id= (a won deal) fills in its account, title and amount."""
        principal = frame.office_principal(request, "contracts")
        deal = await opportunities.get(principal, opportunity_id) if opportunity_id else None
        if deal is not None:
            account_id = deal.account_id
        account = await customers.get_account(principal, account_id) if account_id else None
        deals = []
        if account is not None:  # the account's deals a contract may close, won ones first
            found = await opportunities.list_opportunities(
                principal,
                stage_id=None,
                owner_id=None,
                account_id=account.id,
                closing_before=None,
                open_only=None,
                q=None,
                sort=None,
                limit=100,
                offset=0,
            )
            deals = sorted(
                (o for o in found.items if o.stage_kind != "lost" and o.id != opportunity_id),
                key=lambda o: o.stage_kind != "won",
            )
        starts = today()
        context = {
            "account": account,
            "deal": deal,
            "deals": deals,
            "number": await contracts.free_number(today().year),
            "starts_on": starts,
            "ends_on": add_months(starts, 12) - timedelta(days=1),  # a year's term
            "currency": get_settings().currency,
            "threshold": get_settings().approval_threshold,
        }
        return frame.render(request, "contracts", "office/contract_new.html", context)

    @get("/{contract_id:int}")
    async def show(self, request: Request[Any, Any, Any], contract_id: PathId) -> Template:
        principal = frame.office_principal(request, "contracts")
        contract = await contracts.get(principal, contract_id)
        deal = (
            await opportunities.get(principal, contract.opportunity_id)
            if contract.opportunity_id
            else None
        )
        unpaid = [p for p in contract.payment_plan or [] if p.paid < p.amount]
        context = {
            "contract": contract,
            "deal": deal,
            # The payment form starts at what the next line still lacks.
            "next_share": unpaid[0].amount - unpaid[0].paid if unpaid else "",
            "today": today(),
            "threshold": get_settings().approval_threshold,
            **WORDS,
        }
        return frame.render(request, "contracts", "office/contract.html", context)


CONTRACT_PAGES = [ContractPages]
