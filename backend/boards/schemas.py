"""Response shapes of the boards: rounded once here, shown as-is by the pages and the CSV."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

# Rounding rules, in one place: the pages and the CSV print these values without reworking them.


def mean(total: float, n: int, digits: int = 2) -> float | None:
    return round(total / n, digits) if n else None


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def minutes(seconds: float, n: int) -> float | None:
    return round(seconds / 60 / n, 1) if n else None


# --- dispatch ------------------------------------------------------------------------------------


class ZoneArea(msgspec.Struct):
    id: int
    name: str
    boundary: list[list[float]]


class EngineerPin(msgspec.Struct):
    id: int
    name: str
    # off_duty | free | offered | travelling | on_site
    state: str
    duty_status: str
    lat: float | None
    lng: float | None
    position_at: datetime | None  # None: the pin stands on the home base
    skills: list[str]
    zone_id: int | None
    job_id: int | None


class JobPin(msgspec.Struct):
    id: int
    status: str
    priority: str
    vip: bool
    product: str
    required_skill: str | None
    account: str
    description: str
    lat: float | None
    lng: float | None
    engineer_id: int | None
    engineer: str | None
    created_at: datetime
    respond_by: datetime | None
    resolve_by: datetime | None
    # The deadline that matters now: respond_by until accepted, then resolve_by.
    due_at: datetime | None
    seconds_left: int | None
    breached: bool
    sla: str  # ok | warning | breached (backend/workorders/sla.py)
    zone_ids: list[int]


class DispatchBoard(msgspec.Struct):
    now: datetime
    engineers: list[EngineerPin]
    jobs: list[JobPin]  # open jobs, by priority then due time
    zones: list[ZoneArea]
    counts: dict[str, int]  # engineers per state, and "queue" (jobs waiting for an engineer)


# --- satisfaction -------------------------------------------------------------------------------


class Csat(msgspec.Struct):
    ratings: int
    average: float | None
    distribution: dict[str, int]  # "1".."5" → ratings


class Times(msgspec.Struct):
    """Mean minutes from the request to its first offer, the arrival, the completion."""

    offers: int
    to_offer_min: float | None
    arrivals: int
    to_arrive_min: float | None
    completed: int
    to_complete_min: float | None


class Rate(msgspec.Struct):
    count: int
    of: int
    pct: float | None


class WeekRow(msgspec.Struct):
    week: date  # the Monday
    ratings: int
    average: float | None
    completed: int
    first_time_fix_pct: float | None
    sla_breach_pct: float | None


class EngineerRow(msgspec.Struct):
    id: int
    name: str
    ratings: int
    average: float | None
    low_ratings: int
    completed: int
    active_days: int
    jobs_per_day: float | None
    on_site_min: float | None
    first_time_fix_pct: float | None
    sla_breach_pct: float | None


class ProductRow(msgspec.Struct):
    id: int
    sku: str
    name: str
    requests: int
    devices: int
    jobs_per_device: float | None
    ratings: int
    average: float | None
    first_time_fix_pct: float | None


class PartRow(msgspec.Struct):
    id: int
    sku: str
    name: str
    qty: int
    jobs: int


class LowRating(msgspec.Struct):
    work_order_id: int
    score: int
    comment: str | None
    at: datetime
    needs_follow_up: bool
    engineer: str | None
    product: str
    account: str
    account_phone: str | None


class SlaWeekRow(msgspec.Struct):
    week: date  # the Monday of the week the deadlines fell due
    responded: Rate  # accepted by respond_by, of the response deadlines decided
    resolved: Rate  # completed by resolve_by, of the resolution deadlines decided


class SlaRow(msgspec.Struct):
    """SLA attainment of one engineer, service contract or product model."""

    id: int | None  # None: no engineer holds the job, or no contract (the priority's targets)
    name: str  # the engineer's, the model's, or the contract's account
    responded: Rate
    resolved: Rate
    sku: str | None = None  # a product's
    kind: str | None = None  # a contract's: maintenance | warranty


class SlaAttainment(msgspec.Struct):
    """Deadlines met, each counted by the day it fell due once decided (boards/attainment.py)."""

    responded: Rate
    resolved: Rate
    weeks: list[SlaWeekRow]
    engineers: list[SlaRow]  # most deadlines missed first
    contracts: list[SlaRow]
    products: list[SlaRow]


class SatisfactionBoard(msgspec.Struct):
    date_from: date
    date_to: date
    zone_id: int | None
    repeat_days: int
    csat: Csat
    first_time_fix: Rate
    sla_breach: Rate
    times: Times
    weeks: list[WeekRow]
    engineers: list[EngineerRow]
    products: list[ProductRow]  # the models that fail most (requests per installed device) first
    parts: list[PartRow]  # most used first
    low_ratings: list[LowRating]  # newest first
    low_ratings_total: int
    # % responded and resolved in time, by week, engineer, contract and product
    sla_attainment: SlaAttainment


# --- field sales --------------------------------------------------------------------------------


class RepRow(msgspec.Struct):
    id: int
    name: str
    visits: int
    off_site: int
    days: int  # days with a check-in or a route
    visits_per_day: float | None
    km: float
    km_per_day: float | None


class RepDay(msgspec.Struct):
    rep_id: int
    rep: str
    day: date
    visits: int
    off_site: int
    km: float


class OffSiteVisit(msgspec.Struct):
    visit_id: int
    rep: str
    account: str
    checkin_at: datetime
    distance_m: int | None


class Uncontacted(msgspec.Struct):
    account_id: int
    name: str
    grade: str
    owner: str | None
    last_contacted_at: datetime | None
    days_since: int | None  # None: never contacted
    allowed_days: int


class SalesBoard(msgspec.Struct):
    date_from: date
    date_to: date
    zone_id: int | None
    contact_rule: dict[str, int]
    reps: list[RepRow]
    days: list[RepDay]
    off_site: list[OffSiteVisit]
    off_site_total: int
    uncontacted: list[Uncontacted]
    uncontacted_total: int
