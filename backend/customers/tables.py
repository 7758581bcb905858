"""Tables of the customer base: accounts, contacts, devices (installed assets)."""

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.catalogue.tables import Product
from backend.staff.tables import User


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Account(Table):
    name = Varchar(length=200)
    name_key = Varchar(length=200, index=True)  # normalised, for the duplicate check
    phone = Varchar(length=40, null=True, default=None)
    phone_key = Varchar(length=40, null=True, default=None, index=True)
    grade = Varchar(length=1, choices=Grade, default=Grade.C)
    vip = Boolean(default=False)
    owner = ForeignKey(
        references=User, null=True, default=None, index=True, on_delete=OnDelete.set_null
    )
    address = Varchar(length=300, null=True, default=None)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    source = Varchar(length=40, null=True, default=None)
    last_contacted_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # The public pool (backend/sales/pool.py): recycling counts from the later of the last
    # follow-up and claimed_at; pooled_at says since when nobody owns it.
    claimed_at = Timestamptz(null=True, default=None)
    pooled_at = Timestamptz(null=True, default=None)
    recycle_warned_at = Timestamptz(null=True, default=None)
    # Lead scoring: a lead in an industry or district the company already serves scores higher.
    industry = Varchar(length=60, null=True, default=None)
    district = Varchar(length=60, null=True, default=None)


class Contact(Table):
    account = ForeignKey(references=Account, null=False, index=True, on_delete=OnDelete.cascade)
    name = Varchar(length=120)
    title = Varchar(length=120, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    decision_maker = Boolean(default=False)
    # Normalised (backend/customers/dedupe.py), for the leads' duplicate check.
    phone_key = Varchar(length=40, null=True, default=None)
    email_key = Varchar(length=254, null=True, default=None)


class Device(Table):
    account = ForeignKey(references=Account, null=False, index=True, on_delete=OnDelete.restrict)
    product = ForeignKey(references=Product, null=False, index=True, on_delete=OnDelete.restrict)
    serial = Varchar(length=80)
    installed_on = Date(null=True, default=None)
    warranty_until = Date(null=True, default=None)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    qr_token = Varchar(length=64, unique=True)
    qr_rotated_at = Timestamptz(null=True, default=None)
    notes = Text(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
