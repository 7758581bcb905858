"""(a) One dispatch decision (offers.offer_next) with 5,000 engineers and 100,000 past orders."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend import db
from backend.workorders import offers
from bench._scratch import scratch_database
from bench._timing import Stopwatch, median, percentile, summary_ms
from bench._world import NOW, World, WorldSpec, describe, seed_world
from dispatch.assign import effective_position, is_eligible, nearest_eligible
from dispatch.geo import bounding_box, pair_distances_km, zone_covers
from dispatch.models import Assignment

DECISIONS = 500
WARMUP = 30
COMMITTED = 100
GOAL_P99_MS = 10.0
# A copy of the candidate query offer_next runs at each radius, minus the row lock: counting only.
BOX_QUERY = offers.FREE_ENGINEERS + offers.WITH_SKILL + offers.IN_BOX
ALL_QUERY = offers.FREE_ENGINEERS + offers.WITH_SKILL


def query_kind(sql: str) -> str:
    """Which step of offer_next a logged statement belongs to."""
    if "FROM work_order w JOIN account" in sql:
        return "job row + excluded (lock)"
    if "FROM part_usage" in sql:
        return "parts history of the model"
    if "FROM zone" in sql:
        return "zones"
    if "FROM app_user u" in sql:
        return "candidates (bbox, lock)"
    if "FROM stock" in sql:
        return "van stock of candidates"
    if "count(*) AS n FROM work_order" in sql:
        return "jobs today of candidates"
    if sql.lstrip().startswith("UPDATE work_order"):
        return "write offer (UPDATE)"
    if "INSERT INTO work_order_event" in sql:
        return "write offer event (INSERT)"
    return "other"


@dataclass
class Timings:
    select1: list[float]
    pk_lookup: list[float]
    decision: list[float]
    transaction: list[float]  # BEGIN .. offer_next .. ROLLBACK, with the pool acquire
    offers: dict[int, Assignment | None]


async def timed_decision(world: World, job_id: int, rng: random.Random, t: Timings) -> None:
    """One decision in its own transaction, rolled back: every one sees the same free engineers.

    The two baselines run in the same transaction just before, on the same connection.
    """
    past_id = rng.choice(world.past_order_ids)
    with Stopwatch() as whole:
        async with db.engine.transaction() as tx:
            with Stopwatch() as sw:
                await db.fetchval("SELECT 1")
            t.select1.append(sw.ms)
            with Stopwatch() as sw:
                await db.fetchrow("SELECT * FROM work_order WHERE id = $1", past_id)
            t.pk_lookup.append(sw.ms)
            with Stopwatch() as sw:
                t.offers[job_id] = await offers.offer_next(job_id, NOW)
            t.decision.append(sw.ms)
            await tx.rollback()
    t.transaction.append(whole.ms - t.select1[-1] - t.pk_lookup[-1])


async def timed_decisions(world: World, jobs: Sequence[int]) -> Timings:
    """Every job decided once, with its baselines."""
    rng = random.Random(11)
    timings = Timings([], [], [], [], {})
    for job_id in jobs:
        await timed_decision(world, job_id, rng, timings)
    return timings


async def query_breakdown(
    jobs: Sequence[int],
) -> tuple[dict[str, float], Counter[str], list[float]]:
    """offer_next again under asyncpg's query logger: ms per step, calls, and the rest (Python)."""
    total_ms: dict[str, float] = defaultdict(float)
    decisions: Counter[str] = Counter()  # in how many decisions each step ran
    python_ms: list[float] = []
    for job_id in jobs:
        logged: list[Any] = []
        async with db.engine.transaction() as tx:
            with tx.connection.query_logger(logged.append), Stopwatch() as sw:
                await offers.offer_next(job_id, NOW)
            await tx.rollback()
        spent = 0.0
        for record in logged:
            total_ms[query_kind(record.query)] += record.elapsed * 1000
            spent += record.elapsed * 1000
        decisions.update({query_kind(r.query) for r in logged})
        python_ms.append(sw.ms - spent)
    return total_ms, decisions, python_ms


