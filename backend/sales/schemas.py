"""Request and response shapes of the sales API: leads, the pool, stages, opportunities,
contracts and payments. Lengths are the columns' (migrations/fieldline_2026_12_05t02_00_…)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from backend.errors import Invalid
from backend.sales.tables import (
    ContractEventKind,
    ContractStatus,
    LeadSource,
    LeadStatus,
    LostReason,
    PaymentMethod,
    PoolMoveKind,
    StageKind,
)
from backend.schemas import Email, Id, Input, Lat, Lng, Phone

PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Company = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]
Segment = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
StageName = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
StageNameZh = Annotated[str, msgspec.Meta(max_length=60)]
Probability = Annotated[int, msgspec.Meta(ge=0, le=100)]
ContractNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$")]
Reference = Annotated[str, msgspec.Meta(max_length=100)]
# numeric(14, 2): msgspec takes no bounds on a Decimal, so check_money() holds them.
Money = Annotated[Decimal, msgspec.Meta(description="0 to 999999999999.99, cents at most")]
Positive = Annotated[Decimal, msgspec.Meta(description="0.01 to 999999999999.99, cents at most")]
MONEY_MAX = Decimal("999999999999.99")
# Days a rule counts; the columns are int4, the rules are sane at far less.
Days = Annotated[int, msgspec.Meta(ge=1, le=3650)]
Count = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


def check_money(value: Decimal, field: str, *, positive: bool = False) -> Decimal:
    """An amount of the company's currency as numeric(14, 2) holds it, or a 400 naming field."""
    if not value.is_finite() or value > MONEY_MAX or value < 0 or (positive and value == 0):
        low = "more than 0" if positive else "0 or more"
        raise Invalid(field, f"an amount {low} and at most {MONEY_MAX}")
    if value != value.quantize(Decimal("0.01")):
        raise Invalid(field, "at most two decimal places")
    return value.quantize(Decimal("0.01"))


# --- leads ----------------------------------------------------------------------------------------


class LeadIn(Input):
    name: PersonName
    company: Company | None = None
    phone: Phone | None = None
    email: Email | None = None
    source: LeadSource = LeadSource.OTHER
    notes: Notes | None = None
    industry: Segment | None = None
    district: Segment | None = None
    lat: Lat | None = None
    lng: Lng | None = None
    owner_id: Id | UnsetType | None = UNSET


class LeadPatch(Input):
    name: PersonName | UnsetType = UNSET
    company: Company | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    email: Email | UnsetType | None = UNSET
    source: LeadSource | UnsetType = UNSET
    notes: Notes | UnsetType | None = UNSET
    industry: Segment | UnsetType | None = UNSET
    district: Segment | UnsetType | None = UNSET
    lat: Lat | UnsetType | None = UNSET
    lng: Lng | UnsetType | None = UNSET
    # working, or disqualified with disqualified_reason; converted only by /convert.
    status: LeadStatus | UnsetType = UNSET
    disqualified_reason: Reason | UnsetType | None = UNSET


class ScoreReason(msgspec.Struct):
    code: str  # has_phone, has_email, has_company, source, known_industry, known_district
    points: int


class LeadOut(msgspec.Struct):
    id: int
    name: str
    company: str | None
    phone: str | None
    email: str | None
    source: LeadSource
    notes: str | None
    industry: str | None
    district: str | None
    lat: float | None
    lng: float | None
    status: LeadStatus
    disqualified_reason: str | None
    owner_id: int | None
    owner_name: str | None
    pool: bool
    score: int
    score_reasons: list[ScoreReason]
    created_at: datetime
    updated_at: datetime
    converted_at: datetime | None
    account_id: int | None
    contact_id: int | None
    opportunity_id: int | None


class DuplicateMatch(msgspec.Struct):
    """A lead, account or contact that looks like the same customer. Of a colleague's, a rep
    learns only that it exists and whose it is: id and name are null."""

    type: str  # lead | account | contact
    id: int | None
    name: str | None
    owner_name: str | None
    pool: bool
    matched_on: list[str]  # phone | email | company


class OpportunityStart(Input):
    name: Title
    amount: Money
    expected_close: date


class ConvertIn(Input):
    account_id: Id | None = None
    opportunity: OpportunityStart | None = None


class ConvertOut(msgspec.Struct):
    account_id: int
    contact_id: int
    opportunity_id: int | None
    account_reused: bool


# --- the pool -------------------------------------------------------------------------------------


class ReleaseIn(Input):
    reason: Reason


class AssignIn(Input):
    owner_id: Id | None


