"""Request and response shapes of field work: location pings, day routes (GeoJSON), visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.customers.tables import Grade
from backend.schemas import Id, Input, Lat, Lng, ShortText

# A fix without a zone cannot be placed on the company's day: msgspec refuses it by name.
AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
# Metres; the bound keeps absurd values (1e308) out of the arithmetic.
Accuracy = Annotated[float, msgspec.Meta(ge=0, le=100_000)]
MAX_PINGS = 500


class PingIn(Input):
    at: AwareTime
    lat: Lat
    lng: Lng
    accuracy: Accuracy | None = None


class PingsIn(Input):
    pings: Annotated[list[PingIn], msgspec.Meta(min_length=1, max_length=MAX_PINGS)]


class PingsOut(msgspec.Struct):
    accepted: int


class LineString(msgspec.Struct):
    coordinates: list[tuple[float, float]]  # GeoJSON order: [lng, lat]
    type: Literal["LineString"] = "LineString"


class RouteProperties(msgspec.Struct):
    user_id: int
    date: date
    points: int  # every ping of the day, before anything was dropped
    points_used: int  # those accurate enough to draw and measure
    distance_km: float
    started_at: datetime | None
    ended_at: datetime | None


class RouteFeature(msgspec.Struct):
    """A GeoJSON Feature; geometry is null (RFC 7946 §3.2) when the day has fewer than 2 fixes."""

    geometry: LineString | None
    properties: RouteProperties
    type: Literal["Feature"] = "Feature"


class VisitIn(Input):
    account_id: Id
    planned_at: AwareTime
    rep_id: Id | None = None


class CheckInIn(Input):
    lat: Lat
    lng: Lng
    accuracy: Accuracy | None = None
    # When the rep was there, for a check-in replayed from the offline outbox; default now.
    at: AwareTime | None = None


class CheckOutIn(Input):
    notes: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    outcome: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    next_step: ShortText | None = None
    at: AwareTime | None = None


class VisitOut(msgspec.Struct):
    id: int
    status: Literal["planned", "checked_in", "checked_out"]
    rep_id: int
    rep_name: str
    account_id: int
    account_name: str
    address: str | None
    lat: float | None
    lng: float | None
    grade: Grade
    planned_at: datetime
    checkin_at: datetime | None
    checkin_lat: float | None
    checkin_lng: float | None
    checkin_accuracy: float | None
    distance_m: float | None  # check-in position to the account, geodesic
    on_site: bool | None  # set at check-in: distance_m within the check-in radius
    checkout_at: datetime | None
    notes: str | None
    outcome: str | None
    next_step: str | None
    created_at: datetime
