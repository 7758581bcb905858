"""Back-office pages of accounts: the list (search, filters, order, paging), a new account with
the duplicate warning, and an account's page (facts, contacts, devices, its work, its timeline)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from backend.access import Principal, Role
from backend.activity.timeline import account_timeline
from backend.customers import devices
from backend.customers import service as customers
from backend.customers.tables import Grade
from backend.pages import frame
from backend.pages.export import ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort
from backend.staff import service as staff


async def owners() -> list[tuple[int, str]]:
    """Who may own an account, as choices: the active reps."""
    reps = await staff.list_users(Role.REP, None, True, 200, 0)
    return [(rep.id, rep.name) for rep in reps.items]


N_ = frame.N_
# The file's columns: what the list shows, and what an office keeps of a customer.
COLUMNS = (
    field(N_("Name"), "name"),
    field(N_("Grade"), "grade"),
    field(N_("VIP"), "vip"),
    field(N_("Owner"), "owner_name"),
    field(N_("Phone"), "phone"),
    field(N_("Address"), "address"),
    field(N_("District"), "district"),
    field(N_("Industry"), "industry"),
    field(N_("Source"), "source"),
    field(N_("Last contact"), "last_contacted_at"),
    field(N_("Created"), "created_at"),
)


def finder(
    principal: Principal,
    q: str | None,
    grade: Grade | None,
    owner_id: int | None,
    pool: bool | None,
    vip: bool | None,
    sort: str | None,
) -> Fetch:
    """The list's rows for a filter, for the page and for its file alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await customers.list_accounts(
            principal,
            q=q,
            grade=grade.value if grade else None,
            owner_id=owner_id,
            pool=pool,
            vip=vip,
            limit=limit,
            offset=offset,
            sort=sort,
        )

    return fetch


TIMELINE_PAGE = 30
# The timeline's cursor (its `next`): the older items.
Before = Annotated[str | None, QueryParameter(max_length=200)]


class AccountPages(Controller):
    path = "/accounts"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        grade: FromQuery[Grade | None] = None,
        owner_id: QueryId = None,
        pool: FromQuery[bool | None] = None,
        vip: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "accounts")
        found = await finder(principal, q, grade, owner_id, pool, vip, sort)(limit, offset)
        filters = {"q": q, "grade": grade, "owner_id": owner_id, "pool": pool, "vip": vip}
        view = ListView("/accounts", found, filters, sort, exportable=True)
        context = {"view": view, "owner_options": await owners()}
        return frame.render(request, "accounts", "office/accounts.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        grade: FromQuery[Grade | None] = None,
        owner_id: QueryId = None,
        pool: FromQuery[bool | None] = None,
        vip: FromQuery[bool | None] = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every account of the list's filter, in its order, as CSV or XLSX."""
        principal = frame.office_principal(request, "accounts")
        fetch = finder(principal, q, grade, owner_id, pool, vip, sort)
        return await download(request, format, fetch, COLUMNS, "accounts")

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        frame.office_principal(request, "accounts")
        context = {"owner_options": await owners()}
        return frame.render(request, "accounts", "office/account_new.html", context)

    @get("/{account_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], account_id: PathId, before: Before = None
    ) -> Template:
        principal = frame.office_principal(request, "accounts")
        account = await customers.get_account(principal, account_id)
        context = {
            "timeline": await account_timeline(principal, account_id, before, TIMELINE_PAGE),
            "older_than": before,
            "account": account,
            "contacts": await customers.list_contacts(principal, account_id),
            "devices": await devices.list_devices(
                principal, account_id=account_id, product_id=None, serial=None, limit=200, offset=0
            ),
            "owner_options": await owners(),
        }
        return frame.render(request, "accounts", "office/account.html", context)


ACCOUNT_PAGES = [AccountPages]
