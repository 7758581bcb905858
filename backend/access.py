"""Who may see and change what: every access rule of Fieldline lives here and nowhere else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from backend.errors import Forbidden, NotFound, Unauthorized


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    REP = "rep"
    ENGINEER = "engineer"


Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]

STAFF = (Role.ADMIN, Role.SUPERVISOR, Role.REP, Role.ENGINEER)
MANAGERS = (Role.ADMIN, Role.SUPERVISOR)
SELLERS = (Role.ADMIN, Role.SUPERVISOR, Role.REP)


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member a request acts for."""

    id: int
    name: str
    role: Role
    session_uid: str
    csrf_token: str
    via_cookie: bool

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Principal) else None


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = principal_of(connection)
    if principal is None:
        raise Unauthorized("Authentication required")
    return principal


def allow(*roles: Role) -> Guard:
    """A guard letting in signed-in staff of the given roles: 401 anonymous, 403 other roles."""

    # Async on purpose: Litestar runs a plain-function guard in a worker thread.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if current(connection).role not in roles:
            raise Forbidden("Your role may not do this")

    return guard


signed_in = allow(*STAFF)


# --- accounts: managers see all; a rep sees his own and the public pool (no owner) --------------


def account_visibility(principal: Principal, first_arg: int) -> tuple[str, list[Any]]:
    """A SQL condition on alias `a` selecting the accounts principal may read, and its args."""
    if principal.is_manager:
        return "TRUE", []
    if principal.role == Role.REP:
        return f"(a.owner = ${first_arg} OR a.owner IS NULL)", [principal.id]
    return "FALSE", []


def check_account_read(principal: Principal, owner_id: int | None) -> None:
    if principal.is_manager:
        return
    if principal.role == Role.REP and owner_id in (None, principal.id):
        return
    raise NotFound("Account not found")


def check_account_write(principal: Principal, owner_id: int | None) -> None:
    check_account_read(principal, owner_id)
    if not principal.is_manager and owner_id != principal.id:
        raise Forbidden("Claim the account from the pool before changing it")


def check_owner_assignment(principal: Principal, new_owner_id: int | None) -> None:
    """Managers hand accounts to anyone; a rep may only keep an account himself."""
    if not principal.is_manager and new_owner_id != principal.id:
        raise Forbidden("Only supervisors and admins assign accounts to others or the pool")


# --- sales: leads like accounts (own and the pool); opportunities and contracts own only --------


def lead_visibility(principal: Principal, first_arg: int) -> tuple[str, list[Any]]:
    """A SQL condition on alias `l` selecting the leads principal may read, and its args."""
    if principal.is_manager:
        return "TRUE", []
    if principal.role == Role.REP:
        return f"(l.owner = ${first_arg} OR l.owner IS NULL)", [principal.id]
    return "FALSE", []


def check_lead_read(principal: Principal, owner_id: int | None) -> None:
    if principal.is_manager:
        return
    if principal.role == Role.REP and owner_id in (None, principal.id):
        return
    raise NotFound("Lead not found")


def check_lead_write(principal: Principal, owner_id: int | None) -> None:
    check_lead_read(principal, owner_id)
    if not principal.is_manager and owner_id != principal.id:
        raise Forbidden("Claim the lead from the pool before changing it")


def deal_visibility(principal: Principal, alias: str, first_arg: int) -> tuple[str, list[Any]]:
    """A SQL condition on `alias.owner` selecting the opportunities or contracts principal may
    read: managers all, a rep his own, nobody else any."""
    if principal.is_manager:
        return "TRUE", []
    if principal.role == Role.REP:
        return f"{alias}.owner = ${first_arg}", [principal.id]
    return "FALSE", []


def check_deal(principal: Principal, owner_id: int, what: str) -> None:
    """Reading or changing an opportunity or a contract: its owner and managers only; to anyone
    else it does not exist."""
    if principal.is_manager or (principal.role == Role.REP and owner_id == principal.id):
        return
    raise NotFound(f"{what} not found")


def check_manager(principal: Principal, what: str) -> None:
    if not principal.is_manager:
        raise Forbidden(f"Only supervisors and admins may {what}")


# --- users and engineers -----------------------------------------------------------------------


def check_user_read(principal: Principal, user_id: int) -> None:
    if principal.is_manager or principal.id == user_id:
        return
    raise NotFound("User not found")


def check_stock_read(principal: Principal, engineer_id: int) -> None:
    if principal.is_manager or principal.id == engineer_id:
        return
    raise NotFound("Engineer not found")


# --- work orders: staff see all; an engineer only the jobs offered or assigned to him ----------


def check_job_read(principal: Principal, engineer_id: int | None) -> None:
    if principal.is_manager:
        return
    if principal.role == Role.ENGINEER and engineer_id == principal.id:
        return
    raise NotFound("Work order not found")


def check_device_coverage_read(principal: Principal, holds_a_job: bool) -> None:
    """A device's coverage: whoever may read its account, and an engineer holding (or offered)
    a job on it, who needs to know whether the visit is under contract or warranty."""
    if principal.role == Role.ENGINEER and holds_a_job:
        return
    if principal.role == Role.ENGINEER:
        raise NotFound("Device not found")


class JobActor(StrEnum):
    """Who takes a work-order step: the engineer holding the job, or a manager."""

    ENGINEER = "engineer"
    MANAGER = "manager"


