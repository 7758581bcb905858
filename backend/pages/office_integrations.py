"""The admin's integration pages: imports from Excel or CSV (upload, the guessed column mapping
corrected, a dry run, the commit, the error rows' .xlsx, the past imports) and webhooks (register
with the secret shown once, turn on or off, delete, each hook's deliveries with their tries and a
retry by hand), all through the integrations API (backend/integrations/)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from backend.integrations import webhooks
from backend.integrations.imports import service as imports
from backend.integrations.imports.kinds import FIELDS, Kind
from backend.integrations.tables import DeliveryStatus
from backend.pages import frame
from backend.pages.export import Column, ExportFormat, Fetch, download, field
from backend.pages.listing import ListView
from backend.schemas import Limit, Offset, PathId, Search

N_ = frame.N_

KINDS = {
    "accounts": N_("Accounts"),
    "contacts": N_("Contacts"),
    "leads": N_("Leads"),
    "devices": N_("Devices"),
}
MODES = {"dry_run": N_("Dry run"), "commit": N_("Commit")}
# The fields an import fills, by the name the API and the mapping use.
FIELD_LABELS = {
    "name": N_("Name"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "grade": N_("Grade"),
    "vip": N_("VIP"),
    "address": N_("Address"),
    "lat": N_("Latitude"),
    "lng": N_("Longitude"),
    "owner_email": N_("Owner's email"),
    "source": N_("Source"),
    "industry": N_("Industry"),
    "district": N_("District"),
    "account_name": N_("Account name"),
    "title": N_("Job title"),
    "decision_maker": N_("Decision maker"),
    "company": N_("Company"),
    "notes": N_("Notes"),
    "product_sku": N_("Product SKU"),
    "serial": N_("Serial number"),
    "installed_on": N_("Installed on"),
}
EVENTS = {
    "work_order.created": N_("A work order is created"),
    "work_order.offered": N_("A work order is offered to an engineer"),
    "work_order.accepted": N_("An engineer accepts a work order"),
    "work_order.completed": N_("A work order is completed"),
    "work_order.rated": N_("A customer rates a job"),
    "work_order.sla_breached": N_("A work order breaches its SLA"),
    "lead.created": N_("A lead is created"),
    "lead.converted": N_("A lead is converted"),
    "opportunity.stage_changed": N_("An opportunity changes stage"),
    "opportunity.won": N_("An opportunity is won"),
    "opportunity.lost": N_("An opportunity is lost"),
    "contract.activated": N_("A contract becomes active"),
    "payment.received": N_("A payment is received"),
    "account.recycled": N_("An account is recycled to the pool"),
}
DELIVERY_STATUSES = {
    "pending": N_("Queued"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
}


# The files of the past imports and of a hook's deliveries: what their lists show.
IMPORT_COLUMNS = (
    field(N_("When"), "created_at"),
    field(N_("By"), "created_by_name"),
    field(N_("Holds"), "kind", KINDS),
    field(N_("File"), "filename"),
    field(N_("Run"), "mode", MODES),
    field(N_("Rows"), "rows"),
    field(N_("Rows created"), "created"),
    field(N_("Updated"), "updated"),
    field(N_("Skipped"), "skipped"),
    field(N_("Errors"), "errors_total"),
)
DELIVERY_COLUMNS = (
    field(N_("When"), "created_at"),
    field(N_("Event"), "event_type"),
    field(N_("Event id"), "event_id"),
    field(N_("State"), "status", DELIVERY_STATUSES),
    field(N_("Tries"), "attempts"),
    field(N_("Last answer"), "last_status"),
    Column(N_("Last error"), lambda d: d.last_error),
    field(N_("Delivered"), "delivered_at"),
)


def runs_of(kind: Kind | None, mode: str | None, q: str | None) -> Fetch:
    async def fetch(limit: int, offset: int) -> Any:
        return await imports.list_runs(kind, mode, limit, offset, q)

    return fetch


def deliveries_of(webhook_id: int, status: DeliveryStatus | None) -> Fetch:
    async def fetch(limit: int, offset: int) -> Any:
        return await webhooks.deliveries(webhook_id, status, limit, offset)

    return fetch


class ImportPages(Controller):
    path = "/imports"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        kind: FromQuery[Kind | None] = None,
        mode: FromQuery[Literal["dry_run", "commit"] | None] = None,
        q: Search = None,
        limit: Limit = 25,
        offset: Offset = 0,
    ) -> Template:
        frame.office_principal(request, "imports")
        runs = await runs_of(kind, mode, q)(limit, offset)
        filters = {"q": q, "kind": kind, "mode": mode}
        context = {
            "view": ListView("/imports", runs, filters, exportable=True),
            "kinds": KINDS,
            "modes": MODES,
            "field_labels": FIELD_LABELS,
            "fields": {k.value: [(f.name, f.required) for f in FIELDS[k]] for k in Kind},
        }
        return frame.render(request, "imports", "office/imports.html", context)

    @get("/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        format: ExportFormat,
        kind: FromQuery[Kind | None] = None,
        mode: FromQuery[Literal["dry_run", "commit"] | None] = None,
        q: Search = None,
    ) -> Response[bytes]:
        """The past imports of the list's filter, as CSV or XLSX."""
        frame.office_principal(request, "imports")
        return await download(request, format, runs_of(kind, mode, q), IMPORT_COLUMNS, "imports")


class WebhookPages(Controller):
    path = "/webhooks"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(
        self, request: Request[Any, Any, Any], limit: Limit = 50, offset: Offset = 0
    ) -> Template:
        frame.office_principal(request, "webhooks")
        view = ListView("/webhooks", await webhooks.list_hooks(limit, offset))
        context = {"view": view, "events": EVENTS}
        return frame.render(request, "webhooks", "office/webhooks.html", context)

    @get("/{webhook_id:int}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        webhook_id: PathId,
        status: FromQuery[DeliveryStatus | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Template:
        frame.office_principal(request, "webhooks")
        hook = await webhooks.get_hook(webhook_id)
        found = await deliveries_of(webhook_id, status)(limit, offset)
        view = ListView(f"/webhooks/{webhook_id}", found, {"status": status}, exportable=True)
        context = {
            "hook": hook,
            "view": view,
            "events": EVENTS,
            "statuses": DELIVERY_STATUSES,
        }
        return frame.render(request, "webhooks", "office/webhook.html", context)

    @get("/{webhook_id:int}/export")
    async def export_deliveries(
        self,
        request: Request[Any, Any, Any],
        webhook_id: PathId,
        format: ExportFormat,
        status: FromQuery[DeliveryStatus | None] = None,
    ) -> Response[bytes]:
        """A hook's deliveries of the list's filter, as CSV or XLSX."""
        frame.office_principal(request, "webhooks")
        await webhooks.get_hook(webhook_id)  # an unknown hook is a 404, not an empty file
        fetch = deliveries_of(webhook_id, status)
        return await download(request, format, fetch, DELIVERY_COLUMNS, f"webhook-{webhook_id}")


INTEGRATION_PAGES = [ImportPages, WebhookPages]
