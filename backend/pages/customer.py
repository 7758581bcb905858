"""The customer's side: the pages behind a device's QR sticker (no login, only the token)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from backend.customers import devices
from backend.errors import NotFound, TooManyRequests
from backend.maintenance.service import coverage
from backend.pages import i18n
from backend.pages.report import DONE, render_report
from backend.schemas import INT4_MAX
from backend.workorders import queries
from backend.workorders.controllers import public_rate_limit

CUSTOMER_HEADERS = {
    # Live status behind a secret link: never kept by shared caches, always revalidated.
    "Cache-Control": "private, no-cache",
    # The token is in the URL; links to other sites must not carry it in a Referer.
    "Referrer-Policy": "no-referrer",
}


def _not_found_page(request: Request[Any, Any, Any], _: NotFound) -> Response[Any]:
    return i18n.render(
        request, "customer/not_found.html", status_code=404, headers=CUSTOMER_HEADERS
    )


def _too_many_page(request: Request[Any, Any, Any], exc: TooManyRequests) -> Response[Any]:
    headers = {**CUSTOMER_HEADERS, "Retry-After": str(exc.retry_after)}
    return i18n.render(
        request,
        "customer/too_many.html",
        {"wait_seconds": exc.retry_after, "wait_minutes": -(-exc.retry_after // 60)},
        status_code=429,
        headers=headers,
    )


def _request_id(raw: str) -> int:
    """The id from the URL; anything that cannot be one is the same 404 page as a foreign id."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 0 < int(raw) <= INT4_MAX):
        raise NotFound("Request not found")
    return int(raw)


class CustomerPages(Controller):
    """The pages behind the QR sticker; they read through the same queries as the public API."""

    path = "/q/{token:str}"
    include_in_schema = False
    guards = [public_rate_limit]
    # HTML error pages in the visitor's language instead of the API's JSON.
    exception_handlers = {NotFound: _not_found_page, TooManyRequests: _too_many_page}

    @get("")
    async def device_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        """The device, its open requests and the form to report a problem."""
        device = await devices.device_by_token(token)
        context = {
            "token": token,
            "device": device,
            "requests": await queries.device_requests(device.id),
            # Stored contracts in force (the warranty line above says the derived one).
            "contracts": [c for c in await coverage(device.id) if c.id is not None],
        }
        return i18n.render(request, "device.html", context, headers=CUSTOMER_HEADERS)

    @get("/requests/{request_id:str}")
    async def tracking_page(
        self, request: Request[Any, Any, Any], token: FromPath[str], request_id: FromPath[str]
    ) -> Template:
        """One request's status and timeline, and the rating form once the job is completed."""
        device = await devices.device_by_token(token)
        found = await queries.device_request(device.id, _request_id(request_id))
        context = {"token": token, "device": device, "req": found}
        return i18n.render(request, "customer/tracking.html", context, headers=CUSTOMER_HEADERS)

    @get("/requests/{request_id:str}/report")
    async def report_page(
        self, request: Request[Any, Any, Any], token: FromPath[str], request_id: FromPath[str]
    ) -> Template:
        """The service report of the device's request, once the job is done (before: 404)."""
        device = await devices.device_by_token(token)
        found = await queries.device_request(device.id, _request_id(request_id))
        if found.status not in DONE:
            raise NotFound("The report is ready once the job is done")
        return await render_report(request, found.id)


CUSTOMER_PAGES = [CustomerPages]
