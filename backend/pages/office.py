"""The back office's home (today at a glance); OFFICE_PAGES gathers every back-office page
module for the app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler

from backend import clock
from backend.access import principal_of
from backend.activity.overdue import overdue_tasks
from backend.boards.queries import dispatch_board
from backend.boards.service import satisfaction_board
from backend.pages import frame
from backend.pages.office_accounts import ACCOUNT_PAGES
from backend.pages.office_catalogue import CATALOGUE_PAGES
from backend.pages.office_contracts import CONTRACT_PAGES
from backend.pages.office_devices import DEVICE_PAGES
from backend.pages.office_integrations import INTEGRATION_PAGES
from backend.pages.office_leads import LEAD_PAGES
from backend.pages.office_pipeline import PIPELINE_PAGES
from backend.pages.office_service_contracts import SERVICE_CONTRACT_PAGES
from backend.pages.office_settings import SETTINGS_PAGES
from backend.pages.office_users import USER_PAGES
from backend.pages.office_workorders import WORK_ORDER_PAGES
from backend.pages.office_zones import ZONE_PAGES
from backend.pages.staff_app import home_of
from backend.sales.dues import payments_due

LOW_RATING_DAYS = 7  # the home page's low ratings: this past week's
PAYMENT_DAYS = 7  # payments due: overdue ones and those due within a week
SHOWN = 10  # rows of each part of the home page (each says its total)


class OfficePages(Controller):
    include_in_schema = False
    opt = {"strict_query": True}  # an unknown query parameter is a 400 (querystring.py)

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
        week_ago = today - timedelta(days=LOW_RATING_DAYS)
        satisfaction = await satisfaction_board(week_ago, today, None)
        context = {
            "jobs": jobs,
            "counts": board.counts,
            "low_ratings": satisfaction.low_ratings,
            "tasks": await overdue_tasks(clock.now_utc(), SHOWN),
            "payments": await payments_due(today, today + timedelta(days=PAYMENT_DAYS), SHOWN),
            "payment_days": PAYMENT_DAYS,
        }
        return frame.render(request, "home", "office/home.html", context)


OFFICE_PAGES: list[ControllerRouterHandler] = [
    OfficePages,
    *ACCOUNT_PAGES,
    *LEAD_PAGES,
    *PIPELINE_PAGES,
    *DEVICE_PAGES,
    *WORK_ORDER_PAGES,
    *USER_PAGES,
    *ZONE_PAGES,
    *CATALOGUE_PAGES,
    *CONTRACT_PAGES,
    *SERVICE_CONTRACT_PAGES,
    *SETTINGS_PAGES,
    *INTEGRATION_PAGES,
]
