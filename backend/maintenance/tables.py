"""Tables of maintenance: service contracts and the devices they cover (the schema itself is
migrations/fieldline_2026_12_05t05_00_00_000000.py); planned jobs, photos and pauses hang off
work orders (backend/workorders/tables.py)."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.customers.tables import Account, Device
from backend.staff.tables import User


class ServiceContract(Table):
    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=12)
    status = Varchar(length=10, default="active")
    status_reason = Varchar(length=300, null=True, default=None)
    starts_on = Date()
    ends_on = Date()
    respond_hours = Integer(null=True, default=None)
    resolve_hours = Integer(null=True, default=None)
    signature_required = Boolean(default=False)
    plan_every = SmallInt(null=True, default=None)
    plan_unit = Varchar(length=5, null=True, default=None)
    horizon_days = SmallInt(default=30)
    early_days = SmallInt(default=3)
    late_days = SmallInt(default=3)
    generate = Varchar(length=16, default="scheduled")
    # A scheduled plan's first due day not made yet: the clock skips the contract until its
    # horizon reaches it (NULL: plan it on the next round; 9999-12-31: nothing more to make).
    plan_next_due = Date(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ServiceContractDevice(Table):
    contract = ForeignKey(references=ServiceContract, null=False, on_delete=OnDelete.cascade)
    device = ForeignKey(references=Device, null=False, on_delete=OnDelete.restrict)
