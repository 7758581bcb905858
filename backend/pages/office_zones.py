"""Back-office pages of service zones: every zone on one map with its list, and a zone drawn or
redrawn as a polygon on a Leaflet map (js/office/zone_editor.js), saved through the zones API
(POST/PUT /api/zones), whose rules (a simple polygon, a unique name) answer beside the fields."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.response import Template

from backend.pages import frame
from backend.pages.office_users import admin_only
from backend.schemas import PathId
from backend.settings import get_settings
from backend.staff import service as staff


class ZonePages(Controller):
    path = "/zones"
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

    @get("")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        frame.office_principal(request, "zones")
        zones = await staff.list_zones()
        context = {
            "zones": zones,
            "zones_json": msgspec.json.encode(zones).decode(),
            "engineers": await staff.engineers_per_zone(),
            "tile_url": get_settings().tile_url,
        }
        return frame.render(request, "zones", "office/zones.html", context)

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        admin_only(frame.office_principal(request, "zones"))
        context = {"zone": None, "others": await staff.list_zones()}
        return frame.render(request, "zones", "office/zone.html", self._editor(context))

    @get("/{zone_id:int}")
    async def show(self, request: Request[Any, Any, Any], zone_id: PathId) -> Template:
        frame.office_principal(request, "zones")
        zone = await staff.get_zone(zone_id)
        others = [z for z in await staff.list_zones() if z.id != zone_id]
        context = {"zone": zone, "others": others}
        return frame.render(request, "zones", "office/zone.html", self._editor(context))

    @staticmethod
    def _editor(context: dict[str, Any]) -> dict[str, Any]:
        """The editor's map: this zone's corners to edit, the others drawn faintly around it."""
        return {
            **context,
            "others_json": msgspec.json.encode(context["others"]).decode(),
            "tile_url": get_settings().tile_url,
        }


ZONE_PAGES = [ZonePages]
