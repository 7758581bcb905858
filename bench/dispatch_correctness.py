"""(c) offers.offer_next against a brute force over all engineers, on 1,000 random scenarios."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from backend import db
from backend.settings import get_settings
from backend.workorders import offers
from bench._brute_force import TIE_KM, BruteForce, brute_force, read_everything
from bench._edge_cases import edge_cases
from bench._scenarios import JOB_ID, PRODUCTS, Drawer, Scenario, seed_reference, seed_scenario
from bench._scratch import scratch_database
from bench._timing import Stopwatch
from bench._world import NOW
from dispatch.geo import bounding_box
from dispatch.models import Position

SCENARIOS = 1000
SEED = 20261123


@dataclass
class Outcome:
    agree: bool
    store_pick: int | None
    store_km: float | None
    brute: BruteForce
    ms: float


async def decide(s: Scenario, now: datetime) -> Outcome:
    """Seed, read for the brute force, run offer_next, roll everything back."""
    async with db.engine.transaction() as tx:
        await seed_scenario(s)
        rows = await read_everything()
        with Stopwatch() as sw:
            offer = await offers.offer_next(JOB_ID, now)
        await tx.rollback()
    brute = brute_force(rows, JOB_ID, now)
    store_pick = None if offer is None else offer.engineer_id
    brute_pick = None if brute.pick is None else brute.pick.engineer_id
    agree = store_pick == brute_pick and (
        offer is None
        or brute.pick is None
        or abs(offer.distance_km - brute.pick.distance_km) < 1e-6
    )
    return Outcome(agree, store_pick, None if offer is None else offer.distance_km, brute, sw.ms)


async def box_membership(
    s: Scenario, now: datetime, engineer_id: int, until_km: float | None
) -> list[str]:
    """Whether a copy of offer_next's box query returns the engineer, radius by radius."""
    lines = []
    async with db.engine.transaction() as tx:
        await seed_scenario(s)
        product = next(p for p in PRODUCTS if p[0] == s.product)
        for radius in offers.SEARCH_RADII_KM:
            box = bounding_box(Position(*s.job), radius)
            rows = await db.fetch(
                offers.FREE_ENGINEERS + offers.WITH_SKILL + offers.IN_BOX,
                product[1],
                now - get_settings().position_max_age,
                box.min_lat,
                box.max_lat,
                box.min_lng,
                box.max_lng,
            )
            found = any(r["id"] == engineer_id for r in rows)
            lines.append(f"      returned by the {radius:g} km box query: {found}")
            if until_km is not None and until_km <= radius:
                break
        await tx.rollback()
    return lines


def explain(label: str, s: Scenario, o: Outcome) -> list[str]:
    """The details of a disagreement: both picks, their scores, and where the boxes reached."""
    lines = [
        f"  DISAGREE {label}: style {s.style}, {len(s.users)} users, {len(s.zones)} zones, "
        f"job at {s.job[0]:.6f},{s.job[1]:.6f} product {s.product}",
        f"    offers.offer_next -> {o.store_pick} "
        + ("" if o.store_km is None else f"at {o.store_km:.4f} km"),
    ]
    by_id = {p.engineer_id: p for p in o.brute.ranked}
    if o.store_pick in by_id:
        p = by_id[o.store_pick]
        lines.append(f"    store's pick in the brute force: key {p.key}, from {p.origin}")
    elif o.store_pick is not None:
        lines.append("    store's pick is NOT eligible by the brute force's rules")
    if o.brute.pick is not None:
        p = o.brute.pick
        lines.append(
            f"    brute force   -> {p.engineer_id} key {p.key}, from {p.origin} {p.origin_at}"
        )
    lines.append(f"    runner-up keys: {[p.key for p in o.brute.ranked[:4]]}")
    return lines


async def details(label: str, s: Scenario, o: Outcome, now: datetime) -> list[str]:
    lines = explain(label, s, o)
    if o.brute.pick is not None:
        lines += await box_membership(s, now, o.brute.pick.engineer_id, o.store_km)
    return lines


