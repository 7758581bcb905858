"""(c) store.offer_next against a brute force over all engineers, on 1,000 random scenarios."""

from __future__ import annotations

import asyncio
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from geopy.distance import geodesic
from shapely.geometry import Point, Polygon

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a plain checkout

from backend import db
from backend.settings import get_settings
from bench._scratch import Row, copy_rows, reset_sequences, scratch_database
from bench._timing import Stopwatch
from bench._world import (
    EVENT_COLUMNS,
    NOW,
    OPEN_STATUSES,
    SHANGHAI,
    USER_COLUMNS,
    WORK_ORDER_COLUMNS,
    in_disc,
    offset,
)
from dispatch import store
from dispatch.geo import bounding_box
from dispatch.models import Position

SCENARIOS = 1000
SEED = 20261123
SKILLS = ("boiler", "hvac", "lift")
PRODUCTS = ((1, "boiler"), (2, "hvac"), (3, "lift"), (4, None))  # (id, required skill)
PARTS = 12
JOB_ID = 1_000_000
TIE_KM = 0.1  # DispatchRules.distance_tie_km: distances that round alike are a tie
RECENT_REPAIRS = 200  # the parts history reaches back this many completed repairs of the model
# How engineers are placed around the job, per scenario style: (placement, weight).
STYLES: dict[str, tuple[float, dict[str, float]]] = {
    "city": (0.40, {"metro": 0.7, "near": 0.2, "twin": 0.1}),
    "dense": (0.25, {"near": 0.6, "twin": 0.3, "ring": 0.1}),
    "rings": (0.20, {"ring": 0.5, "near": 0.2, "twin": 0.3}),
    "sparse": (0.15, {"far": 0.6, "metro": 0.3, "ring": 0.1}),
}


# --- scenarios -----------------------------------------------------------------------------------


@dataclass
class Scenario:
    """Rows for one small world around one waiting job, and how it was drawn."""

    style: str
    zones: list[Row] = field(default_factory=list)
    users: list[Row] = field(default_factory=list)
    stock: list[Row] = field(default_factory=list)
    orders: list[Row] = field(default_factory=list)
    usage: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    job: tuple[float, float] = SHANGHAI
    product: int = 1


def order_row(
    id_: int,
    product: int,
    status: str,
    engineer: int | None,
    at: tuple[float, float],
    created: datetime,
    completed: datetime | None = None,
) -> Row:
    return (
        id_,
        product,
        1,
        product,
        "staff",
        "bench",
        "normal",
        status,
        engineer,
        None,
        at[0],
        at[1],
        None,
        None,
        completed,
        created,
        completed or created,
    )


