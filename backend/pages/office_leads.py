"""Back-office pages of leads and the public pool: the leads list (search, filters, order, paging),
the pool (accounts and leads nobody owns, why and since when; claim, assign to a rep), a new lead
with the duplicate warning, and a lead's page (facts, score and its reasons, pool moves,
follow-ups; convert, disqualify, assign).

Every change goes through the sales API (backend/sales/) from the pages' forms."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from backend.access import Principal
from backend.activity import followups
from backend.activity.tables import Method
from backend.pages import frame, i18n
from backend.pages.export import ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.pages.office_accounts import owners
from backend.sales import leads, pool
from backend.sales.schemas import PoolPage
from backend.sales.tables import LeadSource, LeadStatus
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Search, Sort

N_ = frame.N_

SOURCES = {
    "visit": N_("Visit"),
    "referral": N_("Referral"),
    "web": N_("Website"),
    "phone": N_("Phone call"),
    "exhibition": N_("Exhibition"),
    "service": N_("Service job"),
    "other": N_("Other"),
}
LEAD_STATUSES = {
    "new": N_("New"),
    "working": N_("Working"),
    "converted": N_("Converted"),
    "disqualified": N_("Disqualified"),
}
# Why something is in the pool (PoolItem.why).
WHY = {
    "never_owned": N_("Never owned"),
    "released": N_("Released"),
    "recycled": N_("Recycled by rule"),
    "assigned": N_("Put there by a manager"),
}
MOVES = {
    "claimed": N_("Claimed"),
    "assigned": N_("Handed over"),
    "released": N_("Released"),
    "recycled": N_("Recycled"),
}
SCORE_REASONS = {
    "has_phone": N_("Has a phone number"),
    "has_email": N_("Has an e-mail address"),
    "has_company": N_("Names a company"),
    "known_industry": N_("Industry of a known customer"),
    "known_district": N_("District of a known customer"),
    "recent_work": N_("Followed up in the last 14 days"),
    "source_referral": N_("Source: referral"),
    "source_service": N_("Source: service job"),
    "source_visit": N_("Source: visit"),
    "source_exhibition": N_("Source: exhibition"),
    "source_web": N_("Source: website"),
    "source_phone": N_("Source: phone call"),
}
METHODS = {
    "visit": N_("Visit"),
    "call": N_("Call"),
    "message": N_("Message"),
    "email": N_("E-mail"),
    "service": N_("Service job"),
}
# What a person records by hand (service follow-ups come from completed work orders).
RECORDABLE = {m.value: METHODS[m.value] for m in Method if m != Method.SERVICE}
WORDS = {
    "sources": SOURCES,
    "lead_statuses": LEAD_STATUSES,
    "why": WHY,
    "moves_words": MOVES,
    "score_reasons": SCORE_REASONS,
    "methods": METHODS,
}
# The file's columns (/leads/export): what the list shows, and the rest of a lead's facts.
COLUMNS = (
    field(N_("Name"), "name"),
    field(N_("Company"), "company"),
    field(N_("Status"), "status", LEAD_STATUSES),
    field(N_("Source"), "source", SOURCES),
    field(N_("Owner"), "owner_name"),
    field(N_("Score"), "score"),
    field(N_("Phone"), "phone"),
    field(N_("E-mail"), "email"),
    field(N_("Industry"), "industry"),
    field(N_("District"), "district"),
    field(N_("Reason"), "disqualified_reason"),
    field(N_("Created"), "created_at"),
    field(N_("Last change"), "updated_at"),
)
# The pool's file (/leads/pool/export): who is there, why and since when.
POOL_COLUMNS = (
    field(N_("Name"), "name"),
    field(N_("Company"), "company"),
    field(N_("Grade"), "grade"),
    field(N_("Phone"), "phone"),
    field(N_("Why in the pool"), "why", WHY),
    field(N_("Reason"), "reason"),
    field(N_("Former owner"), "former_owner_name"),
    field(N_("In the pool since"), "since"),
)
PoolKind = Annotated[Literal["lead", "account"], QueryParameter()]
FOLLOW_UPS_SHOWN = 50


def options(request: Request[Any, Any, Any], words: dict[str, str]) -> list[tuple[str, str]]:
    """Choices of a select, their words in the page's language."""
    gettext = i18n.translations(i18n.choose(request).locale).gettext
    return [(code, gettext(word)) for code, word in words.items()]


