"""Cost of choosing one job's engineer (nearest_eligible) over just measuring every distance."""

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
from geopy.distance import geodesic

from dispatch.assign import nearest_eligible
from dispatch.models import DispatchRules, Engineer, Job, Position

N_CANDIDATES = 50
CALLS = 20  # per timed batch
RUNS = 15
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def candidates(rng: np.random.Generator) -> tuple[Job, list[Engineer]]:
    """One job and the 50 engineers a bounding-box query around it would hand over."""
    job = Job(
        1,
        Position(31.2304, 121.4737),
        created_at=NOW,
        required_skill="boiler",
        history_part_ids=frozenset({3, 7, 11}),
    )
    engineers = []
    for i in range(N_CANDIDATES):
        home = Position(31.23 + rng.uniform(-0.09, 0.09), 121.47 + rng.uniform(-0.1, 0.1))
        ping = Position(31.23 + rng.uniform(-0.09, 0.09), 121.47 + rng.uniform(-0.1, 0.1))
        engineers.append(
            Engineer(
                i + 1,
                home=home,
                last_position=ping,
                last_seen_at=NOW - timedelta(minutes=int(rng.integers(0, 30))),
                # Every candidate qualifies, so both sides measure the same 50 distances.
                skills=frozenset({"boiler", "hvac"}),
                van_parts=frozenset(int(p) for p in rng.choice(20, 4, replace=False)),
                jobs_today=int(rng.integers(0, 5)),
            )
        )
    return job, engineers


def median_us_per_call(run: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(CALLS):
            run()
        timings.append((time.perf_counter() - started) / CALLS * 1e6)
    return statistics.median(timings)


def main() -> None:
    job, engineers = candidates(np.random.default_rng(7))
    rules = DispatchRules()
    site = (job.position.lat, job.position.lng)
    # The same origins nearest_eligible will measure from (fresh ping, else home).
    origins = [
        (e.last_position.lat, e.last_position.lng)
        if e.last_position is not None
        and e.last_seen_at is not None
        and NOW - e.last_seen_at < rules.position_max_age
        else (e.home.lat, e.home.lng)
        for e in engineers
    ]

    def baseline() -> float:
        return min(geodesic(origin, site).km for origin in origins)

    def dispatch() -> object:
        return nearest_eligible(job, engineers, NOW, rules, None)

    baseline_us = median_us_per_call(baseline)
    dispatch_us = median_us_per_call(dispatch)
    best = nearest_eligible(job, engineers, NOW, rules, None)

    print(f"one job, {N_CANDIDATES} eligible candidates; median of {RUNS} x {CALLS} calls")
    print(f"baseline (plain geopy geodesic loop): {baseline_us:8.1f} us per job")
    print(f"nearest_eligible (filter + score):    {dispatch_us:8.1f} us per job")
    print(f"ratio nearest_eligible/baseline: {dispatch_us / baseline_us:.3f}")
    print(f"chosen: {best}")


if __name__ == "__main__":
    main()
