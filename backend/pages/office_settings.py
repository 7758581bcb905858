"""The admin's settings page: the pipeline's stages (edited as a table), the public pool's rules,
the SLA targets per priority and the reminder rules, each section a form sent to its own API
(PUT /api/stages, /api/settings/pool, /api/settings/sla, /api/settings/reminders) with the API's
errors beside the fields."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from backend.activity import settings as reminders
from backend.pages import frame
from backend.sales import pool_settings, stages
from backend.workorders import sla_targets

N_ = frame.N_

STAGE_KINDS = (("open", N_("Open")), ("won", N_("Won")), ("lost", N_("Lost")))
GRADES = ("A", "B", "C")


class SettingsPages(Controller):
    path = "/settings"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        frame.office_principal(request, "settings")
        context = {
            "stages": await stages.list_stages(),
            "stage_kinds": STAGE_KINDS,
            "pool": await pool_settings.settings(),
            "sla": await sla_targets.current_targets(),
            "reminders": await reminders.current_settings(),
            "grades": GRADES,
        }
        return frame.render(request, "settings", "office/settings.html", context)


SETTINGS_PAGES = [SettingsPages]
