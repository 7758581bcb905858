"""Tables of the integrations (the schema itself is migrations/fieldline_2026_12_05t04_*.py)."""

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    BigSerial,
    Boolean,
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

from backend.staff.tables import User


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or being sent under a lease)
    DELIVERED = "delivered"
    FAILED = "failed"  # given up: out of tries, a permanent answer, or the hook disabled


class Webhook(Table):
    url = Varchar(length=2000)
    events = Array(base_column=Varchar(length=40))
    secret = Varchar(length=100)
    active = Boolean(default=True)
    disabled_reason = Varchar(length=300, null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class WebhookDelivery(Table):
    id = BigSerial(primary_key=True)
    webhook = ForeignKey(references=Webhook, null=False, on_delete=OnDelete.cascade)
    event_id = UUID()
    event_type = Varchar(length=40)
    body = Text()
    status = Varchar(length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = SmallInt(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    leased_until = Timestamptz(null=True, default=None)
    last_status = SmallInt(null=True, default=None)
    last_error = Varchar(length=300, null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class WebhookAttempt(Table):
    id = BigSerial(primary_key=True)
    delivery = ForeignKey(references=WebhookDelivery, null=False, on_delete=OnDelete.cascade)
    at = Timestamptz()
    status_code = SmallInt(null=True, default=None)
    error = Varchar(length=300, null=True, default=None)
    duration_ms = Integer()


class EventType(StrEnum):
    """What a webhook may subscribe to (../shared/API.md, "Import and integrations")."""

    WORK_ORDER_CREATED = "work_order.created"
    WORK_ORDER_OFFERED = "work_order.offered"
    WORK_ORDER_ACCEPTED = "work_order.accepted"
    WORK_ORDER_COMPLETED = "work_order.completed"
    WORK_ORDER_RATED = "work_order.rated"
    WORK_ORDER_SLA_BREACHED = "work_order.sla_breached"
    LEAD_CREATED = "lead.created"
    LEAD_CONVERTED = "lead.converted"
    OPPORTUNITY_STAGE_CHANGED = "opportunity.stage_changed"
    OPPORTUNITY_WON = "opportunity.won"
    OPPORTUNITY_LOST = "opportunity.lost"
    CONTRACT_ACTIVATED = "contract.activated"
    PAYMENT_RECEIVED = "payment.received"
    ACCOUNT_RECYCLED = "account.recycled"


class ImportRun(Table):
    kind = Varchar(length=10)
    filename = Varchar(length=255)
    mode = Varchar(length=10)
    on_duplicate = Varchar(length=6)
    mapping = JSONB()
    header = JSONB()
    rows = Integer()
    valid = Integer()
    created = Integer()
    updated = Integer()
    skipped = Integer()
    errors = JSONB()
    error_rows = JSONB()
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