class PoolItem(msgspec.Struct):
    kind: str  # account | lead
    id: int
    name: str
    company: str | None
    grade: str | None
    phone: str | None
    since: datetime
    # never_owned | released | recycled | assigned (a manager put it there)
    why: str
    reason: str | None
    rule_days: int | None
    former_owner_name: str | None


class PoolPage(msgspec.Struct):
    items: list[PoolItem]
    total: int
    limit: int
    offset: int
    # The caller's claims left today and room under the owned caps (null for managers).
    claims_left_today: int | None
    daily_claim_cap: int


class PoolMoveOut(msgspec.Struct):
    id: int
    kind: PoolMoveKind
    at: datetime
    actor_name: str | None  # null: the recycling rule
    from_owner_name: str | None
    to_owner_name: str | None
    reason: str | None
    rule_days: int | None


class RecycleDays(msgspec.Struct, forbid_unknown_fields=True):
    A: Days
    B: Days
    C: Days


class Exemptions(msgspec.Struct, forbid_unknown_fields=True):
    won: bool
    open_opportunity: bool
    active_contract: bool
    open_job: bool


class PoolSettings(Input):
    recycle_days: RecycleDays
    lead_recycle_days: Days
    warn_days: Annotated[int, msgspec.Meta(ge=0, le=365)]
    daily_claim_cap: Count
    owned_cap: Count
    owned_lead_cap: Count
    former_owner_cooldown_days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    exempt: Exemptions


# --- stages and opportunities ---------------------------------------------------------------------


class StageIn(Input):
    name: StageName
    probability: Probability
    kind: StageKind
    name_zh: StageNameZh = ""
    id: Id | None = None


class StageOut(msgspec.Struct):
    id: int
    position: int
    name: str
    name_zh: str
    probability: int
    kind: StageKind


class OpportunityIn(Input):
    account_id: Id
    name: Title
    amount: Money
    expected_close: date
    stage_id: Id | None = None
    next_step: Reason | None = None
    owner_id: Id | None = None


class OpportunityPatch(Input):
    name: Title | UnsetType = UNSET
    amount: Money | UnsetType = UNSET
    expected_close: date | UnsetType = UNSET
    stage_id: Id | UnsetType = UNSET
    next_step: Reason | UnsetType | None = UNSET
    lost_reason: LostReason | UnsetType = UNSET
    lost_note: Reason | UnsetType | None = UNSET


class StageChangeOut(msgspec.Struct):
    at: datetime
    from_stage_id: int | None
    to_stage_id: int
    to_stage_name: str
    lost_reason: str | None
    actor_name: str | None


class OpportunityOut(msgspec.Struct):
    id: int
    account_id: int
    account_name: str
    name: str
    amount: Decimal
    currency: str
    stage_id: int
    stage_name: str
    stage_name_zh: str
    stage_kind: StageKind
    probability: int
    expected_close: date
    owner_id: int
    owner_name: str
    next_step: str | None
    lost_reason: LostReason | None
    lost_note: str | None
    closed_at: datetime | None
    created_at: datetime
    renewal_of: int | None
    # Won and no contract made from it yet: the PWA offers to draw one up.
    contract_due: bool
    history: list[StageChangeOut] | None = None


# --- contracts and payments -----------------------------------------------------------------------


class PlanLineIn(Input):
    due_on: date
    amount: Positive


class ContractIn(Input):
    account_id: Id
    number: ContractNumber
    title: Title
    amount: Positive
    starts_on: date
    ends_on: date
    payment_plan: list[PlanLineIn]
    opportunity_id: Id | None = None


class ReasonIn(Input):
    reason: Reason | None = None


class PlanLineOut(msgspec.Struct):
    line: int
    due_on: date
    amount: Decimal
    paid: Decimal
    status: str  # pending | partial | paid
    overdue: bool


class PaymentIn(Input):
    amount: Positive
    received_on: date
    method: PaymentMethod
    reference: Reference | None = None


class PaymentOut(msgspec.Struct):
    id: int
    contract_id: int
    amount: Decimal
    received_on: date
    method: PaymentMethod
    reference: str | None
    created_at: datetime


class ContractEventOut(msgspec.Struct):
    kind: ContractEventKind
    at: datetime
    actor_name: str | None
    reason: str | None


class ContractOut(msgspec.Struct):
    id: int
    number: str
    account_id: int
    account_name: str
    opportunity_id: int | None
    owner_id: int
    owner_name: str
    title: str
    amount: Decimal
    currency: str
    starts_on: date
    ends_on: date
    status: ContractStatus
    needs_approval: bool
    received: Decimal
    outstanding: Decimal
    overdue: Decimal
    created_at: datetime
    payment_plan: list[PlanLineOut] | None = None
    payments: list[PaymentOut] | None = None
    events: list[ContractEventOut] | None = None
