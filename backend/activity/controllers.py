"""HTTP API of activity: follow-ups, tasks (the caller's, and given by a person)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.access import MANAGERS, SELLERS, Role, allow, current, signed_in
from backend.activity import followups, settings, tasks, timeline, today
from backend.activity.schemas import (
    FollowUpIn,
    FollowUpOut,
    TaskDue,
    TaskIn,
    TaskOut,
    TodayOut,
)
from backend.schemas import Limit, Offset, Page, PathId, QueryId


class FollowUpController(Controller):
    path = "/api/follow-ups"
    tags = ["activity"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[FollowUpIn]
    ) -> FollowUpOut:
        """On exactly one of account_id, lead_id, opportunity_id; next_contact_at makes a task
        for the object's owner (task_id)."""
        return await followups.create_follow_up(current(request), data)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        account_id: QueryId = None,
        lead_id: QueryId = None,
        opportunity_id: QueryId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[FollowUpOut]:
        """Newest first; a rep sees those he wrote and those on what he owns."""
        return await followups.list_follow_ups(
            current(request),
            account_id=account_id,
            lead_id=lead_id,
            opportunity_id=opportunity_id,
            limit=limit,
            offset=offset,
        )


class TaskController(Controller):
    path = "/api"
    tags = ["activity"]
    guards = [signed_in]

    @get("/me/tasks")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        due: FromQuery[TaskDue] = "open",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[TaskOut]:
        """The caller's tasks: open (all), overdue, today (due later today), upcoming (from
        tomorrow), done (newest first); each with `rule` when a rule made it."""
        return await tasks.my_tasks(current(request), due, limit, offset)

    @get("/me/today")
    async def today(self, request: Request[Any, Any, Any]) -> TodayOut:
        """The Today list: tasks overdue, tasks due later today, and what the caller claimed
        from the pool and has not followed up since (the first 50 of each, with totals)."""
        return await today.today(current(request))

    @post("/tasks")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[TaskIn]) -> TaskOut:
        """To the caller, or (managers) to assignee_id; about at most one object."""
        return await tasks.create_task(current(request), data)

    @get("/tasks/{task_id:int}")
    async def show(self, request: Request[Any, Any, Any], task_id: PathId) -> TaskOut:
        return await tasks.get_task(current(request), task_id)

    @post("/tasks/{task_id:int}/done", status_code=HTTP_200_OK)
    async def done(self, request: Request[Any, Any, Any], task_id: PathId) -> TaskOut:
        return await tasks.set_done(current(request), task_id, True)

    @post("/tasks/{task_id:int}/undone", status_code=HTTP_200_OK)
    async def undone(self, request: Request[Any, Any, Any], task_id: PathId) -> TaskOut:
        return await tasks.set_done(current(request), task_id, False)


class ReminderSettingsController(Controller):
    path = "/api/settings/reminders"
    tags = ["activity"]

    @get("", guards=[allow(*MANAGERS)])
    async def show(self) -> settings.ReminderSettingsOut:
        """Each reminder rule on or off, with its figures."""
        return await settings.current_settings()

    @put("", guards=[allow(Role.ADMIN)])
    async def replace(
        self, request: Request[Any, Any, Any], data: JSONBody[settings.ReminderSettings]
    ) -> settings.ReminderSettingsOut:
        """Replaces them all: a field left out takes its default."""
        return await settings.save_settings(current(request), data)


Cursor = Annotated[str | None, QueryParameter(max_length=200, description="the page's `next`")]


class TimelineController(Controller):
    path = "/api/accounts"
    tags = ["activity"]
    guards = [allow(*SELLERS)]

    @get("/{account_id:int}/timeline")
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        account_id: PathId,
        before: Cursor = None,
        limit: Limit = 50,
    ) -> timeline.Timeline:
        """Everything about the account, newest first: follow-ups, visits, leads converted into
        it, opportunity stage changes, contracts and payments, work orders and their events,
        ratings, pool moves, tasks done; each links to its object (ref). Keyset-paged: pass the
        page's `next` as ?before= for the older page. An item shows to whoever may see its
        object."""
        return await timeline.account_timeline(current(request), account_id, before, limit)


ACTIVITY_CONTROLLERS = [
    FollowUpController,
    TaskController,
    ReminderSettingsController,
    TimelineController,
]
