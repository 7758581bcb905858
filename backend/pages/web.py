"""The site's frame: templates, static files, browser libraries, the service worker, sign-in."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import unquote

from litestar import Controller, Request, asgi, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import File, Response, Template
from litestar.template.config import TemplateConfig
from litestar.types import (
    ControllerRouterHandler,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

from backend import assets
from backend.pages import i18n
from backend.pages.staff_app import PAGE_HEADERS
from backend.settings import PWA


def _install(engine: JinjaTemplateEngine) -> None:
    i18n.install(engine)
    # {{ asset("static/css/app.css") }}: a file's versioned address (backend/assets.py).
    engine.engine.globals["asset"] = assets.url


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=PWA / "templates", engine=JinjaTemplateEngine, engine_callback=_install
    )


# --- static files (backend/assets.py): our own and the npm libraries', from memory -------------


def _accepts_gzip(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            for coding in value.decode("latin-1").split(","):
                token, _, params = coding.strip().partition(";")
                if token.strip() == "gzip" and params.replace(" ", "") not in ("q=0", "q=0.0"):
                    return True
    return False


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    return next((value for name, value in scope["headers"] if name == wanted), None)


async def _start(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    }
    await send(start)


async def _body(send: Send, body: bytes) -> None:
    event: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(event)


async def _serve_asset(scope: Scope, receive: Receive, send: Send) -> None:
    """GET/HEAD of a served file, plain or versioned address (backend/assets.py)."""
    method = scope.get("method")
    if method not in ("GET", "HEAD"):
        raise NotFoundException()
    name, named = assets.split(unquote(scope["raw_path"].decode("latin-1")))
    asset = assets.load(name)
    if asset is None:
        raise NotFoundException()
    headers: list[tuple[bytes, bytes]] = [
        (b"etag", asset.etag.encode()),
        (b"cache-control", assets.cache_control(named).encode()),
        (b"vary", b"accept-encoding"),
    ]
    match = _header(scope, b"if-none-match")
    if match is not None and asset.etag.encode() in (t.strip() for t in match.split(b",")):
        await _start(send, 304, headers)
        await _body(send, b"")
        return
    body = asset.body
    if asset.gzipped is not None and _accepts_gzip(scope):
        body = asset.gzipped
        headers.append((b"content-encoding", b"gzip"))
    headers += [
        (b"content-type", asset.media_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await _start(send, 200, headers)
    await _body(send, b"" if method == "HEAD" else body)


# Browser libraries come from the npm registry (pwa/package.json), never copied into the repo,
# and are served from our own origin: pages work offline and where a CDN is out of reach.
STATIC_FILES = asgi("/static", is_mount=True, copy_scope=False, include_in_schema=False)(
    _serve_asset
)
VENDOR_FILES = asgi(
    "/vendor", is_mount=True, copy_scope=False, include_in_schema=False, name="vendor"
)(_serve_asset)
FAVICON = PWA / "static" / "icons" / "favicon-32.png"


def api_docs() -> SwaggerRenderPlugin:
    """The /schema page: Swagger UI from our origin (never its CDN), with our icon."""
    return SwaggerRenderPlugin(
        js_url=assets.url("vendor/swagger-ui/swagger-ui-bundle.js"),
        css_url=assets.url("vendor/swagger-ui/swagger-ui.css"),
        standalone_preset_js_url=assets.url("vendor/swagger-ui/swagger-ui-standalone-preset.js"),
        favicon='<link rel="icon" type="image/png" href="/favicon.ico">',
    )


@get("/favicon.ico", include_in_schema=False)
async def favicon() -> File:
    """Browsers ask for /favicon.ico wherever a page names no icon (the API docs, a JSON answer)."""
    return File(
        FAVICON,
        media_type="image/png",
        content_disposition_type="inline",
        filename="favicon.png",
        headers={"Cache-Control": "public, max-age=86400"},
    )


class SignIn(Controller):
    include_in_schema = False

    @get("/login")
    async def login(self, request: Request[Any, Any, Any]) -> Template:
        return i18n.render(request, "login.html", headers=PAGE_HEADERS)


# --- the service worker ------------------------------------------------------------------------

SERVICE_WORKER = PWA / "static" / "sw.js"
SERVICE_WORKER_HEADERS = {
    # A worker controls at most the folder it is served from; "/" says so even if it moves.
    "Service-Worker-Allowed": "/",
    # Browsers recheck the worker on navigation; a stale copy must never be served in its place.
    "Cache-Control": "no-cache",
}


@cache
def _service_worker_source() -> str:
    """sw.js with the static files' version written in (its shell's addresses follow it)."""
    return SERVICE_WORKER.read_text().replace("__ASSET_VERSION__", assets.version(), 1)


@get("/sw.js", include_in_schema=False)
async def service_worker() -> Response[str]:
    """The site's one service worker, at the root so that its scope is every page."""
    return Response(
        _service_worker_source(),
        media_type="text/javascript; charset=utf-8",
        headers=SERVICE_WORKER_HEADERS,
    )


WEB_HANDLERS: list[ControllerRouterHandler] = [
    SignIn,
    service_worker,
    favicon,
    STATIC_FILES,
    VENDOR_FILES,
]
