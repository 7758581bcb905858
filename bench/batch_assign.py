"""Batch dispatch of a 1,000-job backlog to 1,000 engineers: optimal assignment against greedy."""

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from dispatch.assign import assign_batch, assign_greedy
from dispatch.models import Assignment, DispatchRules, Engineer, Job, Position

N_JOBS = N_ENGINEERS = 1000
SHANGHAI = (31.23, 121.47)
RADIUS_KM = 40.0
RUNS = 7
NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def around_shanghai(rng: np.random.Generator, n: int) -> list[Position]:
    # Uniform over a 40 km disc; a local plane is plenty for placing test points.
    reach = RADIUS_KM * np.sqrt(rng.random(n))
    bearing = rng.uniform(0, 2 * np.pi, n)
    lat = SHANGHAI[0] + reach * np.cos(bearing) / 110.6
    lng = SHANGHAI[1] + reach * np.sin(bearing) / (111.3 * np.cos(np.radians(SHANGHAI[0])))
    return [Position(float(a), float(b)) for a, b in zip(lat, lng, strict=True)]


def backlog(rng: np.random.Generator) -> tuple[list[Job], list[Engineer]]:
    """A start-of-shift backlog: some urgent and VIP jobs, some needing a skill."""
    jobs = []
    for i, position in enumerate(around_shanghai(rng, N_JOBS)):
        roll = rng.random()
        jobs.append(
            Job(
                i + 1,
                position,
                created_at=NOW - timedelta(minutes=int(rng.integers(0, 720))),
                required_skill=str(rng.choice(["boiler", "hvac"])) if rng.random() < 0.3 else None,
                priority="urgent" if roll < 0.1 else "high" if roll < 0.3 else "normal",
                vip=bool(rng.random() < 0.05),
            )
        )
    homes, pings = around_shanghai(rng, N_ENGINEERS), around_shanghai(rng, N_ENGINEERS)
    engineers = [
        Engineer(
            10_000 + i,
            home=home,
            last_position=ping,
            # Half reported a minute ago, half an hour ago (stale: measured from home).
            last_seen_at=NOW - timedelta(minutes=1 if i % 2 else 30),
            skills=frozenset(s for s in ("boiler", "hvac") if rng.random() < 0.8),
        )
        for i, (home, ping) in enumerate(zip(homes, pings, strict=True))
    ]
    return jobs, engineers


def median_ms(run: Callable[[], list[Assignment]]) -> tuple[float, list[Assignment]]:
    timings, result = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def main() -> None:
    jobs, engineers = backlog(np.random.default_rng(20250303))
    rules = DispatchRules()
    covering = {job.id: None for job in jobs}  # no zones: every engineer may serve anywhere

    batch_ms, batch = median_ms(lambda: assign_batch(jobs, engineers, NOW, rules, covering))
    greedy_ms, greedy = median_ms(lambda: assign_greedy(jobs, engineers, NOW, rules, covering))
    batch_km = sum(a.distance_km for a in batch)
    greedy_km = sum(a.distance_km for a in greedy)

    print(f"backlog: {N_JOBS} jobs x {N_ENGINEERS} engineers within {RADIUS_KM:.0f} km of Shanghai")
    print(f"median of {RUNS} runs each, same process")
    print(
        f"batch  (linear_sum_assignment): served {len(batch):4d}, "
        f"total {batch_km:9.1f} km, mean {batch_km / len(batch):5.2f} km, {batch_ms:7.1f} ms"
    )
    print(
        f"greedy (nearest, service order): served {len(greedy):4d}, "
        f"total {greedy_km:9.1f} km, mean {greedy_km / len(greedy):5.2f} km, {greedy_ms:7.1f} ms"
    )
    print(f"distance ratio batch/greedy: {batch_km / greedy_km:.3f}")
    print(f"time ratio batch/greedy: {batch_ms / greedy_ms:.2f}")


if __name__ == "__main__":
    main()
