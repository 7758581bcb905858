"""The back office's frame: its navigation, the page guard, and rendering a page inside it.

Every desktop page of supervisors and admins (the boards too) renders through `render()`, which
puts the signed-in person and the navigation around it. The navigation lists every page the
product has; an entry shows only once a route serves its address (so a domain's page appears
the day it lands, with no edit here) and only to the roles of access.PAGE_ROLES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Template

from backend.access import Principal, check_page, may_open, principal_of
from backend.errors import Unauthorized
from backend.pages import i18n


def N_(message: str) -> str:
    """Marks a message for the catalog; the template translates it when the page renders."""
    return message


@dataclass(frozen=True)
class NavItem:
    page: str  # the key of access.PAGE_ROLES
    href: str
    label: str  # English msgid, translated in the template
    group: str


# In the order shown. A domain's page uses the address given here.
NAV = (
    NavItem("home", "/", N_("Home"), N_("Today")),
    NavItem("dispatch", "/boards/dispatch", N_("Dispatch"), N_("Boards")),
    NavItem("satisfaction", "/boards/satisfaction", N_("Satisfaction"), N_("Boards")),
    NavItem("sales_board", "/boards/sales", N_("Sales board"), N_("Boards")),
    NavItem("accounts", "/accounts", N_("Accounts"), N_("Customers and sales")),
    NavItem("leads", "/leads", N_("Leads & pool"), N_("Customers and sales")),
    NavItem("pipeline", "/pipeline", N_("Pipeline"), N_("Customers and sales")),
    NavItem("contracts", "/contracts", N_("Contracts"), N_("Customers and sales")),
    NavItem("devices", "/devices", N_("Devices"), N_("Service")),
    NavItem("work_orders", "/work-orders", N_("Work orders"), N_("Service")),
    NavItem("service_contracts", "/service-contracts", N_("Service contracts"), N_("Service")),
    NavItem("users", "/users", N_("Users"), N_("Administration")),
    NavItem("catalogue", "/catalogue", N_("Catalogue"), N_("Administration")),
    NavItem("zones", "/zones", N_("Zones"), N_("Administration")),
    NavItem("settings", "/settings", N_("Settings"), N_("Administration")),
    NavItem("imports", "/imports", N_("Imports"), N_("Administration")),
    NavItem("webhooks", "/webhooks", N_("Webhooks"), N_("Administration")),
)


# The words for values the API sends as codes (msgids, translated in the templates with _()).
STATUSES = {
    "new": N_("Waiting"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "en_route": N_("On the way"),
    "on_site": N_("On site"),
    "completed": N_("Completed"),
    "rated": N_("Rated"),
    "cancelled": N_("Cancelled"),
}
PRIORITIES = {"urgent": N_("Urgent"), "high": N_("High"), "normal": N_("Normal")}
ROLES = {
    "admin": N_("Admin"),
    "supervisor": N_("Supervisor"),
    "rep": N_("Sales rep"),
    "engineer": N_("Engineer"),
}
# What each event of a job's timeline is called (work_order_event.kind).
EVENTS = {
    "created": N_("Reported"),
    "offered": N_("Offered"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "expired": N_("Offer lapsed"),
    "withdrawn": N_("Offer withdrawn"),
    "en_route": N_("On the way"),
    "arrived": N_("Arrived"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "rated": N_("Rated"),
    "planned": N_("Planned"),
    "window_opened": N_("Window opened"),
    "reoffered": N_("Passed on (VIP, late)"),
    "sla_warning": N_("SLA at risk"),
    "sla_breached": N_("SLA breached"),
    "paused": N_("Paused"),
    "resumed": N_("Resumed"),
}
DUTIES = {"off_duty": N_("Off duty"), "available": N_("Available"), "busy": N_("Busy")}
CODES = {
    "statuses": STATUSES,
    "priorities": PRIORITIES,
    "roles": ROLES,
    "duties": DUTIES,
    "events": EVENTS,
}


def _served_paths(request: Request[Any, Any, Any]) -> set[str]:
    """The paths the app has routes for, read once per app (its routes never change)."""
    app = request.app
    paths: set[str] | None = getattr(app.state, "served_paths", None)
    if paths is None:
        paths = {route.path for route in app.routes}
        app.state.served_paths = paths
    return paths


def nav_for(
    request: Request[Any, Any, Any], principal: Principal
) -> list[tuple[str, list[NavItem]]]:
    """The pages principal may open and that exist, grouped in the navigation's order."""
    served = _served_paths(request)
    groups: list[tuple[str, list[NavItem]]] = []
    for item in NAV:
        if item.href not in served or not may_open(principal, item.page):
            continue
        if not groups or groups[-1][0] != item.group:
            groups.append((item.group, []))
        groups[-1][1].append(item)
    return groups


def office_principal(request: Request[Any, Any, Any], page: str) -> Principal:
    """The signed-in person if their role opens `page`.

    Anonymous → Unauthorized, which pages/errors.py turns into the sign-in page with ?next=;
    another role → Forbidden, an error page in the person's language.
    """
    principal = principal_of(request)
    if principal is None:
        raise Unauthorized("Authentication required")
    check_page(principal, page)
    return principal


def render(
    request: Request[Any, Any, Any],
    page: str,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Template:
    """A back-office page: the frame (who, the navigation, this page marked) and its content."""
    principal = office_principal(request, page)
    frame = {"me": principal, "nav": nav_for(request, principal), "page": page, **CODES}
    return i18n.render(
        request,
        template,
        {**frame, **(context or {})},
        status_code=status_code,
        headers={"Cache-Control": "private, no-cache"},
    )
