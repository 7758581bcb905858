"""Tables of sales: leads, the pool's moves and settings, stages, opportunities, contracts, payments
(the schema itself is migrations/fieldline_2026_12_05t02_00_00_000000.py), and their value sets."""

from decimal import Decimal
from enum import StrEnum

from piccolo.columns import (
    BigSerial,
    Boolean,
    Char,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    OnDelete,
    SmallInt,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from backend.customers.tables import Account, Contact
from backend.staff.tables import User

MONEY = (14, 2)  # numeric(14, 2): up to 999,999,999,999.99 in the company's currency


class LeadSource(StrEnum):
    VISIT = "visit"
    REFERRAL = "referral"
    WEB = "web"
    PHONE = "phone"
    EXHIBITION = "exhibition"
    SERVICE = "service"
    OTHER = "other"


class LeadStatus(StrEnum):
    NEW = "new"
    WORKING = "working"
    CONVERTED = "converted"
    DISQUALIFIED = "disqualified"


# A lead still being worked: it can be owned, pooled, recycled, claimed.
OPEN_LEAD = (LeadStatus.NEW, LeadStatus.WORKING)


class PoolMoveKind(StrEnum):
    CLAIMED = "claimed"  # a rep took it from the pool
    ASSIGNED = "assigned"  # a manager gave it to someone, or to the pool
    RELEASED = "released"  # its owner (or a manager) put it back, with a reason
    RECYCLED = "recycled"  # the rule put it back: no follow-up for too long


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class LostReason(StrEnum):
    PRICE = "price"
    COMPETITOR = "competitor"
    NO_BUDGET = "no_budget"
    NO_DECISION = "no_decision"
    TIMING = "timing"
    REQUIREMENTS = "requirements"
    OTHER = "other"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    COMPLETED = "completed"
    VOID = "void"


class ContractEventKind(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVATED = "activated"
    COMPLETED = "completed"
    VOIDED = "voided"


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHEQUE = "cheque"
    CARD = "card"
    ALIPAY = "alipay"
    WECHAT = "wechat"
    OTHER = "other"


class Stage(Table):
    position = Integer()
    name = Varchar(length=60)
    name_zh = Varchar(length=60, default="")
    probability = SmallInt()
    kind = Varchar(length=4, choices=StageKind)
    retired = Boolean(default=False)


class Opportunity(Table):
    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200)
    amount = Numeric(digits=MONEY)
    currency = Char(length=3)
    stage = ForeignKey(references=Stage, null=False, on_delete=OnDelete.restrict)
    expected_close = Date()
    owner = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    next_step = Varchar(length=300, null=True, default=None)
    lost_reason = Varchar(length=20, null=True, default=None, choices=LostReason)
    lost_note = Varchar(length=300, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Lazily: a contract refers to its opportunity too.
    renewal_of: ForeignKey[Table] = ForeignKey(
        references=LazyTableReference("Contract", module_path=__name__),
        null=True,
        default=None,
        on_delete=OnDelete.set_null,
    )


class OpportunityStageChange(Table):
    id = BigSerial(primary_key=True)
    opportunity = ForeignKey(references=Opportunity, null=False, on_delete=OnDelete.cascade)
    from_stage = ForeignKey(references=Stage, null=True, default=None)
    to_stage = ForeignKey(references=Stage, null=False)
    lost_reason = Varchar(length=20, null=True, default=None, choices=LostReason)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    at = Timestamptz(default=TimestamptzNow())


class Lead(Table):
    name = Varchar(length=120)
    company = Varchar(length=200, null=True, default=None)
    company_key = Varchar(length=200, null=True, default=None)
    phone = Varchar(length=40, null=True, default=None)
    phone_key = Varchar(length=40, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    email_key = Varchar(length=254, null=True, default=None)
    source = Varchar(length=12, choices=LeadSource, default=LeadSource.OTHER)
    notes = Varchar(length=2000, null=True, default=None)
    industry = Varchar(length=60, null=True, default=None)
    district = Varchar(length=60, null=True, default=None)
    lat = DoublePrecision(null=True, default=None)
    lng = DoublePrecision(null=True, default=None)
    status = Varchar(length=12, choices=LeadStatus, default=LeadStatus.NEW)
    disqualified_reason = Varchar(length=300, null=True, default=None)
    owner = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    claimed_at = Timestamptz(null=True, default=None)
    pooled_at = Timestamptz(null=True, default=None)
    recycle_warned_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    converted_at = Timestamptz(null=True, default=None)
    account = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.set_null)
    contact = ForeignKey(references=Contact, null=True, default=None, on_delete=OnDelete.set_null)
    opportunity = ForeignKey(
        references=Opportunity, null=True, default=None, on_delete=OnDelete.set_null
    )


class PoolMove(Table):
    id = BigSerial(primary_key=True)
    account = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.cascade)
    lead = ForeignKey(references=Lead, null=True, default=None, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, choices=PoolMoveKind)
    from_owner = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    to_owner = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    reason = Varchar(length=300, null=True, default=None)
    rule_days = SmallInt(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class PoolSetting(Table):
    recycle_days_a = Integer()
    recycle_days_b = Integer()
    recycle_days_c = Integer()
    lead_recycle_days = Integer()
    warn_days = Integer()
    daily_claim_cap = Integer()
    owned_cap = Integer()
    owned_lead_cap = Integer()
    former_owner_cooldown_days = Integer()
    exempt_won = Boolean()
    exempt_open_opportunity = Boolean()
    exempt_active_contract = Boolean()
    exempt_open_job = Boolean()
    updated_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow())


class Contract(Table):
    number = Varchar(length=40, unique=True)
    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.restrict)
    opportunity = ForeignKey(
        references=Opportunity, null=True, default=None, on_delete=OnDelete.set_null
    )
    owner = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=200)
    amount = Numeric(digits=MONEY)
    currency = Char(length=3)
    starts_on = Date()
    ends_on = Date()
    status = Varchar(length=16, choices=ContractStatus, default=ContractStatus.DRAFT)
    activated_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ContractEvent(Table):
    contract = ForeignKey(references=Contract, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, choices=ContractEventKind)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    reason = Varchar(length=300, null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


class PaymentPlan(Table):
    contract = ForeignKey(references=Contract, null=False, on_delete=OnDelete.cascade)
    line = SmallInt()
    due_on = Date()
    amount = Numeric(digits=MONEY)
    paid = Numeric(digits=MONEY, default=Decimal(0))
    paid_on = Date(null=True, default=None)


class Payment(Table):
    contract = ForeignKey(references=Contract, null=False, on_delete=OnDelete.restrict)
    amount = Numeric(digits=MONEY)
    received_on = Date()
    method = Varchar(length=16, choices=PaymentMethod)
    reference = Varchar(length=100, null=True, default=None)
    recorded_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
