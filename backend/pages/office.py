"""The back office's home (today at a glance) and the device label sheet; OFFICE_PAGES gathers
every back-office page module for the app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from backend import clock
from backend.access import principal_of
from backend.boards.queries import dispatch_board
from backend.boards.service import satisfaction_board
from backend.customers import devices, qr
from backend.errors import Invalid
from backend.pages import frame, i18n
from backend.pages.office_accounts import ACCOUNT_PAGES
from backend.pages.staff_app import home_of

MAX_LABELS = 240  # ten A4 sheets of 3 × 8
LOW_RATING_DAYS = 7  # the home page's low ratings: this past week's


def _parse_ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise Invalid("ids", "a comma-separated list of device ids") from exc
    if not ids or len(ids) > MAX_LABELS or any(not 0 < i < 2**31 for i in ids):
        raise Invalid("ids", f"between 1 and {MAX_LABELS} device ids")
    return ids


class OfficePages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Engineers and reps open their phone app; supervisors and admins see today's work."""
        principal = principal_of(request)
        if principal is None:
            return Redirect("/login")
        if app := home_of(principal):
            return Redirect(app)
        board = await dispatch_board(None, None)
        # Late first, then the nearest deadline: what a supervisor must look at now.
        jobs = sorted(
            board.jobs,
            key=lambda j: (not j.breached, j.seconds_left is None, j.seconds_left or 0, j.id),
        )
        today = clock.today()
        satisfaction = await satisfaction_board(
            today - timedelta(days=LOW_RATING_DAYS), today, None
        )
        context = {"jobs": jobs, "counts": board.counts, "low_ratings": satisfaction.low_ratings}
        return frame.render(request, "home", "office/home.html", context)

    @get("/devices/labels")
    async def labels(self, request: Request[Any, Any, Any], ids: FromQuery[str]) -> Template:
        """A printable A4 sheet of 3 × 8 device stickers with product, serial and QR code."""
        frame.office_principal(request, "devices")
        chosen = await devices.devices_by_ids(_parse_ids(ids))
        labels = [(d, qr.qr_svg(d.qr_url)) for d in chosen]
        return i18n.render(request, "labels.html", {"labels": labels})


OFFICE_PAGES: list[ControllerRouterHandler] = [OfficePages, *ACCOUNT_PAGES]
