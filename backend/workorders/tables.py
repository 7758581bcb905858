"""Tables of the service loop: work orders, their events, parts used, ratings."""

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.catalogue.tables import Part, Product
from backend.customers.tables import Account, Device
from backend.staff.tables import User


class Status(StrEnum):
    # A maintenance plan's job before its window opens: not in dispatch's queue yet.
    PLANNED = "planned"
    NEW = "new"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    COMPLETED = "completed"
    RATED = "rated"
    CANCELLED = "cancelled"


# The sets of statuses every query and rule uses, defined once.
# An engineer holds the job (its offer or the work itself); one at a time (a unique index).
HELD = frozenset({Status.OFFERED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE})
# The engineer has taken it on: accepted and not yet completed.
TAKEN = HELD - {Status.OFFERED}
# Not done with: waiting in the queue, or held.
UNFINISHED = HELD | {Status.NEW}


def sql_list(statuses: frozenset[Status]) -> str:
    """A set as an SQL list literal, in lifecycle order: "('offered', 'accepted', …)"."""
    return "(" + ", ".join(f"'{s.value}'" for s in Status if s in statuses) + ")"


class ActorKind(StrEnum):
    """Who made a work-order event: a customer (QR page), staff (a person), or the system."""

    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Source(StrEnum):
    QR = "qr"
    STAFF = "staff"
    RULE = "rule"
    PLAN = "plan"  # made by a service contract's maintenance plan (backend/maintenance/)


class WorkOrder(Table):
    device = ForeignKey(references=Device, null=False, index=True, on_delete=OnDelete.restrict)
    account = ForeignKey(references=Account, null=False, index=True, on_delete=OnDelete.restrict)
    # The device's model, copied so dispatch reads a model's parts history without joins.
    product = ForeignKey(references=Product, null=False, on_delete=OnDelete.restrict)
    source = Varchar(length=10, choices=Source)
    reporter_name = Varchar(length=120, null=True, default=None)
    reporter_phone = Varchar(length=40, null=True, default=None)
    description = Text()
    priority = Varchar(length=10, choices=Priority, default=Priority.NORMAL)
    status = Varchar(length=12, choices=Status, default=Status.NEW, index=True)
    # The engineer holding the offer or the job; null while it waits in the queue.
    engineer = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    distance_km = DoublePrecision(null=True, default=None)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    offered_at = Timestamptz(null=True, default=None)
    offer_expires_at = Timestamptz(null=True, default=None)
    respond_by = Timestamptz(null=True, default=None)
    resolve_by = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    arrived_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    resolution = Text(null=True, default=None)
    # A planned job (backend/maintenance/): its contract, due day and window.
    contract = Integer(null=True, default=None)
    planned_for = Date(null=True, default=None)
    window_opens_at = Timestamptz(null=True, default=None)
    window_closes_at = Timestamptz(null=True, default=None)
    # The SLA level the supervisors were told of (ok, warning, breached): each once.
    sla_notified = Varchar(length=8, default="ok")
    reoffered_at = Timestamptz(null=True, default=None)
    signer_name = Varchar(length=120, null=True, default=None)
    signature = Bytea(null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WorkOrderEvent(Table):
    """One transition or dispatch step of a work order: who, when, where."""

    work_order = ForeignKey(references=WorkOrder, null=False, on_delete=OnDelete.cascade)
    at = Timestamptz(default=TimestamptzNow())
    kind = Varchar(length=20)
    from_status = Varchar(length=12, null=True, default=None)
    to_status = Varchar(length=12, null=True, default=None)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    actor_kind = Varchar(length=10, choices=ActorKind)
    engineer = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    note = Text(null=True, default=None)
    reason = Varchar(length=12, null=True, default=None)  # why an offer was declined


class PartUsage(Table):
    work_order = ForeignKey(
        references=WorkOrder, null=False, index=True, on_delete=OnDelete.cascade
    )
    part = ForeignKey(references=Part, null=False, index=True, on_delete=OnDelete.restrict)
    qty = Integer()
    serial_out = Varchar(length=80, null=True, default=None)
    serial_in = Varchar(length=80, null=True, default=None)


class Rating(Table):
    work_order = ForeignKey(
        references=WorkOrder, null=False, unique=True, on_delete=OnDelete.cascade
    )
    score = SmallInt()
    comment = Text(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())
    needs_follow_up = Boolean(default=False)