def describe_coverage(scenarios: Sequence[Scenario], outcomes: Sequence[Outcome]) -> list[str]:
    """What the random scenarios exercised, so agreement is not agreement on easy cases only."""
    styles = Counter(s.style for s in scenarios)
    nobody = sum(1 for o in outcomes if o.brute.pick is None)
    zoned = sum(1 for s in scenarios if s.zones)
    excluded = sum(1 for s in scenarios if s.events)
    radii: Counter[str] = Counter()
    tie_band = parts = load = at_edge = 0
    for o in outcomes:
        if o.brute.pick is None:
            continue
        d = o.brute.pick.distance_km
        radii[next((f"{r:g} km" for r in offers.SEARCH_RADII_KM if d <= r), "beyond")] += 1
        at_edge += any(r - TIE_KM / 2 < d <= r for r in offers.SEARCH_RADII_KM)
        if len(o.brute.ranked) > 1 and o.brute.ranked[1].key[0] == o.brute.pick.key[0]:
            tie_band += 1
            runner = o.brute.ranked[1]
            if runner.key[1] != o.brute.pick.key[1]:
                parts += 1
            elif runner.key[2] != o.brute.pick.key[2]:
                load += 1
    eligible = [o.brute.eligible for o in outcomes]
    left_out: Counter[str] = Counter()
    for o in outcomes:
        left_out.update(o.brute.left_out)
    return [
        "  styles: "
        + ", ".join(f"{k} {v}" for k, v in styles.items())
        + f"; with zones {zoned}; with earlier offers {excluded}",
        f"  eligible engineers per scenario: mean {sum(eligible) / len(eligible):.1f}, "
        f"none at all in {nobody}",
        "  users ruled out: " + ", ".join(f"{k} {v}" for k, v in left_out.most_common()),
        "  best pick within: "
        + ", ".join(
            f"{k} {radii[k]}" for k in [*(f"{r:g} km" for r in offers.SEARCH_RADII_KM), "beyond"]
        )
        + f"; within {TIE_KM / 2 * 1000:.0f} m below a search radius: {at_edge}",
        f"  best distance band shared by 2+ engineers in {tie_band} scenarios "
        f"(decided by van parts in {parts}, by the day's load in {load}, else by distance/id)",
    ]


async def run() -> None:
    now = NOW
    async with scratch_database("correctness"):
        await seed_reference()
        drawer = Drawer(SEED)
        scenarios = [drawer.scenario(now) for _ in range(SCENARIOS)]
        with Stopwatch() as total:
            outcomes = [await decide(s, now) for s in scenarios]
        agreed = sum(o.agree for o in outcomes)
        print(
            f"(c) {SCENARIOS} random scenarios (seed {SEED}; 5-60 users each, random positions, "
            f"skills, fresh/stale pings, duty, open jobs, earlier offers, zones sometimes)"
        )
        print(
            f"agreement offers.offer_next vs brute force over all engineers: {agreed}/{SCENARIOS}"
            f" = {agreed / SCENARIOS:.3f}"
        )
        for line in describe_coverage(scenarios, outcomes):
            print(line)
        for n, (s, o) in enumerate(zip(scenarios, outcomes, strict=True)):
            if not o.agree:
                for line in await details(f"scenario {n}", s, o, now):
                    print(line)
        ms = sorted(o.ms for o in outcomes)
        print(
            f"  ({total.ms / 1000:.1f} s in all; offer_next median {ms[len(ms) // 2]:.2f} ms "
            "on these small worlds)"
        )

        edges = [(label, s, await decide(s, now)) for label, s in edge_cases(now)]
        print(
            "edge cases at the rules' boundaries (hand-built, not counted above): "
            f"{sum(o.agree for _, _, o in edges)}/{len(edges)} agree"
        )
        for label, s, o in edges:
            verdict = "agree" if o.agree else "DISAGREE"
            brute_pick = None if o.brute.pick is None else o.brute.pick.engineer_id
            print(f"  {verdict}: {label}: store {o.store_pick}, brute force {brute_pick}")
            if not o.agree:
                for line in (await details(label, s, o, now))[1:]:
                    print(line)


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
