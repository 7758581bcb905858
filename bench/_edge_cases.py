"""The hand-built edge cases of bench (c): scenarios at the dispatch rules' boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta

from geopy.distance import geodesic

from backend.settings import get_settings
from bench._scenarios import JOB_ID, Scenario, order_row
from bench._scratch import Row
from bench._world import SHANGHAI


def edge_cases(now: datetime) -> list[tuple[str, Scenario]]:
    """Hand-built cases at the rules' boundaries, reported apart from the random scenarios.

    Each once made offer_next differ from the core's ranking; they guard the fix.
    """
    north = 0.0
    job = SHANGHAI

    def at(km: float) -> tuple[float, float]:
        point = geodesic(kilometers=km).destination(job, north)
        return (point.latitude, point.longitude)

    def engineer(
        uid: int, home: tuple[float, float], last: tuple[float, float] | None, seen: datetime | None
    ) -> Row:
        return (
            uid,
            f"E{uid}",
            f"e{uid}@bench.fieldline.test",
            "engineer",
            "x",
            True,
            "en",
            ["boiler"],
            home[0],
            home[1],
            "available",
            last[0] if last else None,
            last[1] if last else None,
            seen,
            None,
        )

    fresh = now - timedelta(minutes=1)
    # 1. Same 0.1 km band either side of the 5 km radius; the one outside has the model's part.
    band = Scenario(style="edge", job=job, product=1)
    band.users = [engineer(1, at(4.98), None, None), engineer(2, at(5.03), None, None)]
    band.stock = [(7, 2, 1)]
    band.orders = [
        order_row(1, 1, "completed", None, job, now - timedelta(days=3), now - timedelta(days=3)),
        order_row(JOB_ID, 1, "new", None, job, now - timedelta(minutes=9)),
    ]
    band.usage = [(1, 7, 1)]
    # 2. A position exactly position_max_age old: stale for the core, so the box must measure
    #    that engineer from home too (the box query once counted it fresh).
    age = Scenario(style="edge", job=job, product=1)
    age.users = [
        engineer(1, at(1.0), at(30.0), now - get_settings().position_max_age),
        engineer(2, at(3.0), at(3.0), fresh),
    ]
    age.orders = [order_row(JOB_ID, 1, "new", None, job, now - timedelta(minutes=9))]
    # 3. A fresh time without a position (a state the app does not write today): measured from
    #    home, so the home box must find him.
    no_fix = Scenario(style="edge", job=job, product=1)
    no_fix.users = [engineer(1, at(1.0), None, fresh), engineer(2, at(3.0), at(3.0), fresh)]
    no_fix.orders = [order_row(JOB_ID, 1, "new", None, job, now - timedelta(minutes=9))]
    return [
        ("tie band across the 5 km radius (4.98 km vs 5.03 km, parts decide)", band),
        ("position exactly position_max_age old", age),
        ("last_seen_at set, last position NULL (app never writes this)", no_fix),
    ]
