"""Request and response shapes of work orders, the customer side, and dispatch."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from backend.schemas import Id, Input, Lat, Lng, Phone
from backend.workorders.tables import Priority, Status

Description = Annotated[str, msgspec.Meta(min_length=3, max_length=2000)]
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
SerialNo = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class WorkOrderIn(Input):
    device_id: Id
    description: Description
    priority: Priority = Priority.NORMAL


class PublicRequestIn(Input):
    name: PersonName
    phone: Phone
    description: Description


class PositionIn(Input):
    lat: Lat
    lng: Lng


class PartUsedIn(Input):
    part_id: Id
    qty: Annotated[int, msgspec.Meta(ge=1, le=1000)]
    serial_out: SerialNo | None = None
    serial_in: SerialNo | None = None


class SignatureIn(Input):
    name: PersonName  # who signed
    image: Annotated[str, msgspec.Meta(min_length=1, max_length=700_000)]  # a PNG data URL


class SalesFlagIn(Input):
    """What the engineer saw that sales should follow up (an old unit worth replacing, …)."""

    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class CompleteIn(Input):
    resolution: Text
    parts: Annotated[list[PartUsedIn], msgspec.Meta(max_length=100)] = []
    # A sales opportunity seen on site: a lead (source service) for the account's owner or the pool.
    sales_opportunity: SalesFlagIn | None = None
    lat: Lat | None = None
    lng: Lng | None = None
    # The customer's signature: required when the job's contract or product asks for it.
    signature: SignatureIn | None = None


class PauseIn(Input):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class DeclineReason(StrEnum):
    TOO_FAR = "too_far"
    NO_PARTS = "no_parts"
    NO_SKILL = "no_skill"
    OFF_SHIFT = "off_shift"
    OTHER = "other"


class DeclineIn(Input):
    reason: DeclineReason | None = None
    note: Annotated[str, msgspec.Meta(max_length=300)] | None = None


class PhotoOut(msgspec.Struct):
    id: int
    stage: str  # before | after
    content_type: str
    width: int
    height: int
    bytes: int
    created_at: datetime


class PauseOut(msgspec.Struct):
    started_at: datetime
    ended_at: datetime | None
    reason: str


class LabourOut(msgspec.Struct):
    travel_minutes: int | None  # set off → arrived
    work_minutes: int | None  # arrived → completed (or now), less the pauses
    paused: bool
    pauses: list[PauseOut]


class SignatureOut(msgspec.Struct):
    name: str
    signed_at: datetime


class AssignIn(Input):
    engineer_id: Id


class RatingIn(Input):
    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class DutyIn(Input):
    status: Annotated[str, msgspec.Meta(pattern="^(available|off_duty)$")]
    lat: Lat | None = None
    lng: Lng | None = None


class PersonRef(msgspec.Struct):
    id: int
    name: str


class EventOut(msgspec.Struct):
    kind: str
    at: datetime
    from_status: str | None
    to_status: str | None
    actor_kind: str
    actor: PersonRef | None = None
    engineer: PersonRef | None = None
    lat: float | None = None
    lng: float | None = None
    note: str | None = None
    reason: str | None = None  # a declined offer's: too_far, no_parts, no_skill, off_shift, other


class PartUsedOut(msgspec.Struct):
    part_id: int
    sku: str
    name: str
    qty: int
    serial_out: str | None
    serial_in: str | None


class RatingOut(msgspec.Struct):
    score: int
    comment: str | None
    at: datetime
    needs_follow_up: bool


class HistoryItem(msgspec.Struct):
    id: int
    status: Status
    description: str
    resolution: str | None
    created_at: datetime
    completed_at: datetime | None
    engineer: PersonRef | None
    parts: list[PartUsedOut]
    rating: RatingOut | None


class ContactRef(msgspec.Struct):
    name: str
    title: str | None
    phone: str | None


class SiteOut(msgspec.Struct):
    """The account and contacts the assigned engineer needs on site."""

    account_id: int
    account_name: str
    address: str | None
    phone: str | None
    contacts: list[ContactRef]


class WorkOrderOut(msgspec.Struct):
    id: int
    status: Status
    priority: Priority
    source: str
    description: str
    device_id: int
    product: str
    serial: str
    account_id: int
    lat: float | None
    lng: float | None
    engineer: PersonRef | None
    distance_km: float | None
    offer_expires_at: datetime | None
    respond_by: datetime | None
    resolve_by: datetime | None
    sla_breached: bool
    sla: str  # ok | warning (75 % of the window used) | breached
    resolution: str | None
    reporter_name: str | None
    reporter_phone: str | None
    created_at: datetime
    updated_at: datetime
    events: list[EventOut] = []
    parts: list[PartUsedOut] = []
    rating: RatingOut | None = None
    history: list[HistoryItem] | None = None
    site: SiteOut | None = None
    # What the offer card shows of the customer.
    account_name: str | None = None
    account_address: str | None = None
    # A planned visit (backend/maintenance/): its contract, due day and window.
    contract_id: int | None = None
    planned_for: date | None = None
    window_opens_at: datetime | None = None
    window_closes_at: datetime | None = None
    # Proof of work (detail only): photos, labour, the signature, the printable report.
    signature_required: bool = False
    photos: list[PhotoOut] = []
    labour: LabourOut | None = None
    signature: SignatureOut | None = None
    report_url: str | None = None


class PublicDevice(msgspec.Struct):
    product: str
    serial: str
    warranty_until: date | None
    in_warranty: bool


class PublicRequest(msgspec.Struct):
    id: int
    status: Status
    description: str | None  # only a request the customer filed shows its text
    reporter_name: str | None
    reporter_phone: str | None  # masked: never the whole number
    created_at: datetime
    engineer_name: str | None = None  # masked (何**, Wang X.) and only once accepted
    timeline: list[EventOut] = []
    rating: RatingOut | None = None


class PublicDeviceOut(msgspec.Struct):
    device: PublicDevice
    requests: list[PublicRequest]


class CreatedOut(msgspec.Struct):
    id: int
    status: Status


class AssignmentOut(msgspec.Struct):
    work_order_id: int
    engineer_id: int
    distance_km: float


class CandidateOut(msgspec.Struct):
    """An engineer a supervisor may offer the job to, and how far he is from it."""

    id: int
    name: str
    distance_km: float
    measured_from: str  # "position": his fresh last fix; "home": his home base


class CancelIn(Input):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