def check_job_action(principal: Principal, engineer_id: int | None, actor: JobActor) -> None:
    if actor == JobActor.MANAGER:
        if not principal.is_manager:
            raise Forbidden("Only supervisors and admins may do this")
        return
    if principal.role == Role.ENGINEER and engineer_id == principal.id:
        return
    if principal.role == Role.ENGINEER:
        raise NotFound("Work order not found")
    raise Forbidden("Only the engineer holding the job may do this")


# --- field work: pings and routes of the people in the field; visits of reps ------------------

# Who carries the PWA around all day and so sends position pings.
FIELD_ROLES = (Role.REP, Role.ENGINEER)


def check_route_read(principal: Principal, user_id: int) -> None:
    """A day's route is the person's own business and his managers'; others learn nothing."""
    if principal.is_manager or principal.id == user_id:
        return
    raise NotFound("User not found")


def visit_visibility(principal: Principal, first_arg: int) -> tuple[str, list[Any]]:
    """A SQL condition on alias `v` selecting the visits principal may read, and its args."""
    if principal.is_manager:
        return "TRUE", []
    if principal.role == Role.REP:
        return f"v.rep = ${first_arg}", [principal.id]
    return "FALSE", []


def check_visit_read(principal: Principal, rep_id: int) -> None:
    if principal.is_manager or (principal.role == Role.REP and principal.id == rep_id):
        return
    raise NotFound("Visit not found")


def check_visit_plan(principal: Principal, rep_id: int, account_owner_id: int | None) -> None:
    """A rep plans his own visits on accounts he may see; managers plan for any rep."""
    if principal.is_manager:
        return
    if rep_id != principal.id:
        raise Forbidden("Reps plan their own visits only")
    check_account_read(principal, account_owner_id)


def visit_shows_account(principal: Principal, account_owner_id: int | None) -> bool:
    """A visit shows its account's address and position to whoever may read the account. A rep
    whose account was moved to another rep keeps his past visits as history without them."""
    return principal.is_manager or account_owner_id in (None, principal.id)


def check_visit(principal: Principal, rep_id: int, account_owner_id: int | None) -> None:
    """Check-in and check-out are the visit's own rep's (a position others cannot vouch for),
    and only while the account is still his or in the pool: an old visit on an account moved to
    another rep must not mark it contacted (the rep sees the visit, so 403, not 404)."""
    if principal.role == Role.REP and principal.id == rep_id:
        if account_owner_id not in (None, principal.id):
            raise Forbidden("The account has moved to another rep: this visit is history now")
        return
    if principal.role == Role.REP:
        raise NotFound("Visit not found")
    raise Forbidden("Only the visit's rep checks in and out")


# --- activity: follow-ups go on what one owns; tasks are their assignee's and his managers' ---


def check_follow_up_on(principal: Principal, owner_id: int | None, what: str) -> None:
    """A follow-up on an account, lead or opportunity (`what`): managers on any; a rep on his
    own; one in the public pool is claimed first (403); someone else's is not found (404)."""
    if principal.is_manager:
        return
    if principal.role == Role.REP and owner_id == principal.id:
        return
    if principal.role == Role.REP and owner_id is None:
        raise Forbidden(f"Claim the {what} from the pool before following it up")
    raise NotFound(f"{what.capitalize()} not found")


def follow_up_visibility(principal: Principal, first_arg: int) -> tuple[str, list[Any]]:
    """A SQL condition on alias `f` (a follow-up) joined to its account `a`, lead `l` and
    opportunity `o`: managers read all; a rep what he wrote or owns."""
    if principal.is_manager:
        return "TRUE", []
    n = first_arg
    return (
        f"(f.author = ${n} OR a.owner = ${n} OR l.owner = ${n} OR o.owner = ${n})",
        [principal.id],
    )


def check_task(principal: Principal, assignee_id: int) -> None:
    if principal.is_manager or principal.id == assignee_id:
        return
    raise NotFound("Task not found")


def check_task_assignment(principal: Principal, assignee_id: int) -> None:
    """Managers give tasks to anyone; others only to themselves."""
    if not principal.is_manager and assignee_id != principal.id:
        raise Forbidden("Only supervisors and admins give tasks to others")


# --- pages of the back office: who opens each (its navigation shows a person only these) -------

# Keyed by the page's name in backend/pages/frame.py's NAV. A page of a domain still to come has
# its row here already, so whoever builds it needs no access decision of their own.
PAGE_ROLES: dict[str, tuple[Role, ...]] = {
    "home": MANAGERS,
    "dispatch": MANAGERS,
    "satisfaction": MANAGERS,
    "sales_board": MANAGERS,
    "accounts": MANAGERS,
    "leads": MANAGERS,
    "pipeline": MANAGERS,
    "contracts": MANAGERS,
    "devices": MANAGERS,
    "work_orders": MANAGERS,
    "service_contracts": MANAGERS,
    # Supervisors read the staff and set van stock; only admins create, deactivate, reset.
    "users": MANAGERS,
    "catalogue": MANAGERS,
    "zones": MANAGERS,
    "settings": (Role.ADMIN,),
    "imports": (Role.ADMIN,),
    "webhooks": (Role.ADMIN,),
}


def may_open(principal: Principal, page: str) -> bool:
    return principal.role in PAGE_ROLES[page]


def check_page(principal: Principal, page: str) -> None:
    if not may_open(principal, page):
        raise Forbidden("Your role may not open this page")