@dataclass
class Probe:
    deciding_radius: float | None
    rows_at_decision: int
    rows_total: int
    eligible_at_decision: int
    contenders: int  # within distance_tie_km of the nearest: 2+ means history, vans, load are read
    decide_ms: float  # the Python part on the deciding rows: objects, eligibility, distances, rank
    engineer_id: int | None


async def probe_candidates(job_id: int, now: datetime) -> Probe:
    """Replays offer_next's widening with a copy of its query, counting what each box returns."""
    async with db.engine.transaction() as tx:
        row = await db.fetchrow(offers.JOB_SELECT + " WHERE w.id = $1", job_id)
        assert row is not None
        job = offers._job(row)
        zones = await offers._zones()
        covering = zone_covers(zones, job.position) if zones is not None else None
        rules = offers.rules()
        rows_total, best, eligible, contenders, decide_ms = 0, None, [], [], 0.0
        for radius in (*offers.SEARCH_RADII_KM, None):
            if radius is None:
                rows = await db.fetch(ALL_QUERY, job.required_skill)
            else:
                box = bounding_box(job.position, radius)
                rows = await db.fetch(
                    BOX_QUERY,
                    job.required_skill,
                    now - rules.position_max_age,
                    box.min_lat,
                    box.max_lat,
                    box.min_lng,
                    box.max_lng,
                )
            rows_total += len(rows)
            with Stopwatch() as sw:
                engineers = [offers._engineer(r, {}, {}) for r in rows]
                eligible = [e for e in engineers if is_eligible(e, job, covering)]
                if eligible:
                    origins = [effective_position(e, now, rules) for e in eligible]
                    distances = pair_distances_km(
                        [(p.lat, p.lng) for p in origins],
                        [(job.position.lat, job.position.lng)] * len(origins),
                    )
                    nearest = float(distances.min())
            decide_ms = sw.ms
            if not eligible or (radius is not None and nearest + rules.distance_tie_km > radius):
                continue
            cutoff = nearest + rules.distance_tie_km + 1e-6
            contenders = [e for e, d in zip(eligible, distances, strict=True) if d <= cutoff]
            if len(contenders) > 1:
                job = await offers._with_history(row)
                by_id = {r["id"]: r for r in rows}
                contenders = await offers._engineers([by_id[e.id] for e in contenders], now)
            with Stopwatch() as sw:
                best = nearest_eligible(job, contenders, now, rules, covering)
            decide_ms += sw.ms
            if best is not None:
                break
        await tx.rollback()
    return Probe(
        radius,
        len(rows),
        rows_total,
        len(eligible),
        len(contenders),
        decide_ms,
        None if best is None else best.engineer_id,
    )


async def committed_decisions(jobs: Sequence[int]) -> list[float]:
    """offers.dispatch_job as the app runs it (its own transaction, COMMIT), then released again."""
    timings = []
    for job_id in jobs:
        with Stopwatch() as sw:
            offer = await offers.dispatch_job(job_id, NOW)
        timings.append(sw.ms)
        if offer is not None:  # back to the queue, so the world stays the same for the next one
            async with db.engine.transaction():
                await db.execute(
                    "UPDATE work_order SET status = 'new', engineer = NULL, distance_km = NULL, "
                    "offered_at = NULL, offer_expires_at = NULL WHERE id = $1",
                    job_id,
                )
                await db.execute(
                    "DELETE FROM work_order_event WHERE work_order = $1 AND kind = 'offered' "
                    "AND at = $2",
                    job_id,
                    NOW,
                )
    return timings


def chosen(offer: Assignment | None) -> int | None:
    return None if offer is None else offer.engineer_id


def radius_label(radius: float | None) -> str:
    return "all" if radius is None else f"{radius:g} km"


