"""create_app(): the Litestar application with every controller, the PWA pages and the schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.config.compression import CompressionConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from backend import db, hygiene, idempotency, openapi, ratelimit, tasks
from backend.activity.controllers import ACTIVITY_CONTROLLERS
from backend.activity.rules import REMINDERS_JOB, RULES_JOB
from backend.boards.controllers import BOARD_CONTROLLERS
from backend.boards.rollups import refresh_job
from backend.catalogue.controllers import CATALOGUE_CONTROLLERS
from backend.clock import Job, clock_lifespan
from backend.customers.controllers import CUSTOMER_CONTROLLERS
from backend.field.controllers import FIELD_CONTROLLERS
from backend.idempotency import IdempotencyMiddleware
from backend.integrations.controllers import INTEGRATION_CONTROLLERS
from backend.integrations.sender import WEBHOOK_JOB
from backend.live import channels_plugin
from backend.maintenance.controllers import MAINTENANCE_CONTROLLERS
from backend.maintenance.escalation import SLA_ROUND
from backend.maintenance.plans import PLAN_ROUND
from backend.mediatype import require_json
from backend.pages.boards import BOARD_PAGES
from backend.pages.customer import CUSTOMER_PAGES
from backend.pages.errors import EXCEPTION_HANDLERS
from backend.pages.office import OFFICE_PAGES
from backend.pages.report import REPORT_PAGES
from backend.pages.staff_app import APP_PAGES
from backend.pages.web import WEB_HANDLERS, api_docs, template_config
from backend.proxies import ProxyHeaders
from backend.push.controllers import PUSH_CONTROLLERS
from backend.push.service import push_lifespan
from backend.querystring import reject_unknown_query
from backend.sales.controllers import LEAD_CONTROLLERS
from backend.sales.deal_controllers import DEAL_CONTROLLERS
from backend.sales.recycling import RECYCLE
from backend.sales.renewals import RENEWALS
from backend.staff.auth import SessionAuthentication
from backend.staff.controllers import AuthController, MeController, UserController, ZoneController
from backend.staff.service import PRUNE_LOGIN_FAILURES
from backend.staff.sessions import sessions_lifespan
from backend.workorders.controllers import WORK_ORDER_CONTROLLERS
from backend.workorders.offers import OFFER_ROUND


class MigrationsPending(RuntimeError):
    """The database is behind the code: run `fieldline migrate` first."""


@asynccontextmanager
async def database(app: Litestar) -> AsyncIterator[None]:
    db.configure()
    pending = await db.pending_migrations()
    if pending:
        raise MigrationsPending(
            f"the database is {len(pending)} migration(s) behind ({', '.join(pending)}); "
            "run `fieldline migrate` and start again"
        )
    await db.open_pool()
    try:
        yield
    finally:
        await db.close_pool()


def periodic_jobs() -> list[Job]:
    """Every job of the workers' clock (backend/clock.py), in the order `clock --once` runs them."""
    return [
        OFFER_ROUND,
        PLAN_ROUND,
        SLA_ROUND,
        refresh_job(),
        idempotency.PRUNE_KEYS,
        ratelimit.PRUNE_HITS,
        PRUNE_LOGIN_FAILURES,
        WEBHOOK_JOB,
        RULES_JOB,
        REMINDERS_JOB,
        RECYCLE,
        RENEWALS,
    ]


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Litestar's one before_request hook: a JSON body sent as JSON (415), texts in the URL
    that cannot be stored (400), no unknown query parameter (400)."""
    require_json(request)
    await hygiene.check_url(request)
    await reject_unknown_query(request)


def create_app() -> Litestar:
    app = Litestar(
        route_handlers=[
            AuthController,
            MeController,
            UserController,
            ZoneController,
            *CUSTOMER_CONTROLLERS,
            *FIELD_CONTROLLERS,
            *PUSH_CONTROLLERS,
            *WORK_ORDER_CONTROLLERS,
            *MAINTENANCE_CONTROLLERS,
            *CATALOGUE_CONTROLLERS,
            *LEAD_CONTROLLERS,
            *DEAL_CONTROLLERS,
            *BOARD_CONTROLLERS,
            *ACTIVITY_CONTROLLERS,
            *INTEGRATION_CONTROLLERS,
            *WEB_HANDLERS,
            *APP_PAGES,
            *CUSTOMER_PAGES,
            *OFFICE_PAGES,
            *BOARD_PAGES,
            *REPORT_PAGES,
        ],
        lifespan=[
            database,
            sessions_lifespan,
            push_lifespan,
            tasks.tasks_lifespan,
            clock_lifespan(periodic_jobs()),
        ],
        # Live boards: LISTEN/NOTIFY channels; started after `database` has the DSN.
        plugins=[channels_plugin()],
        middleware=[
            # First: everything after it sees the client's address, not a proxy's.
            ProxyHeaders,  # type: ignore[list-item]  # plain ASGI, typed loosely
            DefineMiddleware(
                SessionAuthentication,
                exclude=[
                    "^/static/",
                    "^/vendor/",
                    "^/favicon.ico$",
                    "^/api/auth/login$",
                    "^/api/public/",
                ],
            ),
            # Inside authentication: a key belongs to the signed-in user who sent it.
            IdempotencyMiddleware,  # type: ignore[list-item]  # plain ASGI, typed loosely
        ],
        # Pages, scripts and styles go out gzipped (a phone's first load, bench/shell_bytes.py).
        # Not the API: an idempotent replay stores the body without its Content-Encoding
        # (backend/idempotency.py), and a board's event stream must not wait in a compressor.
        # Nor static files: they are gzipped once and kept (backend/assets.py).
        compression_config=CompressionConfig(
            backend="gzip",
            gzip_compress_level=6,
            exclude=["^/api/", "^/static/", "^/vendor/", "^/favicon.ico$"],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        # A JSON route reads only a JSON body (415); a NUL or lone surrogate in the URL, or an
        # unknown query parameter, is a 400 naming it, never silently ignored.
        before_request=check_request,
        # JSON bodies: depth-checked before decoding, every text checked after (backend/hygiene.py).
        request_class=hygiene.CheckedRequest,
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Fieldline API",
            version="0.1.0",
            path="/schema",
            render_plugins=[api_docs()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                    "cookie": SecurityScheme(
                        type="apiKey", name="fl_session", security_scheme_in="cookie"
                    ),
                }
            ),
            security=[{"bearer": []}, {"cookie": []}],
        ),
        debug=False,
    )
    # The OpenAPI document states our error shape and the statuses each operation answers.
    return openapi.install(app)
