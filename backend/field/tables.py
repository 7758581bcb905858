"""Tables of field work: visits and the location pings that make up a day's route."""

from piccolo.columns import (
    BigSerial,
    Boolean,
    DoublePrecision,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.customers.tables import Account
from backend.staff.tables import User


class Visit(Table):
    rep = ForeignKey(references=User, null=False, index=True, on_delete=OnDelete.cascade)
    account = ForeignKey(references=Account, null=False, index=True, on_delete=OnDelete.cascade)
    planned_at = Timestamptz()
    checkin_at = Timestamptz(null=True, default=None)
    checkin_lat = DoublePrecision(null=True, default=None)
    checkin_lng = DoublePrecision(null=True, default=None)
    checkin_accuracy = DoublePrecision(null=True, default=None)
    checkin_distance_m = DoublePrecision(null=True, default=None)
    on_site = Boolean(null=True, default=None)
    checkout_at = Timestamptz(null=True, default=None)
    notes = Text(null=True, default=None)
    outcome = Varchar(length=200, null=True, default=None)
    next_step = Varchar(length=300, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class LocationPing(Table):
    id = BigSerial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade)
    at = Timestamptz()
    lat = DoublePrecision()
    lng = DoublePrecision()
    accuracy = DoublePrecision(null=True, default=None)
