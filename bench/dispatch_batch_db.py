"""(b) Batch dispatch (offers.run_batch) of 1,000 jobs to 1,000 engineers, against greedy."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from backend import db
from backend.workorders import offers
from bench._scratch import scratch_database
from bench._timing import Stopwatch, median
from bench._world import NOW, WorldSpec, describe, seed_world
from dispatch.assign import assign_batch, assign_greedy
from dispatch.geo import zone_covers
from dispatch.models import Assignment, Engineer, Job

T = TypeVar("T")
RUNS = 7
GOAL_MS = 150.0
GOAL_SAVING = 0.25
SPEC = WorldSpec(
    engineers=1000,
    past_orders=20_000,
    new_jobs=1000,
    busy_share=0.0,  # all 1,000 engineers free
    zone_grid=0,  # no zones: anyone may serve anywhere, the widest matching
    accounts=5000,
    devices=8000,
)
# The two statements run_batch reads its inputs with, copied verbatim (locks included).
JOBS_SQL = (
    offers.JOB_SELECT + " WHERE w.status = 'new' AND w.lat IS NOT NULL "
    "ORDER BY w.created_at FOR UPDATE OF w SKIP LOCKED"
)
ENGINEERS_SQL = offers.FREE_ENGINEERS + offers.LOCK
PHASES = (
    "read jobs (1 query)",
    "read free engineers (1 query)",
    "rows to jobs and engineers",
    "zones",
    "assign_batch (pure)",
    "write offers (1 UPDATE + 1 INSERT)",
)


@dataclass
class Run:
    run_batch_ms: float = 0.0
    read_ms: float = 0.0
    select1_ms: float = 0.0
    batch_ms: float = 0.0
    greedy_ms: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    run_batch: list[Assignment] = field(default_factory=list)
    replica: list[Assignment] = field(default_factory=list)
    greedy: list[Assignment] = field(default_factory=list)


async def rolled_back(work: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    """ms of work run inside a transaction that is rolled back, so the backlog stays waiting."""
    async with db.engine.transaction() as tx:
        with Stopwatch() as sw:
            result = await work()
        await tx.rollback()
    return sw.ms, result


async def read_only() -> list[Any]:
    """The database read alone: run_batch's two input queries, nothing else."""
    await db.fetch(JOBS_SQL)
    return await db.fetch(ENGINEERS_SQL)


async def replica(run: Run) -> tuple[list[Job], list[Engineer], dict[int, frozenset[int] | None]]:
    """run_batch step by step with a stopwatch on each step (inside the caller's transaction)."""
    rules = offers.rules()
    with Stopwatch() as sw:
        job_rows = await db.fetch(JOBS_SQL)
    run.phases[PHASES[0]] = sw.ms
    with Stopwatch() as sw:
        engineer_rows = await db.fetch(ENGINEERS_SQL)
    run.phases[PHASES[1]] = sw.ms
    with Stopwatch() as sw:
        jobs = [offers._job(r) for r in job_rows]
        engineers = [offers._engineer(r, {}, {}) for r in engineer_rows]
    run.phases[PHASES[2]] = sw.ms
    with Stopwatch() as sw:
        zones = await offers._zones()
        covering = {
            j.id: zone_covers(zones, j.position) if zones is not None else None for j in jobs
        }
    run.phases[PHASES[3]] = sw.ms
    with Stopwatch() as sw:
        run.replica = assign_batch(jobs, engineers, NOW, rules, covering)
    run.phases[PHASES[4]] = sw.ms
    with Stopwatch() as sw:
        await offers.record_offers(run.replica, NOW)
    run.phases[PHASES[5]] = sw.ms
    return jobs, engineers, covering


