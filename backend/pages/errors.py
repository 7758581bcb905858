"""Errors on pages: an HTML page in the person's language; the API keeps its JSON error shape.

A page is any address outside /api/ (and the machine-readable schema). A signed-out visitor of
a page is sent to sign in and brought back (?next=); every other error renders error.html with
the status, a sentence in the person's language, and the fields that were wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect

from backend.errors import EXCEPTION_HANDLERS as API_HANDLERS
from backend.errors import DomainError, internal_error_handler, is_outage
from backend.pages import i18n

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]

# Machine-readable answers outside /api/ keep JSON errors too.
JSON_PREFIXES = ("/api/", "/schema/openapi", "/static/", "/vendor/", "/sw.js", "/manifest")


def is_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(JSON_PREFIXES)


def _sign_in(request: Request[Any, Any, Any]) -> Redirect:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?{urlencode({'next': here})}")


def _status_and_fields(exc: Exception) -> tuple[int, list[str]]:
    if is_outage(exc):
        return 503, []
    if isinstance(exc, DomainError):
        errors = exc.extra.get("errors") or []
        return exc.status_code, [str(e["field"]) for e in errors]
    if isinstance(exc, ValidationException):
        extra = exc.extra if isinstance(exc.extra, list) else []
        return 400, [str(item.get("key")) for item in extra if item.get("key")]
    if isinstance(exc, HTTPException):
        return exc.status_code, []
    return 500, []


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status, fields = _status_and_fields(exc)
    if status == 401:
        return _sign_in(request)
    if status >= 500 and not isinstance(exc, HTTPException):
        internal_error_handler(request, exc)  # logs it as the API does
    return i18n.render(
        request,
        "error.html",
        {"status": status, "fields": fields, "me": request.scope.get("user")},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _either(api_handler: Handler) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        if is_page(request):
            return page_error(request, exc)
        return api_handler(request, exc)

    return handle


EXCEPTION_HANDLERS: dict[Any, Any] = {
    kind: _either(handler) for kind, handler in API_HANDLERS.items()
}
# A page that does not exist is an HTML 404 too (Litestar raises it before any handler runs).
EXCEPTION_HANDLERS.setdefault(NotFoundException, _either(API_HANDLERS[HTTPException]))
