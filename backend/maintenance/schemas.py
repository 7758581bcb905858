"""Request and response shapes of service contracts and their planned visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from backend.maintenance.schedule import Generate, Unit
from backend.schemas import Id, Input

Hours = Annotated[int, msgspec.Meta(ge=1, le=24 * 365)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class PlanIn(Input):
    every: Annotated[int, msgspec.Meta(ge=1, le=366)]
    unit: Unit
    horizon_days: Annotated[int, msgspec.Meta(ge=1, le=366)] = 30
    early_days: Annotated[int, msgspec.Meta(ge=0, le=90)] = 3
    late_days: Annotated[int, msgspec.Meta(ge=0, le=90)] = 3
    generate: Generate = Generate.SCHEDULED


class ServiceContractIn(Input):
    account_id: Id
    kind: Annotated[str, msgspec.Meta(pattern="^(warranty|maintenance)$")]
    starts_on: date
    ends_on: date
    device_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    respond_hours: Hours | None = None
    resolve_hours: Hours | None = None
    signature_required: bool = False
    plan: PlanIn | None = None


class ReasonIn(Input):
    reason: Reason


class PlanOut(msgspec.Struct):
    every: int
    unit: str
    horizon_days: int
    early_days: int
    late_days: int
    generate: str


class OccurrenceOut(msgspec.Struct):
    """A planned visit: its work order, device, due day and window."""

    work_order_id: int
    device_id: int
    planned_for: date
    window_opens_at: datetime | None
    window_closes_at: datetime | None
    status: str


class ServiceContractOut(msgspec.Struct):
    id: int | None  # None: a warranty derived from the device's warranty_until, not stored
    account_id: int
    kind: str
    status: str
    status_reason: str | None
    starts_on: date | None
    ends_on: date
    device_ids: list[int]
    respond_hours: int | None
    resolve_hours: int | None
    signature_required: bool
    plan: PlanOut | None
    created_at: datetime | None
    occurrences: list[OccurrenceOut] = []
    account_name: str | None = None
    next_visit: date | None = None  # the earliest planned visit not done yet
