"""Tables of the staff domain: users (with the engineer profile), sessions, failed logins."""

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    Boolean,
    DoublePrecision,
    ForeignKey,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

from backend.access import Role


class DutyStatus(StrEnum):
    OFF_DUTY = "off_duty"
    AVAILABLE = "available"
    BUSY = "busy"


class Zone(Table):
    """A service area; an engineer works inside his zone (dispatch checks it with shapely)."""

    name = Varchar(length=120, unique=True)
    # [[lat, lng], ...], the ring of the boundary
    boundary = JSONB()


class User(Table, tablename="app_user"):
    name = Varchar(length=120)
    email = Varchar(length=254, unique=True)
    phone = Varchar(length=40, null=True, default=None)
    role = Varchar(length=20, choices=Role)
    password_hash = Varchar(length=255)
    active = Boolean(default=True)
    locale = Varchar(length=10, default="en")
    created_at = Timestamptz(default=TimestamptzNow())
    # Engineer profile; empty for other roles.
    skills = Array(base_column=Varchar(length=60), default=list)
    home_lat = DoublePrecision(null=True, default=None)
    home_lng = DoublePrecision(null=True, default=None)
    duty_status = Varchar(length=20, choices=DutyStatus, default=DutyStatus.OFF_DUTY)
    last_lat = DoublePrecision(null=True, default=None)
    last_lng = DoublePrecision(null=True, default=None)
    last_seen_at = Timestamptz(null=True, default=None)
    zone = ForeignKey(references=Zone, null=True, default=None, on_delete=OnDelete.set_null)


class AuthSession(Table):
    """A sign-in: the bearer token and the cookie both point here; revoking it ends both."""

    uid = UUID(unique=True)
    user = ForeignKey(references=User, null=False, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class LoginFailure(Table):
    """Failed logins, kept in PostgreSQL so every worker counts the same attempts."""

    email = Varchar(length=254, index=True)
    ip = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True, index_method=IndexMethod.btree)
