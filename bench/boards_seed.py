"""Seeds the boards' benchmark database: 1,000,000 work orders, 500,000 ratings and 5,000,000
location pings (with their users, devices, events, parts and visits), all by COPY.

    .venv/bin/python -m bench.boards_seed            # into fieldline_bench_boards (kept)
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.boards_seed

Prints rows and seconds per table, and the COPY rate against a same-run baseline: COPY of the
same number of rows into an unindexed scratch table (what the indexes cost).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from backend import db
from bench._scratch import admin, url_for

DATABASE = "fieldline_bench_boards"
SEED = 20261123
WORK_ORDERS = 1_000_000
OPEN_JOBS = 2_000  # of them, filed in the last hours and still open
RATINGS = 500_000
PINGS = 5_000_000
DAYS = 730  # two years of service history
PING_DAYS = 90
ENGINEERS, REPS = 500, 200
ACCOUNTS, DEVICES = 100_000, 200_000
PRODUCTS, PARTS = 20, 60
ZONE_GRID = (5, 2)  # zones: a grid of rectangles over the metro
CENTRE = (31.23, 121.47)
RADIUS_DEG = 0.35
CHUNK = 250_000
BULK_TABLES = ("work_order", "work_order_event", "part_usage", "rating", "location_ping", "visit")
SKILLS = ("hvac", "elevator", "boiler", "water", "electrical", "it")

Row = tuple[Any, ...]


def bench_url() -> str:
    return url_for(DATABASE)


async def recreate() -> None:
    await admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await admin(f'CREATE DATABASE "{DATABASE}"')


class World:
    """Every value from one seeded Random, in a fixed order; times relative to `now`."""

    def __init__(self, now: datetime) -> None:
        self.rng = random.Random(SEED)
        self.now = now
        self.start = now - timedelta(days=DAYS)

    def point(self) -> tuple[float, float]:
        r = RADIUS_DEG * math.sqrt(self.rng.random())
        a = self.rng.uniform(0, 2 * math.pi)
        return CENTRE[0] + r * math.sin(a), CENTRE[1] + r * math.cos(a) * 1.15

    def zones(self) -> list[Row]:
        rows, cols = ZONE_GRID
        lat0, lng0 = CENTRE[0] - RADIUS_DEG, CENTRE[1] - RADIUS_DEG * 1.15
        dlat, dlng = 2 * RADIUS_DEG / rows, 2 * RADIUS_DEG * 1.15 / cols
        out = []
        for i in range(rows):
            for j in range(cols):
                a, b = lat0 + i * dlat, lng0 + j * dlng
                ring = [[a, b], [a + dlat, b], [a + dlat, b + dlng], [a, b + dlng]]
                out.append((len(out) + 1, f"Zone {len(out) + 1}", str(ring).replace("'", '"')))
        return out

    def users(self) -> list[Row]:
        rows: list[Row] = [(1, "Supervisor", "sup@bench.test", "supervisor", "x", [], None, None,
                            "off_duty", None, None, None, None)]  # fmt: skip
        zones = ZONE_GRID[0] * ZONE_GRID[1]
        for i in range(ENGINEERS):
            lat, lng = self.point()
            on = self.rng.random() < 0.6
            skills = self.rng.sample(SKILLS, k=self.rng.choice((1, 1, 2)))
            seen = self.now - timedelta(seconds=self.rng.randint(5, 600)) if on else None
            rows.append((len(rows) + 1, f"Engineer {i}", f"eng{i}@bench.test", "engineer", "x",
                         skills, lat, lng, "available" if on else "off_duty",
                         lat if on else None, lng if on else None, seen,
                         1 + i % zones))  # fmt: skip
        for i in range(REPS):
            rows.append((len(rows) + 1, f"Rep {i}", f"rep{i}@bench.test", "rep", "x", [], None,
                         None, "off_duty", None, None, None, None))  # fmt: skip
        return rows

    def catalogue(self) -> tuple[list[Row], list[Row], list[float]]:
        products = [(i + 1, f"BM-{i:02d}", f"Model {i:02d}", SKILLS[i % len(SKILLS)])
                    for i in range(PRODUCTS)]  # fmt: skip
        parts = [(i + 1, f"BP-{i:02d}", f"Part {i:02d}") for i in range(PARTS)]
        failure = [self.rng.choice((0.5, 1.0, 1.0, 1.5, 3.0)) for _ in range(PRODUCTS)]
        return products, parts, failure

    def accounts(self, reps: list[int]) -> list[Row]:
        rows = []
        for i in range(ACCOUNTS):
            lat, lng = self.point()
            grade = self.rng.choices("ABC", weights=(10, 30, 60))[0]
            owner = self.rng.choice(reps) if self.rng.random() < 0.7 else None
            contacted = self.now - timedelta(hours=self.rng.uniform(1, 24 * 60))
            rows.append((i + 1, f"Account {i}", f"account {i}", grade, owner, lat, lng, contacted))
        return rows

    def devices(self, accounts: list[Row], failure: list[float]) -> list[Row]:
        rows = []
        for i in range(DEVICES):
            account = accounts[self.rng.randrange(ACCOUNTS)]
            product = self.rng.choices(range(PRODUCTS), weights=failure)[0] + 1
            rows.append((i + 1, account[0], product, f"S{i:08d}", f"tok{i}", account[5],
                         account[6]))  # fmt: skip
        return rows


def _moment(rng: random.Random, start: datetime, days: int) -> datetime:
    day = rng.randrange(days)
    return start + timedelta(days=day, hours=rng.uniform(0, 10))  # 08:00-18:00 in Shanghai


def work_orders(
    w: World, devices: list[Row], engineers: list[int]
) -> Iterator[tuple[str, list[str], list[Row]]]:
    """Chunks of (table, columns, rows): work orders with their events, parts and ratings."""
    rng = w.rng
    wo_cols = ["id", "device", "account", "product", "source", "description", "priority",
               "status", "engineer", "lat", "lng", "offered_at", "respond_by", "resolve_by",
               "accepted_at", "arrived_at", "completed_at", "created_at", "updated_at"]  # fmt: skip
    ev_cols = ["work_order", "at", "kind", "from_status", "to_status", "actor_kind", "engineer"]
    rating_every = RATINGS / (WORK_ORDERS * 0.955)
    orders: list[Row] = []
    events: list[Row] = []
    parts: list[Row] = []
    ratings: list[Row] = []
    busy: set[int] = set()
    for i in range(1, WORK_ORDERS + 1):
        device = devices[rng.randrange(DEVICES)]
        if i <= WORK_ORDERS - OPEN_JOBS:
            created = _moment(rng, w.start, DAYS)
        else:  # the last few were filed this morning: the dispatch board's open jobs
            created = w.now - timedelta(hours=rng.uniform(0.1, 8))
        priority = rng.choices(("normal", "high", "urgent"), weights=(80, 15, 5))[0]
        respond, resolve = {"normal": (8, 48), "high": (4, 24), "urgent": (2, 8)}[priority]
        engineer = rng.choice(engineers)
        offered = created + timedelta(minutes=rng.uniform(1, 10))
        accepted = offered + timedelta(
            minutes=rng.uniform(1, 15) if rng.random() > 0.04 else rng.uniform(120, 600)
        )
        arrived = accepted + timedelta(minutes=rng.uniform(15, 90))
        completed = arrived + timedelta(minutes=rng.uniform(20, 180))
        status = "completed"
        if rng.random() < 0.04:
            status, accepted, arrived, completed, engineer = "cancelled", None, None, None, None
        elif completed > w.now:  # still open: one job per engineer, the rest wait
            completed = None
            if engineer in busy:
                status, engineer, accepted, arrived = "new", None, None, None
            elif arrived < w.now:
                status = "on_site"
            elif accepted < w.now:
                status, arrived = "en_route", None
            else:
                status, accepted, arrived = "offered", None, None
            if engineer is not None:
                busy.add(engineer)
        elif rng.random() < rating_every:
            status = "rated"
            score = rng.choices((1, 2, 3, 4, 5), weights=(3, 5, 12, 40, 40))[0]
            rated = completed + timedelta(hours=rng.uniform(1, 48))
            ratings.append((i, score, None, rated, score <= 2))
        orders.append((i, device[0], device[1], device[2], "qr", "Bench job", priority, status,
                       engineer, device[5], device[6], offered if engineer else None,
                       created + timedelta(hours=respond), created + timedelta(hours=resolve),
                       accepted, arrived, completed, created, completed or created))  # fmt: skip
        events.append((i, created, "created", None, "new", "customer", None))
        if status != "cancelled" and engineer is not None:
            events.append((i, offered, "offered", "new", "offered", "system", engineer))
        if completed is not None and rng.random() < 0.4:
            parts.append((i, rng.randrange(PARTS) + 1, rng.choice((1, 1, 2))))
        if len(orders) >= CHUNK:
            yield "work_order", wo_cols, orders
            yield "work_order_event", ev_cols, events
            orders, events = [], []
    yield "work_order", wo_cols, orders
    yield "work_order_event", ev_cols, events
    yield "part_usage", ["work_order", "part", "qty"], parts
    ratings = [r for r in ratings if r[3] < w.now][:RATINGS]
    yield "rating", ["work_order", "score", "comment", "at", "needs_follow_up"], ratings


def field(
    w: World, reps: list[int], accounts: list[Row]
) -> Iterator[tuple[str, list[str], list[Row]]]:
    """Visits and 5,000,000 pings: each rep walks a random route every day of the last 90."""
    rng = w.rng
    per_day = PINGS // (REPS * PING_DAYS)
    visits: list[Row] = []
    pings: list[Row] = []
    cols = ["user", "at", "lat", "lng", "accuracy"]
    visit_cols = ["rep", "account", "planned_at", "checkin_at", "checkin_lat", "checkin_lng",
                  "checkin_distance_m", "on_site", "checkout_at"]  # fmt: skip
    day0 = w.now - timedelta(days=PING_DAYS)
    made = 0
    for rep in reps:
        for day in range(PING_DAYS):
            start = day0 + timedelta(days=day, hours=1)
            lat, lng = w.point()
            for k in range(per_day):
                lat += rng.gauss(0, 0.0008)
                lng += rng.gauss(0, 0.0009)
                at = start + timedelta(seconds=30 * k)
                pings.append((rep, at, lat, lng, 150.0 if rng.random() < 0.02 else 12.0))
            made += per_day
            for v in range(rng.randint(2, 7)):
                account = accounts[rng.randrange(ACCOUNTS)]
                at = start + timedelta(hours=v + 0.5)
                on_site = rng.random() > 0.08
                away = 20.0 if on_site else 900.0
                out = at + timedelta(minutes=40)
                visits.append((rep, account[0], at, at, account[5], account[6], away, on_site, out))
            if len(pings) >= CHUNK:
                yield "location_ping", cols, pings
                pings = []
    yield "location_ping", cols, pings
    yield "visit", visit_cols, visits


async def copy(conn: asyncpg.Connection, table: str, columns: list[str], rows: list[Row]) -> None:
    if rows:
        await conn.copy_records_to_table(table, columns=columns, records=rows)


async def seed() -> dict[str, tuple[int, float]]:
    """Fills the bench database; returns rows and seconds per table."""
    now = datetime.now(UTC)
    w = World(now)
    timings: dict[str, list[float]] = {}
    conn = await asyncpg.connect(bench_url())
    try:
        # The bulk-load recipe: the rows are consistent by construction, so foreign-key triggers
        # are off for this session (superuser), and the big tables' secondary indexes are built
        # once after the COPY instead of row by row.
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = await conn.fetch(
            """SELECT indexname, indexdef FROM pg_indexes i
               WHERE schemaname = 'public' AND tablename = ANY($1::text[])
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            list(BULK_TABLES),
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')

        async def timed(table: str, columns: list[str], rows: list[Row]) -> None:
            started = time.perf_counter()
            await copy(conn, table, columns, rows)
            entry = timings.setdefault(table, [0, 0.0])
            entry[0] += len(rows)
            entry[1] += time.perf_counter() - started

        await timed("zone", ["id", "name", "boundary"], w.zones())
        users = w.users()
        await timed("app_user", ["id", "name", "email", "role", "password_hash", "skills",
                                 "home_lat", "home_lng", "duty_status", "last_lat", "last_lng",
                                 "last_seen_at", "zone"], users)  # fmt: skip
        engineers = [u[0] for u in users if u[3] == "engineer"]
        reps = [u[0] for u in users if u[3] == "rep"]
        products, parts, failure = w.catalogue()
        await timed("product", ["id", "sku", "name", "required_skill"], products)
        await timed("part", ["id", "sku", "name"], parts)
        accounts = w.accounts(reps)
        await timed("account", ["id", "name", "name_key", "grade", "owner", "lat", "lng",
                                "last_contacted_at"], accounts)  # fmt: skip
        devices = w.devices(accounts, failure)
        await timed("device", ["id", "account", "product", "serial", "qr_token", "lat", "lng"],
                    devices)  # fmt: skip
        for table, columns, rows in work_orders(w, devices, engineers):
            await timed(table, columns, rows)
        for table, columns, rows in field(w, reps, accounts):
            await timed(table, columns, rows)
        started = time.perf_counter()
        for index in indexes:
            await conn.execute(index["indexdef"])
        timings["(indexes)"] = [0, time.perf_counter() - started]
        for table in ("app_user", "zone", "product", "part", "account", "device", "work_order"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        started = time.perf_counter()
        await conn.execute("ANALYZE")
        timings["(analyze)"] = [0, time.perf_counter() - started]
    finally:
        await conn.close()
    return {table: (int(n), seconds) for table, (n, seconds) in timings.items()}


async def baseline(rows: int) -> float:
    """COPY of `rows` narrow rows into an unindexed temp table: the machine's raw COPY rate."""
    conn = await asyncpg.connect(bench_url())
    try:
        await conn.execute(
            "CREATE TEMP TABLE copy_baseline (a int, at timestamptz, lat float8, lng float8, "
            "acc float8)"
        )
        now = datetime.now(UTC)
        records = [(i, now, 31.2, 121.4, 10.0) for i in range(rows)]
        started = time.perf_counter()
        await conn.copy_records_to_table("copy_baseline", records=records)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def main() -> None:
    started = time.perf_counter()
    await recreate()
    db.configure(bench_url())
    await db.migrate()
    timings = await seed()
    total = time.perf_counter() - started
    print(f"{'table':<18} {'rows':>10} {'seconds':>8} {'rows/s':>10}")
    for table, (n, seconds) in timings.items():
        rate = f"{n / seconds:10.0f}" if n else ""
        print(f"{table:<18} {n:>10} {seconds:8.2f} {rate}")
    pings, ping_seconds = timings["location_ping"]
    raw = await baseline(1_000_000)
    print(f"baseline: COPY 1,000,000 narrow rows into an unindexed table: {raw:.2f} s")
    print(f"ratio: location_ping COPY rate / baseline rate = "
          f"{(pings / ping_seconds) / (1_000_000 / raw):.2f}")  # fmt: skip
    print(f"total (generating the rows, COPY, building the indexes, ANALYZE): {total:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
