"""The service report as a page: for staff at /api/work-orders/{id}/report (its engineer and the
managers), for the customer behind the QR code once the job is done (pages/customer.py)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from backend.access import MANAGERS, Role, allow, check_job_read, current, signed_in
from backend.pages import i18n
from backend.schemas import PathId
from backend.workorders.report import report

REPORT_HEADERS = {"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"}
DONE = ("completed", "rated")
# Read by i18n.choose() from the request itself; named here so the API takes it.
Lang = Annotated[str | None, QueryParameter(max_length=10, description="en or zh_CN")]


async def render_report(request: Request[Any, Any, Any], work_order_id: int) -> Template:
    found = await report(work_order_id)
    return i18n.render(request, "report.html", {"report": found}, headers=REPORT_HEADERS)


class ReportPage(Controller):
    path = "/api/work-orders/{work_order_id:int}/report"
    tags = ["work orders"]
    guards = [signed_in, allow(*MANAGERS, Role.ENGINEER)]

    @get("", media_type="text/html")
    async def show(
        self, request: Request[Any, Any, Any], work_order_id: PathId, lang: Lang = None
    ) -> Template:
        """The service report (HTML, print-ready, in the reader's language or ?lang=en|zh_CN):
        device, times, travel and work minutes, parts with serials, resolution, photos,
        signature."""
        found = await report(work_order_id)
        check_job_read(current(request), found.job["engineer"])
        return i18n.render(request, "report.html", {"report": found}, headers=REPORT_HEADERS)


REPORT_PAGES = [ReportPage]
