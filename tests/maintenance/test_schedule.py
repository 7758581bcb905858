"""Due days of maintenance plans at their edges: month ends, leap years, horizon, contract end,
after completion (pure: backend/maintenance/schedule.py)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.maintenance.schedule import (
    Generate,
    Plan,
    Unit,
    add_months,
    next_after_completion,
    next_scheduled_due,
    scheduled_dues,
    window,
)

FAR = date(2099, 12, 31)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2027, 1, 31), 2, date(2027, 3, 31)),  # counted from the start, not from Feb 28
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_a_monthly_plan_from_january_31_keeps_the_month_ends():
    plan = Plan(every=1, unit=Unit.MONTH, horizon_days=366)
    dues = list(scheduled_dues(date(2028, 1, 31), FAR, plan, date(2028, 1, 31)))
    assert dues[:5] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
    ]
    assert len(dues) == 13  # 31 Jan 2028 … 31 Jan 2029 is 366 days: the last one is in


def test_a_yearly_plan_begun_on_february_29():
    plan = Plan(every=1, unit=Unit.YEAR, horizon_days=366 * 4)
    dues = list(scheduled_dues(date(2028, 2, 29), FAR, plan, date(2028, 3, 1)))
    assert dues == [
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_only_today_up_to_the_horizon_and_never_past_the_contract_end():
    plan = Plan(every=1, unit=Unit.WEEK, horizon_days=30)
    today = date(2027, 6, 10)
    dues = list(scheduled_dues(date(2027, 1, 1), FAR, plan, today))
    assert dues[0] >= today
    assert dues[-1] <= date(2027, 7, 10)
    assert all((d - date(2027, 1, 1)).days % 7 == 0 for d in dues)
    assert len(dues) == 5
    ended = list(scheduled_dues(date(2027, 1, 1), date(2027, 6, 20), plan, today))
    assert ended == [date(2027, 6, 11), date(2027, 6, 18)]


def test_a_long_running_plan_is_not_walked_from_its_first_day():
    plan = Plan(every=2, unit=Unit.DAY, horizon_days=5)
    assert list(scheduled_dues(date(2000, 1, 2), FAR, plan, date(2027, 1, 1))) == [
        date(2027, 1, 2),
        date(2027, 1, 4),
        date(2027, 1, 6),
    ]


def test_after_completion_counts_from_the_day_the_last_was_done():
    plan = Plan(every=3, unit=Unit.MONTH, horizon_days=30, generate=Generate.AFTER_COMPLETION)
    start = date(2027, 1, 10)
    assert next_after_completion(start, FAR, plan, date(2027, 1, 5), None) == start
    # Done late (on 20 February): the next is three months after that, outside the horizon yet.
    assert next_after_completion(start, FAR, plan, date(2027, 2, 20), date(2027, 2, 20)) is None
    assert next_after_completion(start, FAR, plan, date(2027, 5, 1), date(2027, 2, 20)) == date(
        2027, 5, 20
    )
    # Overdue (the last done long ago): due today, never in the past.
    assert next_after_completion(start, FAR, plan, date(2028, 1, 1), date(2027, 2, 20)) == date(
        2028, 1, 1
    )
    assert next_after_completion(start, date(2027, 4, 1), plan, date(2027, 5, 1), None) is None


def test_the_window_is_the_tolerance_around_the_due_day():
    plan = Plan(every=1, unit=Unit.MONTH, early_days=2, late_days=5)
    assert window(date(2027, 3, 1), plan) == (date(2027, 2, 27), date(2027, 3, 6))


def test_the_next_due_is_the_first_past_the_horizon_or_none_after_the_end():
    weekly = Plan(every=1, unit=Unit.WEEK, horizon_days=30)
    today = date(2027, 6, 10)
    made = list(scheduled_dues(date(2027, 1, 1), FAR, weekly, today))
    following = next_scheduled_due(date(2027, 1, 1), FAR, weekly, today)
    assert following is not None
    assert following > date(2027, 7, 10) >= made[-1]
    assert (following - made[-1]).days == 7
    # From 31 January monthly, the horizon of 31 January reaches 2 March: 28 February is made,
    # 31 March comes next (counted from the start, not from the shorter month).
    monthly = Plan(every=1, unit=Unit.MONTH, horizon_days=30)
    jan31 = date(2027, 1, 31)
    assert list(scheduled_dues(jan31, FAR, monthly, jan31)) == [jan31, date(2027, 2, 28)]
    assert next_scheduled_due(jan31, FAR, monthly, jan31) == date(2027, 3, 31)
    assert next_scheduled_due(date(2027, 1, 1), date(2027, 7, 12), weekly, today) is None
