"""Back-office pages of the staff: the list of users (search, role, active, paged), a new user,
and a user's page (edit, home base on a map, deactivate, reset the password, the van's stock).

Every change goes through the staff API (backend/staff/) from the page's forms; supervisors read
these pages and count vans, only admins change people (the API's guards say so, and the pages
show admins alone the forms the API would refuse anyone else)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.access import Principal, Role
from backend.catalogue import service as catalogue
from backend.errors import Forbidden
from backend.pages import frame
from backend.pages.export import Column, ExportFormat, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, Search, Sort
from backend.settings import get_settings
from backend.staff import service as staff

N_ = frame.N_
LOCALES = (("en", "English"), ("zh-CN", "简体中文"))
COLUMNS = (
    field(N_("Name"), "name"),
    field(N_("Email"), "email"),
    field(N_("Phone"), "phone"),
    field(N_("Role"), "role", frame.ROLES),
    field(N_("Active"), "active"),
    field(N_("Skills"), "skills"),
    field(N_("Duty"), "duty_status", frame.DUTIES),
    field(N_("Language"), "locale"),
    field(N_("Home latitude"), "home_lat"),
    field(N_("Home longitude"), "home_lng"),
)


def admin_only(principal: Principal) -> None:
    """Pages whose only use is a form the API lets admins alone send (a new user, a new zone)."""
    if principal.role is not Role.ADMIN:
        raise Forbidden("Only admins manage users")


async def zone_options() -> list[tuple[int, str]]:
    return [(z.id, z.name) for z in await staff.list_zones()]


def role_options() -> list[tuple[str, str]]:
    return list(frame.ROLES.items())


class UserPages(Controller):
    path = "/users"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        role: FromQuery[Role | None] = None,
        active: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        frame.office_principal(request, "users")
        found = await staff.list_users(role, q, active, limit, offset, sort=sort)
        filters = {"q": q, "role": role, "active": active}
        view = ListView("/users", found, filters, sort, exportable=True)
        zones = dict(await zone_options())
        context = {"view": view, "zones": zones, "role_options": role_options()}
        return frame.render(request, "users", "office/users.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        role: FromQuery[Role | None] = None,
        active: FromQuery[bool | None] = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every user of the list's filter, in its order, as CSV or XLSX."""
        frame.office_principal(request, "users")
        zones = dict(await zone_options())

        async def fetch(limit: int, offset: int) -> Any:
            return await staff.list_users(role, q, active, limit, offset, sort=sort)

        zone = Column(N_("Zone"), lambda user: zones.get(user.zone_id))
        return await download(request, format, fetch, (*COLUMNS, zone), "users")

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        admin_only(frame.office_principal(request, "users"))
        context = {
            "zone_options": await zone_options(),
            "role_options": role_options(),
            "locales": LOCALES,
            "tile_url": get_settings().tile_url,
        }
        return frame.render(request, "users", "office/user_new.html", context)

    @get("/{user_id:int}")
    async def show(self, request: Request[Any, Any, Any], user_id: PathId) -> Template:
        frame.office_principal(request, "users")
        user = await staff.get_user(user_id)
        engineer = user.role == Role.ENGINEER
        context = {
            "user": user,
            "zone_options": await zone_options(),
            "role_options": role_options(),
            "locales": LOCALES,
            "tile_url": get_settings().tile_url,
            "stock": await catalogue.get_stock(user_id) if engineer else None,
        }
        return frame.render(request, "users", "office/user.html", context)


USER_PAGES = [UserPages]