def finder(
    principal: Principal,
    q: str | None,
    status: LeadStatus | None,
    source: LeadSource | None,
    owner_id: int | None,
    pool: bool | None,
    sort: str | None,
) -> Fetch:
    """The list's rows for a filter, for the page and for its file alike."""

    async def fetch(limit: int, offset: int) -> Any:
        return await leads.list_leads(
            principal,
            status=status.value if status else None,
            owner_id=owner_id,
            q=q,
            pool_only=pool,
            source=source.value if source else None,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    return fetch


class LeadPages(Controller):
    path = "/leads"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        status: FromQuery[LeadStatus | None] = None,
        source: FromQuery[LeadSource | None] = None,
        owner_id: QueryId = None,
        pool: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "leads")
        found = await finder(principal, q, status, source, owner_id, pool, sort)(limit, offset)
        filters = {"q": q, "status": status, "source": source, "owner_id": owner_id, "pool": pool}
        context = {
            "view": ListView("/leads", found, filters, sort, exportable=True),
            "owner_options": await owners(),
            "status_options": options(request, LEAD_STATUSES),
            "source_options": options(request, SOURCES),
            **WORDS,
        }
        return frame.render(request, "leads", "office/leads.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        status: FromQuery[LeadStatus | None] = None,
        source: FromQuery[LeadSource | None] = None,
        owner_id: QueryId = None,
        pool: FromQuery[bool | None] = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every lead of the list's filter, in its order, as CSV or XLSX."""
        principal = frame.office_principal(request, "leads")
        fetch = finder(principal, q, status, source, owner_id, pool, sort)
        return await download(request, format, fetch, COLUMNS, "leads")

    @get("/pool")
    async def pool_view(
        self,
        request: Request[Any, Any, Any],
        kind: PoolKind = "lead",
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "leads")
        found: PoolPage = await pool.list_pool(principal, kind, q, limit, offset)
        page = Page(items=found.items, total=found.total, limit=limit, offset=offset)
        context = {
            # The kind shown is the tab, not a filter (the default, leads, needs no mention).
            "view": ListView(
                "/leads/pool",
                page,
                {"kind": None if kind == "lead" else kind, "q": q},
                exportable=True,
            ),
            "kind": kind,
            "pool": found,
            "owner_options": await owners(),
            **WORDS,
        }
        return frame.render(request, "leads", "office/pool.html", context)

    @get("/pool/export")
    async def pool_export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        kind: PoolKind = "lead",
        q: Search = None,
    ) -> Response[bytes]:
        """Every lead (or account) of the pool's search, as CSV or XLSX."""
        principal = frame.office_principal(request, "leads")

        async def fetch(limit: int, offset: int) -> Any:
            found = await pool.list_pool(principal, kind, q, limit, offset)
            return Page(items=found.items, total=found.total, limit=limit, offset=offset)

        return await download(request, format, fetch, POOL_COLUMNS, f"pool-{kind}s")

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        frame.office_principal(request, "leads")
        context = {"owner_options": await owners(), "source_options": options(request, SOURCES)}
        return frame.render(request, "leads", "office/lead_new.html", context)

    @get("/{lead_id:int}")
    async def show(self, request: Request[Any, Any, Any], lead_id: PathId) -> Template:
        principal = frame.office_principal(request, "leads")
        lead = await leads.get_lead(principal, lead_id)
        context = {
            "lead": lead,
            "moves": await pool.moves(principal, "lead", lead_id),
            "follow_ups": await followups.list_follow_ups(
                principal,
                account_id=None,
                lead_id=lead_id,
                opportunity_id=None,
                limit=FOLLOW_UPS_SHOWN,
                offset=0,
            ),
            "owner_options": await owners(),
            "source_options": options(request, SOURCES),
            "method_options": options(request, RECORDABLE),
            **WORDS,
        }
        return frame.render(request, "leads", "office/lead.html", context)


LEAD_PAGES = [LeadPages]