async def one_run(index: int) -> Run:
    """Every measurement once, in an order that rotates from run to run (drift-fair)."""
    run = Run()
    inputs: list[tuple[list[Job], list[Engineer], dict[int, frozenset[int] | None]]] = []

    async def measure_run_batch() -> None:
        # run_batch opens its own transaction; inside ours that is a no-op, so ours rolls back.
        ms, result = await rolled_back(lambda: offers.run_batch(NOW))
        run.run_batch_ms, run.run_batch = ms, result

    async def measure_read() -> None:
        run.read_ms, _ = await rolled_back(read_only)

    async def measure_replica() -> None:
        _, result = await rolled_back(lambda: replica(run))
        inputs.append(result)

    async def measure_select1() -> None:
        samples = []
        for _ in range(20):
            with Stopwatch() as sw:
                await db.fetchval("SELECT 1")
            samples.append(sw.ms)
        run.select1_ms = median(samples)

    steps: list[Callable[[], Awaitable[None]]] = [
        measure_run_batch,
        measure_read,
        measure_replica,
        measure_select1,
    ]
    turn = index % len(steps)
    for step in [*steps[turn:], *steps[:turn]]:
        await step()
        # Rolled-back writes leave dead row versions; clear them so every step sees one state.
        await db.execute("VACUUM work_order, work_order_event")

    jobs, engineers, covering = inputs[0]
    rules = offers.rules()
    with Stopwatch() as sw:
        assign_batch(jobs, engineers, NOW, rules, covering)
    run.batch_ms = sw.ms
    with Stopwatch() as sw:
        run.greedy = assign_greedy(jobs, engineers, NOW, rules, covering)
    run.greedy_ms = sw.ms
    return run


def km(assignments: Sequence[Assignment]) -> float:
    return sum(a.distance_km for a in assignments)


def pairs(assignments: Sequence[Assignment]) -> list[tuple[int, int]]:
    return [(a.job_id, a.engineer_id) for a in assignments]


async def run_all() -> None:
    async with scratch_database("batch"):
        world = await seed_world(SPEC)
        print(
            f"(b) batch dispatch: {len(world.new_job_ids):,} waiting jobs x {SPEC.engineers:,} "
            f"free engineers within 40 km of Shanghai, no zones, "
            f"{SPEC.past_orders:,} past work orders"
        )
        print(describe(world))
        await one_run(0)  # warm-up, not counted
        runs = [await one_run(i) for i in range(RUNS)]
        last = runs[-1]

        def med(attr: str) -> float:
            return median([getattr(r, attr) for r in runs])

        print(f"median of {RUNS} runs (1 warm-up not counted); each run rolled back")
        print(f"  offers.run_batch (read + decide + write)  {med('run_batch_ms'):8.1f} ms")
        print(f"  database read alone (its 2 queries)      {med('read_ms'):8.1f} ms")
        print(f"  assign_batch alone (pure, same data)     {med('batch_ms'):8.1f} ms")
        print(f"  assign_greedy alone (pure, same data)    {med('greedy_ms'):8.1f} ms")
        print(f"  SELECT 1 (pool acquire + round trip)     {med('select1_ms'):8.3f} ms")
        print("  run_batch per run: " + ", ".join(f"{r.run_batch_ms:.0f}" for r in runs) + " ms")
        print(f"ratio run_batch / database read alone: {med('run_batch_ms') / med('read_ms'):6.1f}")
        print(
            f"ratio run_batch / assign_greedy:       {med('run_batch_ms') / med('greedy_ms'):6.1f}"
        )
        print(f"ratio assign_batch / assign_greedy:    {med('batch_ms') / med('greedy_ms'):6.2f}")
        met = "met" if med("run_batch_ms") <= GOAL_MS else "NOT met"
        print(f"goal run_batch <= {GOAL_MS:g} ms: {met} ({med('run_batch_ms'):.0f} ms here)")

        batch_km, greedy_km = km(last.run_batch), km(last.greedy)
        saving = 1 - batch_km / greedy_km
        print(
            f"run_batch: served {len(last.run_batch)}, total {batch_km:8.1f} km, "
            f"mean {batch_km / max(len(last.run_batch), 1):.2f} km"
        )
        print(
            f"greedy:    served {len(last.greedy)}, total {greedy_km:8.1f} km, "
            f"mean {greedy_km / max(len(last.greedy), 1):.2f} km"
        )
        print(
            f"distance ratio run_batch/greedy: {batch_km / greedy_km:.3f} "
            f"({saving:.1%} less; goal >= {GOAL_SAVING:.0%}: "
            f"{'met' if saving >= GOAL_SAVING else 'NOT met'})"
        )
        same = all(pairs(r.run_batch) == pairs(r.replica) == pairs(last.run_batch) for r in runs)
        print(f"same assignments in every run (run_batch and its step-by-step copy): {same}")

        print("where run_batch's time goes (a step-by-step copy of it, median ms):")
        for phase in PHASES:
            print(f"  {phase:40s} {median([r.phases[phase] for r in runs]):8.1f}")


def main() -> None:
    asyncio.run(run_all())


if __name__ == "__main__":
    main()