async def run() -> None:
    async with scratch_database("single"):
        world = await seed_world(WorldSpec())
        spec = world.spec
        print(
            f"(a) one dispatch decision: {spec.engineers:,} engineers "
            f"({round(spec.busy_share * spec.engineers)} holding an open job), "
            f"{spec.past_orders:,} past work orders, {spec.zone_grid**2} zones, "
            f"{len(world.new_job_ids)} waiting jobs"
        )
        print(describe(world))
        jobs = world.new_job_ids[:DECISIONS]
        await timed_decisions(world, jobs[:WARMUP])  # warm caches, prepared statements
        t = await timed_decisions(world, jobs)
        offered = sum(1 for offer in t.offers.values() if offer is not None)
        print(
            f"{len(jobs)} decisions ({WARMUP} warm-up not counted), each in a transaction rolled "
            f"back afterwards; {offered} found an engineer"
        )
        print(f"  SELECT 1 round trip             {summary_ms(t.select1)}")
        print(f"  primary-key lookup (work_order) {summary_ms(t.pk_lookup)}")
        print(f"  offers.offer_next                {summary_ms(t.decision)}")
        print(f"  + BEGIN/ROLLBACK, pool acquire  {summary_ms(t.transaction)}")
        p99 = percentile(t.decision, 99)
        print(f"ratio offer_next p99 / SELECT 1 p99:  {p99 / percentile(t.select1, 99):6.1f}")
        print(
            f"ratio offer_next p50 / SELECT 1 p50:  {median(t.decision) / median(t.select1):6.1f}"
        )
        print(f"ratio offer_next p99 / PK lookup p99: {p99 / percentile(t.pk_lookup, 99):6.1f}")
        print(
            f"goal p99 <= {GOAL_P99_MS:g} ms: {'met' if p99 <= GOAL_P99_MS else 'NOT met'} "
            f"(p99 {p99:.2f} ms on this machine)"
        )

        total_ms, decisions, python_ms = await query_breakdown(jobs)
        print(
            "where the time goes (same decisions again under the query logger; "
            "mean ms per decision over all of them):"
        )
        for kind, ms in sorted(total_ms.items(), key=lambda kv: -kv[1]):
            print(f"  {kind:32s} {ms / len(jobs):6.3f}  (run in {decisions[kind]} decisions)")
        print(f"  {'Python (rows, distances, rank)':32s} {sum(python_ms) / len(python_ms):6.3f}")

        probes = [await probe_candidates(job_id, NOW) for job_id in jobs]
        agree = sum(
            1
            for job_id, p in zip(jobs, probes, strict=True)
            if p.engineer_id == chosen(t.offers[job_id])
        )
        radii = Counter(radius_label(p.deciding_radius) for p in probes)
        print(
            "candidates from the bbox SQL (a copy of the query, replaying the widening; "
            f"its choice agrees with offer_next in {agree}/{len(jobs)}):"
        )
        print(
            "  deciding radius: "
            + ", ".join(
                f"{label} {radii[label]}"
                for label in [radius_label(r) for r in (*offers.SEARCH_RADII_KM, None)]
                if radii[label]
            )
        )
        rows = [p.rows_at_decision for p in probes]
        print(
            f"  rows returned by the deciding query: mean {sum(rows) / len(rows):.1f}, "
            f"median {median(rows):.0f}, p99 {percentile(rows, 99):.0f}, max {max(rows)}"
        )
        totals = [p.rows_total for p in probes]
        eligible = [p.eligible_at_decision for p in probes]
        print(
            f"  rows over all widening steps: mean {sum(totals) / len(totals):.1f}; "
            f"after the skill, zone and exclusion rules: mean {sum(eligible) / len(eligible):.1f}"
        )
        ties = sum(1 for p in probes if p.contenders > 1)
        print(
            f"  best distance band shared by 2+ engineers (parts history, vans, load read): "
            f"{ties}/{len(jobs)}"
        )
        decide = [p.decide_ms for p in probes]
        ratio = median(decide) / median(t.decision)
        print(
            f"  Python on the deciding rows (objects, eligibility, vectorised distances, rank): "
            f"{summary_ms(decide)} (ratio to offer_next p50: {ratio:.2f})"
        )

        committed = await committed_decisions(jobs[:COMMITTED])
        print(
            f"committed path (offers.dispatch_job: own transaction + COMMIT, then released), "
            f"{len(committed)} decisions:"
        )
        print(f"  offers.dispatch_job              {summary_ms(committed)}")
        ratio = percentile(committed, 99) / percentile(t.select1, 99)
        print(f"  ratio p99 / SELECT 1 p99: {ratio:.1f}")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
