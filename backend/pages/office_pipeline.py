"""Back-office pages of the pipeline: opportunities by stage as columns (count, amount, weighted
amount per stage), the same as a paged list, and an opportunity's page (stage history with who
and when, move to another stage — a lost one asks why —, amount, expected close and next step;
a won one prompts a contract).

Every change goes through the sales API (PATCH /api/opportunities/{id}) from the page's forms."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import format_currency
from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from backend.access import Principal
from backend.activity import followups
from backend.pages import frame, i18n
from backend.pages.export import Column, ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.pages.office_accounts import owners
from backend.pages.office_leads import options
from backend.sales import opportunities, stages
from backend.sales.pipeline import month_range, pipeline
from backend.schemas import Limit, Offset, PathId, QueryId, Search, Sort
from backend.settings import get_settings

N_ = frame.N_

LOST_REASONS = {
    "price": N_("Price"),
    "competitor": N_("Went to a competitor"),
    "no_budget": N_("No budget"),
    "no_decision": N_("No decision made"),
    "timing": N_("Timing"),
    "requirements": N_("Requirements not met"),
    "other": N_("Other"),
}
STAGE_KINDS = {"open": N_("Still open"), "won": N_("Won"), "lost": N_("Lost")}
OPEN_STATES = {"true": N_("Still open"), "false": N_("Closed (won or lost)")}
# ?month=2026-12: opportunities expected to close in that month.
Month = Annotated[
    str | None,
    QueryParameter(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM of expected close"),
]


def stage_label(stage: Any, locale: str) -> str:
    """A stage's name in the page's language (stages are data: each has both names)."""
    if hasattr(stage, "stage_name"):  # an opportunity: its stage's names
        name, zh = stage.stage_name, stage.stage_name_zh
    else:
        name, zh = stage.name, stage.name_zh
    return str(zh if locale.startswith("zh") and zh else name)


def money(request: Request[Any, Any, Any]) -> Callable[..., str]:
    """Amounts in the company's currency, as the page's language writes them; `whole` rounds
    to the unit (the board's sums)."""
    locale = i18n.choose(request).locale
    currency = get_settings().currency

    def written(value: Decimal | None, whole: bool = False) -> str:
        if value is None:
            return ""
        if whole:
            return str(
                format_currency(
                    value, currency, format="¤#,##0", locale=locale, currency_digits=False
                )
            )
        return str(format_currency(value, currency, locale=locale))

    return written


def columns(locale: str) -> tuple[Column, ...]:
    """The list's file (/pipeline/list/export); stage names are data, in the reader's language."""
    return (
        field(N_("Opportunity"), "name"),
        field(N_("Account"), "account_name"),
        Column(N_("Stage"), lambda o: stage_label(o, locale)),
        field(N_("Amount"), "amount"),
        field(N_("Currency"), "currency"),
        field(N_("Probability"), "probability"),
        field(N_("Expected close"), "expected_close"),
        field(N_("Owner"), "owner_name"),
        field(N_("Next step"), "next_step"),
        field(N_("Lost reason"), "lost_reason", LOST_REASONS),
        field(N_("Created"), "created_at"),
    )


def finder(
    principal: Principal,
    q: str | None,
    stage_id: int | None,
    owner_id: int | None,
    month: str | None,
    open_only: bool | None,
    sort: str | None,
) -> Fetch:
    """The list's rows for a filter, for the page and for its file alike."""
    first, after = month_range(month)

    async def fetch(limit: int, offset: int) -> Any:
        return await opportunities.list_opportunities(
            principal,
            stage_id=stage_id,
            owner_id=owner_id,
            account_id=None,
            closing_before=after,
            closing_from=first,
            open_only=open_only,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
        )

    return fetch


class PipelinePages(Controller):
    path = "/pipeline"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def board(
        self,
        request: Request[Any, Any, Any],
        owner_id: QueryId = None,
        month: Month = None,
    ) -> Template:
        principal = frame.office_principal(request, "pipeline")
        context = {
            "pipeline": await pipeline(principal, owner_id=owner_id, month=month),
            "owner_id": owner_id,
            "month": month or "",
            "owner_options": await owners(),
            "stage_label": stage_label,
            "money": money(request),
            "stage_kinds": STAGE_KINDS,
        }
        return frame.render(request, "pipeline", "office/pipeline.html", context)

    @get("/list")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        stage_id: QueryId = None,
        owner_id: QueryId = None,
        month: Month = None,
        open: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        principal = frame.office_principal(request, "pipeline")
        found = await finder(principal, q, stage_id, owner_id, month, open, sort)(limit, offset)
        filters = {
            "q": q,
            "stage_id": stage_id,
            "owner_id": owner_id,
            "month": month,
            "open": open,
        }
        all_stages = await stages.list_stages()
        context = {
            "view": ListView("/pipeline/list", found, filters, sort, exportable=True),
            "owner_options": await owners(),
            "stage_options": [(s.id, s) for s in all_stages],
            "open_options": options(request, OPEN_STATES),
            "stage_label": stage_label,
            "money": money(request),
        }
        return frame.render(request, "pipeline", "office/opportunities.html", context)

    @get("/list/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        q: Search = None,
        stage_id: QueryId = None,
        owner_id: QueryId = None,
        month: Month = None,
        open: FromQuery[bool | None] = None,
        sort: Sort = None,
    ) -> Response[bytes]:
        """Every opportunity of the list's filter, in its order, as CSV or XLSX."""
        principal = frame.office_principal(request, "pipeline")
        fetch = finder(principal, q, stage_id, owner_id, month, open, sort)
        locale = i18n.choose(request).locale
        return await download(request, format, fetch, columns(locale), "opportunities")

    @get("/{opportunity_id:int}")
    async def show(self, request: Request[Any, Any, Any], opportunity_id: PathId) -> Template:
        principal = frame.office_principal(request, "pipeline")
        opportunity = await opportunities.get(principal, opportunity_id)
        context = {
            "o": opportunity,
            "stages": await stages.list_stages(),
            "stage_label": stage_label,
            "money": money(request),
            "stage_kinds": STAGE_KINDS,
            "lost_reasons": LOST_REASONS,
            "owner_options": await owners(),
            "follow_ups": await followups.list_follow_ups(
                principal,
                account_id=None,
                lead_id=None,
                opportunity_id=opportunity_id,
                limit=20,
                offset=0,
            ),
        }
        return frame.render(request, "pipeline", "office/opportunity.html", context)


PIPELINE_PAGES = [PipelinePages]
