"""The site's frame: templates, static files, browser libraries, the service worker, sign-in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import File, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from backend.pages import i18n
from backend.pages.staff_app import PAGE_HEADERS
from backend.settings import PWA


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=PWA / "templates", engine=JinjaTemplateEngine, engine_callback=i18n.install
    )


STATIC_FILES = create_static_files_router(
    path="/static", directories=[PWA / "static"], include_in_schema=False
)
# Browser libraries come from the npm registry (pwa/package.json), never copied into the repo,
# and are served from our own origin: pages work offline and where a CDN is out of reach.
VENDOR_FILES = create_static_files_router(
    path="/vendor/leaflet",
    directories=[PWA / "node_modules" / "leaflet" / "dist"],
    include_in_schema=False,
)
SWAGGER_UI = "/vendor/swagger-ui"
SWAGGER_FILES = create_static_files_router(
    path=SWAGGER_UI,
    directories=[PWA / "node_modules" / "swagger-ui-dist"],
    include_in_schema=False,
)
FAVICON = PWA / "static" / "icons" / "favicon-32.png"


def api_docs() -> SwaggerRenderPlugin:
    """The /schema page: Swagger UI from our origin (never its CDN), with our icon."""
    return SwaggerRenderPlugin(
        js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_UI}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_UI}/swagger-ui-standalone-preset.js",
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


WEB_HANDLERS: list[ControllerRouterHandler] = [
    SignIn,
    service_worker,
    favicon,
    STATIC_FILES,
    VENDOR_FILES,
    SWAGGER_FILES,
]
