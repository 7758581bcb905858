"""Request and response shapes of activity: follow-ups, tasks, the Today list, the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from backend.activity.tables import Method, ObjectKind
from backend.schemas import Id, Input

# A time without a zone cannot be placed on the company's day: msgspec refuses it by name.
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
Content = Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]
ContactIds = Annotated[list[Id], msgspec.Meta(max_length=20)]


class FollowUpIn(Input):
    """On exactly one of an account, a lead or an opportunity."""

    method: Method
    content: Content
    account_id: Id | None = None
    lead_id: Id | None = None
    opportunity_id: Id | None = None
    next_contact_at: AwareTime | None = None
    contact_ids: ContactIds = msgspec.field(default_factory=list)


class FollowUpOut(msgspec.Struct):
    id: int
    method: Method
    content: str
    account_id: int | None
    lead_id: int | None
    opportunity_id: int | None
    next_contact_at: datetime | None
    contact_ids: list[int]
    author_id: int | None
    author_name: str | None
    visit_id: int | None
    work_order_id: int | None
    at: datetime
    # The task the next contact time made (or moved), when there is one.
    task_id: int | None = None


class TaskIn(Input):
    """A task a person gives: to himself, or (managers) to anyone; about at most one object."""

    title: Title
    due_at: AwareTime
    assignee_id: Id | None = None
    notes: Notes | None = None
    account_id: Id | None = None
    lead_id: Id | None = None
    opportunity_id: Id | None = None
    contract_id: Id | None = None
    work_order_id: Id | None = None


class TaskOut(msgspec.Struct):
    id: int
    title: str
    notes: str | None
    due_at: datetime
    assignee_id: int
    assignee_name: str
    rule: str | None  # null: a person made it (created_by)
    object_kind: ObjectKind | None
    object_id: int | None
    account_id: int | None
    account_name: str | None
    created_by: int | None
    created_at: datetime
    done_at: datetime | None
    done_by: int | None
    overdue: bool


TaskDue = Literal["today", "overdue", "upcoming", "open", "done"]


class TaskList(msgspec.Struct):
    items: list[TaskOut]
    total: int


class Unfollowed(msgspec.Struct):
    """An account or lead the caller claimed and has not followed up since."""

    kind: Literal["account", "lead"]
    id: int
    name: str
    claimed_at: datetime


class UnfollowedList(msgspec.Struct):
    items: list[Unfollowed]
    total: int


class TodayOut(msgspec.Struct):
    """The rep's Today list: the first 50 of each, with how many there are."""

    overdue: TaskList
    today: TaskList
    unfollowed: UnfollowedList