class Drawer:
    """Draws scenarios from one seeded Random, always in the same order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def place(
        self, mode: str, job: tuple[float, float], placed: list[tuple[float, float]]
    ) -> tuple[float, float]:
        rng = self.rng
        bearing = rng.uniform(0, 2 * math.pi)
        if mode == "twin" and placed:  # next to someone else: equal distance bands
            return offset(rng.choice(placed), 0.03 * rng.random(), bearing)
        if mode == "near":
            return offset(job, rng.choice((2.0, 6.0, 20.0)) * rng.random(), bearing)
        if mode == "ring":  # just inside or outside one of the search radii
            radius = rng.choice(store.SEARCH_RADII_KM)
            return offset(job, radius + rng.uniform(-0.25, 0.25), bearing)
        if mode == "far":
            return offset(job, rng.uniform(40, 200), bearing)
        return in_disc(rng)

    def zones(self, job: tuple[float, float]) -> list[Row]:
        rng, rows = self.rng, []
        for zone_id in range(1, rng.randint(1, 4) + 1):
            # Around the job most of the time (covering it or not), elsewhere sometimes.
            centre = offset(
                job, rng.choice((0.0, 1.0, 5.0, 30.0)) * rng.random(), rng.uniform(0, 7)
            )
            corners = rng.choice((3, 4, 5))
            ring = [
                offset(centre, rng.uniform(1, 25), 2 * math.pi * k / corners + rng.uniform(0, 1))
                for k in range(corners)
            ]
            rows.append((zone_id, f"zone {zone_id}", json.dumps([list(p) for p in ring])))
        return rows

    def scenario(self, now: datetime) -> Scenario:
        rng = self.rng
        style = rng.choices(list(STYLES), weights=[w for w, _ in STYLES.values()])[0]
        modes = STYLES[style][1]
        s = Scenario(style=style, job=in_disc(rng), product=rng.choice(PRODUCTS)[0])
        if rng.random() < 0.35:
            s.zones = self.zones(s.job)
        placed: list[tuple[float, float]] = []
        open_jobs = 0
        for uid in range(1, rng.randint(5, 60) + 1):
            home = self.place(
                rng.choices(list(modes), weights=list(modes.values()))[0], s.job, placed
            )
            placed.append(home)
            last: tuple[float | None, float | None] = (None, None)
            seen = None
            if rng.random() < 0.75:
                ping = self.place(
                    rng.choices(list(modes), weights=list(modes.values()))[0], s.job, placed
                )
                placed.append(ping)
                last = ping
                minutes = rng.uniform(0, 14.9) if rng.random() < 0.55 else rng.uniform(15.1, 600)
                seen = now - timedelta(minutes=minutes)
            role = "engineer" if rng.random() < 0.95 else rng.choice(("rep", "supervisor"))
            duty = rng.choices(("available", "busy", "off_duty"), weights=(80, 10, 10))[0]
            zone = rng.choice(s.zones)[0] if s.zones and rng.random() < 0.85 else None
            skills = [k for k in SKILLS if rng.random() < 0.6]
            s.users.append(
                (
                    uid,
                    f"Engineer {uid}",
                    f"e{uid}@bench.fieldline.test",
                    role,
                    "x",
                    rng.random() < 0.93,
                    "en",
                    skills,
                    home[0],
                    home[1],
                    duty,
                    last[0],
                    last[1],
                    seen,
                    zone,
                )
            )
            for part in rng.sample(range(1, PARTS + 1), rng.randint(0, 5)):
                s.stock.append((part, uid, rng.randint(0, 3)))
            if rng.random() < 0.12:  # holds an open job already
                open_jobs += 1
                created = now - timedelta(hours=rng.uniform(0.2, 30))
                s.orders.append(
                    order_row(
                        JOB_ID + open_jobs,
                        rng.choice(PRODUCTS)[0],
                        rng.choice(OPEN_STATUSES),
                        uid,
                        in_disc(rng),
                        created,
                    )
                )
        self.history(s, now)
        if rng.random() < 0.3:  # offered before (declined or let lapse): not again
            for uid in rng.sample(range(1, len(s.users) + 1), min(len(s.users), rng.randint(1, 3))):
                at = now - timedelta(minutes=rng.uniform(6, 60))
                s.events.append((JOB_ID, at, "offered", "new", "offered", "system", uid))
                after = rng.choice(("declined", "expired"))
                s.events.append(
                    (JOB_ID, at + timedelta(minutes=5), after, "offered", "new", "system", uid)
                )
        s.orders.append(
            order_row(JOB_ID, s.product, "new", None, s.job, now - timedelta(minutes=9))
        )
        return s

    def history(self, s: Scenario, now: datetime) -> None:
        """Past orders: the model's parts history and who worked in the last 24 hours."""
        rng = self.rng
        for n in range(1, rng.randint(0, 25) + 1):
            product = s.product if rng.random() < 0.5 else rng.choice(PRODUCTS)[0]
            status = rng.choices(("completed", "rated", "cancelled"), weights=(60, 20, 20))[0]
            engineer = rng.randint(1, len(s.users)) if rng.random() < 0.9 else None
            if rng.random() < 0.3:
                created = now - timedelta(hours=rng.uniform(0.5, 23.9))
            else:
                created = now - timedelta(days=rng.uniform(1, 60))
            completed = None
            if status != "cancelled":
                completed = min(created + timedelta(hours=rng.uniform(0.5, 5)), now)
                for part in rng.sample(range(1, PARTS + 1), rng.randint(0, 3)):
                    s.usage.append((n, part, rng.randint(1, 2)))
            s.orders.append(
                order_row(n, product, status, engineer, in_disc(rng), created, completed)
            )


async def seed_reference() -> None:
    """What every scenario shares: products, parts, one account, a device per product."""
    async with db.engine.transaction():
        await copy_rows(
            "product",
            ("id", "sku", "name", "required_skill"),
            [(pid, f"M-{pid}", f"model {pid}", skill) for pid, skill in PRODUCTS],
        )
        await copy_rows(
            "part", ("id", "sku", "name"), [(i, f"P-{i}", f"part {i}") for i in range(1, PARTS + 1)]
        )
        await copy_rows("account", ("id", "name", "name_key"), [(1, "Account", "account")])
        await copy_rows(
            "device",
            ("id", "account", "product", "serial", "qr_token"),
            [(pid, 1, pid, f"SN{pid}", f"token-{pid}") for pid, _ in PRODUCTS],
        )
        await reset_sequences(("product", "part", "account", "device"))


async def seed_scenario(s: Scenario) -> None:
    """Writes the scenario in the caller's transaction (rolled back afterwards)."""
    await copy_rows("zone", ("id", "name", "boundary"), s.zones)
    await copy_rows("app_user", USER_COLUMNS, s.users)
    await copy_rows("stock", ("part", "engineer", "qty"), s.stock)
    await copy_rows("work_order", WORK_ORDER_COLUMNS, s.orders)
    await copy_rows("part_usage", ("work_order", "part", "qty"), s.usage)
    await copy_rows("work_order_event", EVENT_COLUMNS, s.events)


