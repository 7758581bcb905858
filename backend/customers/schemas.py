"""Request and response shapes of the customer base API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from backend.customers.tables import Grade
from backend.schemas import Email, Id, Input, Lat, Lng, Name, PersonName, Phone, ShortText

Serial = Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$")]
Source = Annotated[str, msgspec.Meta(max_length=40)]
# What a lead's score compares with the accounts we have (backend/sales/score.py).
Segment = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class AccountIn(Input):
    name: Name
    phone: Phone | None = None
    grade: Grade = Grade.C
    vip: bool = False
    address: ShortText | None = None
    lat: Lat | None = None
    lng: Lng | None = None
    owner_id: Id | None = None
    source: Source | None = None
    industry: Segment | None = None
    district: Segment | None = None


class AccountPatch(Input):
    name: Name | UnsetType = UNSET
    phone: Phone | UnsetType | None = UNSET
    grade: Grade | UnsetType = UNSET
    vip: bool | UnsetType = UNSET
    address: ShortText | UnsetType | None = UNSET
    lat: Lat | UnsetType | None = UNSET
    lng: Lng | UnsetType | None = UNSET
    owner_id: Id | UnsetType | None = UNSET
    source: Source | UnsetType | None = UNSET
    industry: Segment | UnsetType | None = UNSET
    district: Segment | UnsetType | None = UNSET


class AccountOut(msgspec.Struct):
    id: int
    name: str
    phone: str | None
    grade: Grade
    vip: bool
    owner_id: int | None
    owner_name: str | None
    pool: bool
    address: str | None
    lat: float | None
    lng: float | None
    source: str | None
    last_contacted_at: datetime | None
    created_at: datetime
    industry: str | None
    district: str | None


class ContactIn(Input):
    account_id: Id
    name: PersonName
    title: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    phone: Phone | None = None
    email: Email | None = None
    decision_maker: bool = False


class ContactOut(msgspec.Struct):
    id: int
    account_id: int
    name: str
    title: str | None
    phone: str | None
    email: str | None
    decision_maker: bool


class DeviceIn(Input):
    account_id: Id
    product_id: Id
    serial: Serial
    installed_on: date | None = None
    lat: Lat | None = None
    lng: Lng | None = None


class DevicePatch(Input):
    """A device moved to another account or place, or its installation date corrected."""

    account_id: Id | UnsetType = UNSET
    installed_on: date | UnsetType | None = UNSET
    lat: Lat | UnsetType | None = UNSET
    lng: Lng | UnsetType | None = UNSET


class DeviceOut(msgspec.Struct):
    id: int
    account_id: int
    account_name: str
    product_id: int
    product_sku: str
    product_name: str
    serial: str
    installed_on: date | None
    warranty_until: date | None
    in_warranty: bool
    lat: float | None
    lng: float | None
    qr_url: str
