"""Request and response shapes of the staff API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from backend.access import Role
from backend.schemas import Email, Id, Input, Lat, Lng, PersonName, Phone
from backend.staff.tables import DutyStatus

Password = Annotated[str, msgspec.Meta(min_length=8, max_length=200)]
Skill = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Locale = Annotated[str, msgspec.Meta(pattern=r"^(en|zh-CN)$")]


class LoginIn(Input):
    email: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class UserBrief(msgspec.Struct):
    id: int
    name: str
    role: Role


class LoginOut(msgspec.Struct):
    token: str
    csrf_token: str
    expires_at: datetime
    user: UserBrief


class UserIn(Input):
    name: PersonName
    email: Email
    password: Password
    role: Role
    phone: Phone | None = None
    skills: Annotated[list[Skill], msgspec.Meta(max_length=50)] = []
    home_lat: Lat | None = None
    home_lng: Lng | None = None
    locale: Locale = "en"
    zone_id: Id | None = None


class UserPatch(Input):
    name: PersonName | UnsetType = UNSET
    phone: Phone | UnsetType | None = UNSET
    role: Role | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    password: Password | UnsetType = UNSET
    skills: Annotated[list[Skill], msgspec.Meta(max_length=50)] | UnsetType = UNSET
    home_lat: Lat | UnsetType | None = UNSET
    home_lng: Lng | UnsetType | None = UNSET
    locale: Locale | UnsetType = UNSET
    zone_id: Id | UnsetType | None = UNSET


class UserOut(msgspec.Struct):
    id: int
    name: str
    email: str
    phone: str | None
    role: Role
    active: bool
    locale: str
    skills: list[str]
    home_lat: float | None
    home_lng: float | None
    duty_status: DutyStatus
    zone_id: int | None


Corner = Annotated[list[float], msgspec.Meta(min_length=2, max_length=2)]


class ZoneIn(Input):
    name: PersonName
    boundary: Annotated[list[Corner], msgspec.Meta(min_length=3, max_length=500)]


class ZoneOut(msgspec.Struct):
    id: int
    name: str
    boundary: list[list[float]]