# --- the brute force: plain Python over every engineer, from DESIGN.md's rules ------------------


@dataclass(frozen=True)
class Pick:
    engineer_id: int
    distance_km: float
    key: tuple[int, int, int, float, int]  # band, -parts overlap, jobs today, distance, id
    origin: str  # "last" or "home"
    origin_at: tuple[float, float]


@dataclass
class BruteForce:
    pick: Pick | None
    ranked: list[Pick]
    eligible: int
    left_out: Counter[str]  # users ruled out, by the first rule they fail


async def read_everything() -> dict[str, list[Any]]:
    """Every row of every table the rules look at: simple SELECTs, no box, no filter."""
    tables = (
        "app_user",
        "zone",
        "stock",
        "work_order",
        "work_order_event",
        "part_usage",
        "product",
    )
    return {t: await db.fetch(f"SELECT * FROM {t}") for t in tables}


def brute_force(rows: dict[str, list[Any]], job_id: int, now: datetime) -> BruteForce:
    max_age: timedelta = get_settings().position_max_age
    job = next(w for w in rows["work_order"] if w["id"] == job_id)
    site = (job["lat"], job["lng"])
    skill = next(p["required_skill"] for p in rows["product"] if p["id"] == job["product"])
    covering: set[int] | None = None
    if rows["zone"]:  # zones defined: the engineer's zone must cover the site
        point = Point(site[1], site[0])
        covering = {
            z["id"]
            for z in rows["zone"]
            if Polygon([(lng, lat) for lat, lng in json.loads(z["boundary"])]).covers(point)
        }
    busy = {w["engineer"] for w in rows["work_order"] if w["status"] in OPEN_STATUSES}
    offered = {
        e["engineer"]
        for e in rows["work_order_event"]
        if e["work_order"] == job_id and e["kind"] == "offered"
    }
    repairs = sorted(
        (
            w
            for w in rows["work_order"]
            if w["product"] == job["product"] and w["completed_at"] is not None
        ),
        key=lambda w: w["completed_at"],
        reverse=True,
    )[:RECENT_REPAIRS]
    repair_ids = {w["id"] for w in repairs}
    history = {u["part"] for u in rows["part_usage"] if u["work_order"] in repair_ids}
    ranked = []
    left_out: Counter[str] = Counter()
    for u in rows["app_user"]:
        reason = (
            "not an engineer" if u["role"] != "engineer"
            else "inactive" if not u["active"]
            else "not on duty and available" if u["duty_status"] != "available"
            else "holds an open job" if u["id"] in busy
            else "no home base" if u["home_lat"] is None
            else "lacks the skill" if skill is not None and skill not in u["skills"]
            else "offered this job before" if u["id"] in offered
            else "zone does not cover the site" if covering is not None
            and u["zone"] not in covering
            else None
        )  # fmt: skip
        if reason is not None:
            left_out[reason] += 1
            continue
        fresh = (
            u["last_lat"] is not None
            and u["last_seen_at"] is not None
            and now - u["last_seen_at"] < max_age
        )
        origin = (u["last_lat"], u["last_lng"]) if fresh else (u["home_lat"], u["home_lng"])
        distance = geodesic(origin, site).km
        van = {s["part"] for s in rows["stock"] if s["engineer"] == u["id"] and s["qty"] > 0}
        today = sum(
            1
            for w in rows["work_order"]
            if w["engineer"] == u["id"] and w["created_at"] >= now - timedelta(hours=24)
        )
        key = (round(distance / TIE_KM), -len(van & history), today, distance, u["id"])
        ranked.append(Pick(u["id"], distance, key, "last" if fresh else "home", origin))
    ranked.sort(key=lambda p: p.key)
    return BruteForce(ranked[0] if ranked else None, ranked, len(ranked), left_out)


# --- running and reporting -----------------------------------------------------------------------


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
            offer = await store.offer_next(JOB_ID, now)
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
        for radius in store.SEARCH_RADII_KM:
            box = bounding_box(Position(*s.job), radius)
            rows = await db.fetch(
                store.FREE_ENGINEERS + store.WITH_SKILL + store.IN_BOX,
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
        f"    store.offer_next -> {o.store_pick} "
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
        radii[next((f"{r:g} km" for r in store.SEARCH_RADII_KM if d <= r), "beyond")] += 1
        at_edge += any(r - TIE_KM / 2 < d <= r for r in store.SEARCH_RADII_KM)
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
            f"{k} {radii[k]}" for k in [*(f"{r:g} km" for r in store.SEARCH_RADII_KM), "beyond"]
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
            f"agreement store.offer_next vs brute force over all engineers: {agreed}/{SCENARIOS}"
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
