"""HTML page controllers; they call the same services as the API and never re-implement logic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import File, Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from backend.access import MANAGERS, Principal, principal_of
from backend.customers import devices, qr
from backend.customers import service as customers
from backend.errors import Forbidden, Invalid, NotFound, TooManyRequests
from backend.schemas import INT4_MAX
from backend.workorders import queries
from backend.workorders.controllers import public_rate_limit
from pwa import i18n
from pwa.app_pages import APP_PAGES, PAGE_HEADERS, home_of

HERE = Path(__file__).resolve().parent
MAX_LABELS = 240  # ten A4 sheets of 3 × 8


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=i18n.install
    )


STATIC_FILES = create_static_files_router(
    path="/static", directories=[HERE / "static"], include_in_schema=False
)


def _parse_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise Invalid("ids", "a comma-separated list of device ids") from exc
    if not ids or len(ids) > MAX_LABELS or any(not 0 < i < 2**31 for i in ids):
        raise Invalid("ids", f"between 1 and {MAX_LABELS} device ids")
    return ids


class Pages(Controller):
    include_in_schema = False

    @get("/login")
    async def login(self, request: Request[Any, Any, Any]) -> Template:
        return i18n.render(request, "login.html", headers=PAGE_HEADERS)

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Engineers and reps open their phone app; supervisors and admins this desktop home."""
        principal: Principal | None = principal_of(request)
        if principal is None:
            return Redirect("/login")
        if app := home_of(principal):
            return Redirect(app)
        context: dict[str, Any] = {
            "me": principal,
            "accounts": await customers.list_accounts(
                principal,
                q=None,
                grade=None,
                owner_id=None,
                pool=None,
                vip=None,
                limit=20,
                offset=0,
            ),
            "devices": await devices.list_devices(
                principal, account_id=None, product_id=None, serial=None, limit=24, offset=0
            ),
        }
        return i18n.render(request, "home.html", context, headers=PAGE_HEADERS)

    @get("/devices/labels")
    async def labels(
        self, request: Request[Any, Any, Any], ids: FromQuery[str]
    ) -> Template | Redirect:
        """A printable A4 sheet of 3 × 8 device stickers with product, serial and QR code."""
        principal = principal_of(request)
        if principal is None:
            return Redirect("/login")
        if principal.role not in MANAGERS:
            raise Forbidden("Only supervisors and admins print device labels")
        chosen = await devices.devices_by_ids(_parse_ids(ids))
        labels = [(d, qr.qr_svg(d.qr_url)) for d in chosen]
        return Template("labels.html", context={"labels": labels})


# --- the customer's side: no login, only the device's QR token --------------------------------

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


# --- the service worker ------------------------------------------------------------------------

SERVICE_WORKER = HERE / "static" / "sw.js"
SERVICE_WORKER_HEADERS = {
    # A worker controls at most the folder it is served from; "/" says so even if it moves.
    "Service-Worker-Allowed": "/",
    # Browsers recheck the worker on navigation; a stale copy must never be served in its place.
    "Cache-Control": "no-cache",
}


@get("/sw.js", include_in_schema=False)
async def service_worker() -> File:
    """The site's one service worker, at the root so that its scope is every page."""
    return File(
        SERVICE_WORKER,
        media_type="text/javascript",
        content_disposition_type="inline",
        filename="sw.js",
        headers=SERVICE_WORKER_HEADERS,
    )


PAGE_CONTROLLERS: list[ControllerRouterHandler] = [
    Pages,
    *APP_PAGES,
    CustomerPages,
    service_worker,
]
