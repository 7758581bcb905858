"""The staff PWA's pages: the engineer's and the rep's app shells, and the web manifest.

Each page is a shell: the signed-in person, the words in their language and the settings the
scripts need; the data itself comes from the JSON API in the browser. So the service worker can
keep one copy of each shell and serve it offline, with the day's data from its cache, and a page
never shows anything the API would not.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from backend.access import Principal, Role, principal_of
from backend.pages import i18n
from backend.schemas import PathId
from backend.settings import get_settings

# A page shows one person's day: no shared cache keeps it, and the browser always asks again
# (the service worker answers from its own copy only when the network fails).
PAGE_HEADERS = {"Cache-Control": "private, no-cache"}

HOMES = {Role.ENGINEER: "/engineer", Role.REP: "/rep"}


def home_of(principal: Principal) -> str | None:
    """The app a role opens on "/", or None for the desktop home of supervisors and admins."""
    return HOMES.get(principal.role)


def _shell(
    request: Request[Any, Any, Any], role: Role, template: str, **context: Any
) -> Template | Redirect:
    """The page for `role`: anonymous visitors sign in first and come back; other roles go home."""
    principal = principal_of(request)
    if principal is None:
        return Redirect(f"/login?{urlencode({'next': request.url.path})}")
    if principal.role != role:
        return Redirect("/")
    settings = get_settings()
    page = {"me": principal, "tile_url": settings.tile_url, "app": role.value, **context}
    return i18n.render(request, template, page, headers=PAGE_HEADERS)


class EngineerApp(Controller):
    include_in_schema = False

    @get("/engineer")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Duty, the offer waiting for an answer, the job in hand, van stock, job alerts."""
        return _shell(request, Role.ENGINEER, "app/engineer.html", page="jobs")

    @get("/engineer/jobs")
    async def day(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The Jobs tab: today's jobs and the last 30 days' completed ones (GET /api/me/day)."""
        return _shell(request, Role.ENGINEER, "app/day.html", page="day")

    @get("/jobs/{job_id:int}")
    async def job(self, request: Request[Any, Any, Any], job_id: PathId) -> Template | Redirect:
        """One job: answer the offer, travel, arrive, parts and resolution, the device's history.

        The same shell for every id (the script reads it from the address), so a job opened
        from a push while offline still finds a copy in the service worker's cache.
        """
        return _shell(request, Role.ENGINEER, "app/job.html", page="jobs", job_id=job_id)


class RepApp(Controller):
    include_in_schema = False

    @get("/rep")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Today's visits (list and map), planning a visit, route tracking."""
        return _shell(request, Role.REP, "app/rep.html", page="today")

    @get("/visits/{visit_id:int}")
    async def visit(self, request: Request[Any, Any, Any], visit_id: PathId) -> Template | Redirect:
        """Check in with GPS, notes, outcome, next step, check out."""
        return _shell(request, Role.REP, "app/visit.html", page="today", visit_id=visit_id)

    @get("/rep/today")
    async def todo(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """To do today: tasks overdue and due today, what was claimed and not followed up."""
        return _shell(request, Role.REP, "app/today.html", page="todo")

    @get("/rep/accounts")
    async def accounts(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The rep's accounts with grade and last contact."""
        return _shell(request, Role.REP, "app/accounts.html", page="accounts")

    @get("/rep/accounts/{account_id:int}")
    async def account(
        self, request: Request[Any, Any, Any], account_id: PathId
    ) -> Template | Redirect:
        """One account: contacts, devices, open opportunities, contracts and payments, recent
        activity; the same shell for every id (the script reads it from the address)."""
        return _shell(request, Role.REP, "app/account.html", page="accounts", account_id=account_id)

    @get("/rep/leads")
    async def leads(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The rep's leads: add one (a duplicate is named), search, convert."""
        return _shell(request, Role.REP, "app/leads.html", page="leads")

    @get("/rep/pool")
    async def pool(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The public pool: why and since when, claims with the day's cap shown."""
        return _shell(request, Role.REP, "app/pool.html", page="pool")

    @get("/rep/pipeline")
    async def pipeline(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """His open opportunities by stage, moved with a tap."""
        return _shell(request, Role.REP, "app/pipeline.html", page="pipeline")

    @get("/rep/route")
    async def route(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The route of a day on a map, with its length."""
        return _shell(request, Role.REP, "app/route.html", page="route")


@get("/manifest.webmanifest", include_in_schema=False)
async def manifest(request: Request[Any, Any, Any]) -> Response[str]:
    """The web manifest, with its description in the visitor's language."""
    choice = i18n.choose(request)
    gettext = i18n.translations(choice.locale).gettext
    body = {
        "id": "/",
        "name": "Fieldline",
        "short_name": "Fieldline",
        "description": gettext("Jobs, visits and routes for people in the field"),
        "lang": choice.locale.replace("_", "-"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f4f6f8",
        "theme_color": "#0f5c8c",
        "icons": [
            {"src": f"/static/icons/{name}", "sizes": size, "type": "image/png", "purpose": purpose}
            for name, size, purpose in (
                ("icon-192.png", "192x192", "any"),
                ("icon-512.png", "512x512", "any"),
                ("maskable-192.png", "192x192", "maskable"),
                ("maskable-512.png", "512x512", "maskable"),
            )
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"},
    )


APP_PAGES: list[ControllerRouterHandler] = [EngineerApp, RepApp, manifest]
