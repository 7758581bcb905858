"""When a maintenance plan's visits fall due: pure date arithmetic, no database.

A `scheduled` plan keeps a fixed calendar counted from the contract's first day: the k-th visit is
`starts_on + k × every unit`, each counted from the start (never from the visit before), so a plan
begun on 31 January falls on 28 (or 29) February, then on 31 March again. An `after_completion`
plan counts the next visit from the day the last one was done.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Unit(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Generate(StrEnum):
    SCHEDULED = "scheduled"
    AFTER_COMPLETION = "after_completion"


@dataclass(frozen=True)
class Plan:
    every: int
    unit: Unit
    horizon_days: int = 30
    early_days: int = 3
    late_days: int = 3
    generate: Generate = Generate.SCHEDULED


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def step(start: date, plan: Plan, k: int) -> date:
    """The k-th due day after start (k = 0 is start itself)."""
    n = plan.every * k
    if plan.unit == Unit.DAY:
        return start + timedelta(days=n)
    if plan.unit == Unit.WEEK:
        return start + timedelta(weeks=n)
    if plan.unit == Unit.MONTH:
        return add_months(start, n)
    return add_months(start, 12 * n)


def scheduled_dues(starts_on: date, ends_on: date, plan: Plan, today: date) -> Iterator[date]:
    """The fixed calendar's due days from today up to the horizon and the contract's end."""
    last = min(ends_on, today + timedelta(days=plan.horizon_days))
    k = _first_k(starts_on, plan, today)
    while (due := step(starts_on, plan, k)) <= last:
        if due >= today:
            yield due
        k += 1


def next_scheduled_due(starts_on: date, ends_on: date, plan: Plan, today: date) -> date | None:
    """The fixed calendar's first due day past today's horizon (what a round on `today` did not
    make yet), or None when the contract ends first."""
    horizon = today + timedelta(days=plan.horizon_days)
    k = _first_k(starts_on, plan, horizon)
    while (due := step(starts_on, plan, k)) <= horizon:
        k += 1
    return due if due <= ends_on else None


def _first_k(starts_on: date, plan: Plan, today: date) -> int:
    """A k whose due day is not after today's, found without walking a long past one by one."""
    if today <= starts_on:
        return 0
    days = (today - starts_on).days
    per = {Unit.DAY: 1, Unit.WEEK: 7, Unit.MONTH: 31, Unit.YEAR: 366}[plan.unit] * plan.every
    return max(days // per - 1, 0)


def next_after_completion(
    starts_on: date, ends_on: date, plan: Plan, today: date, last_done: date | None
) -> date | None:
    """The one next visit of an after_completion plan, if it falls within the horizon: the first
    on the start day, each later one a step after the last was done (never before today)."""
    due = starts_on if last_done is None else step(last_done, plan, 1)
    due = max(due, today)
    if due > ends_on or due > today + timedelta(days=plan.horizon_days):
        return None
    return due


def window(due: date, plan: Plan) -> tuple[date, date]:
    """The first and last day the visit may be made on."""
    return due - timedelta(days=plan.early_days), due + timedelta(days=plan.late_days)
