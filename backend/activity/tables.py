"""Tables of activity: follow-ups and tasks (the schema itself, with follow_up_contact, the
contacts a follow-up reached, is migrations/fieldline_2026_12_05t03_00_00_000000.py), and their
value sets. Sales sits above activity: its tables are named lazily, never imported."""

from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, LazyTableReference, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.customers.tables import Account
from backend.field.tables import Visit
from backend.staff.tables import User
from backend.workorders.tables import WorkOrder

SALES = "backend.sales.tables"


class Method(StrEnum):
    VISIT = "visit"
    CALL = "call"
    MESSAGE = "message"  # WeChat and other messengers, SMS
    EMAIL = "email"
    SERVICE = "service"  # a completed work order


class ObjectKind(StrEnum):
    """What a task is about."""

    ACCOUNT = "account"
    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    CONTRACT = "contract"
    PAYMENT_PLAN = "payment_plan"
    DEVICE = "device"
    WORK_ORDER = "work_order"
    FOLLOW_UP = "follow_up"


class FollowUp(Table):
    account = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.cascade)
    lead: ForeignKey[Table] = ForeignKey(
        references=LazyTableReference("Lead", module_path=SALES),
        null=True,
        default=None,
        on_delete=OnDelete.cascade,
    )
    opportunity: ForeignKey[Table] = ForeignKey(
        references=LazyTableReference("Opportunity", module_path=SALES),
        null=True,
        default=None,
        on_delete=OnDelete.cascade,
    )
    method = Varchar(length=8, choices=Method)
    content = Varchar(length=5000)
    next_contact_at = Timestamptz(null=True, default=None)
    author = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    visit = ForeignKey(references=Visit, null=True, default=None, on_delete=OnDelete.set_null)
    work_order = ForeignKey(
        references=WorkOrder, null=True, default=None, on_delete=OnDelete.set_null
    )
    at = Timestamptz(default=TimestamptzNow())


class Task(Table):
    title = Varchar(length=200)
    notes = Varchar(length=2000, null=True, default=None)
    due_at = Timestamptz()
    assignee = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade)
    rule = Varchar(length=20, null=True, default=None)
    object_kind = Varchar(length=14, null=True, default=None, choices=ObjectKind)
    object_id = Integer(null=True, default=None)
    account = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.cascade)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    reminded_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
