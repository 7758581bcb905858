"""The boards' own settings, read from the environment once (times are business days)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from backend.errors import Invalid
from backend.settings import get_settings

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def parse_contact_rule(raw: str) -> dict[str, int]:
    """ "A=3,B=14" → {"A": 3, "B": 14}: days an account of the grade may go without contact."""
    rule: dict[str, int] = {}
    for item in raw.split(","):
        grade, _, days = item.strip().partition("=")
        if grade.strip() not in ("A", "B", "C") or not days.strip().isdigit():
            raise Invalid("FIELDLINE_CONTACT_RULE", f"expected GRADE=DAYS, got {item!r}")
        rule[grade.strip()] = int(days)
    return rule


@dataclass(frozen=True)
class BoardSettings:
    timezone: str  # the company's day, shared with field work
    tile_url: str  # the map's tile template; the board works (without a base map) when offline
    repeat_days: int  # a new job on the same device within this many days undoes a first-time fix
    contact_rule: dict[str, int]  # grade → days an account may go without a contact
    refresh_seconds: int  # how often each worker offers to refresh the rollups
    route_max_accuracy_m: int  # fixes less accurate than this count for no distance


@cache
def board_settings() -> BoardSettings:
    settings = get_settings()
    return BoardSettings(
        timezone=settings.business_timezone,
        tile_url=os.environ.get("FIELDLINE_TILE_URL") or OSM_TILES,
        repeat_days=_int("FIELDLINE_FTF_DAYS", 30),
        contact_rule=parse_contact_rule(os.environ.get("FIELDLINE_CONTACT_RULE") or "A=3"),
        refresh_seconds=_int("FIELDLINE_BOARD_REFRESH_SECONDS", 300),
        route_max_accuracy_m=settings.route_max_accuracy_m,
    )
