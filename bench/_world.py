"""The dispatch benches' fixed-seed Shanghai world: its size (WorldSpec), seeded by COPY."""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from backend import db
from bench._scratch import Row, copy_rows, reset_sequences

SHANGHAI = (31.23, 121.47)
RADIUS_KM = 40.0
KM_PER_DEG_LAT = 110.6
KM_PER_DEG_LNG = 111.32 * math.cos(math.radians(SHANGHAI[0]))
# A fixed "now" (09:00 in Shanghai): every timestamp of the world is placed relative to it.
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SKILLS = ("boiler", "hvac", "chiller", "elevator", "pump", "generator")
OPEN_STATUSES = ("offered", "accepted", "en_route", "on_site")


# --- places --------------------------------------------------------------------------------------


def in_disc(
    rng: random.Random, center: tuple[float, float] = SHANGHAI, radius_km: float = RADIUS_KM
) -> tuple[float, float]:
    """A point drawn uniformly from the disc (a local plane is plenty for placing test points)."""
    return offset(center, radius_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))


def offset(origin: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """Roughly km away from origin on bearing (radians from north); local plane."""
    lat = origin[0] + km * math.cos(bearing) / KM_PER_DEG_LAT
    lng = origin[1] + km * math.sin(bearing) / KM_PER_DEG_LNG
    return lat, lng


# --- the world -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorldSpec:
    """How big the world is; every draw comes from one Random seeded with `seed`."""

    engineers: int = 5000
    past_orders: int = 100_000
    new_jobs: int = 500
    busy_share: float = 0.05  # engineers already holding an open job
    zone_grid: int = 4  # zones form a grid x grid over the metro; 0: no zones at all
    accounts: int = 20_000
    devices: int = 30_000
    products: int = 40
    parts: int = 400
    parts_per_product: int = 8
    van_parts: int = 10
    excluded_share: float = 0.1  # new jobs already offered to (and declined by) an engineer
    seed: int = 20261123


@dataclass
class World:
    """What the benches need to know about the seeded world."""

    spec: WorldSpec
    engineer_ids: list[int]
    new_job_ids: list[int]
    past_order_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


USER_COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "password_hash",
    "active",
    "locale",
    "skills",
    "home_lat",
    "home_lng",
    "duty_status",
    "last_lat",
    "last_lng",
    "last_seen_at",
    "zone",
)
WORK_ORDER_COLUMNS = (
    "id",
    "device",
    "account",
    "product",
    "source",
    "description",
    "priority",
    "status",
    "engineer",
    "distance_km",
    "lat",
    "lng",
    "offered_at",
    "accepted_at",
    "completed_at",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = (
    "work_order",
    "at",
    "kind",
    "from_status",
    "to_status",
    "actor_kind",
    "engineer",
)


def grid_zones(n: int) -> list[tuple[int, str, str]]:
    """(id, name, boundary json) for an n x n grid of rectangles over the whole metro."""
    lat_half, lng_half = (RADIUS_KM + 2) / KM_PER_DEG_LAT, (RADIUS_KM + 2) / KM_PER_DEG_LNG
    lat0, lng0 = SHANGHAI[0] - lat_half, SHANGHAI[1] - lng_half
    dlat, dlng = 2 * lat_half / n, 2 * lng_half / n
    zones = []
    for i in range(n):
        for j in range(n):
            a, b = lat0 + i * dlat, lng0 + j * dlng
            ring = [[a, b], [a + dlat, b], [a + dlat, b + dlng], [a, b + dlng]]
            zones.append((i * n + j + 1, f"zone {i}-{j}", json.dumps(ring)))
    return zones


def grid_zone_of(n: int, lat: float, lng: float) -> int | None:
    """The grid zone holding the point (the first when on a border), None outside the grid."""
    lat_half, lng_half = (RADIUS_KM + 2) / KM_PER_DEG_LAT, (RADIUS_KM + 2) / KM_PER_DEG_LNG
    i = math.floor((lat - (SHANGHAI[0] - lat_half)) / (2 * lat_half / n))
    j = math.floor((lng - (SHANGHAI[1] - lng_half)) / (2 * lng_half / n))
    return i * n + j + 1 if 0 <= i < n and 0 <= j < n else None


class _Builder:
    """Draws every row from one seeded Random, always in the same order."""

    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.event_rows: list[Row] = []

    def products(self) -> tuple[list[Row], list[Row], dict[int, list[int]]]:
        rng, spec = self.rng, self.spec
        parts = [
            (i, f"P-{i:05d}", f"part {i}", Decimal(rng.randint(500, 90000)) / 100)
            for i in range(1, spec.parts + 1)
        ]
        products, typical = [], {}
        for i in range(1, spec.products + 1):
            skill = None if i % 8 == 0 else SKILLS[i % len(SKILLS)]  # a few need no skill
            products.append((i, f"M-{i:04d}", f"model {i}", "hvac", skill, 24))
            typical[i] = rng.sample(range(1, spec.parts + 1), spec.parts_per_product)
        return products, parts, typical

    def engineers(self) -> list[Row]:
        rng, spec = self.rng, self.spec
        rows = []
        for i in range(1, spec.engineers + 1):
            skills = [s for s in SKILLS if rng.random() < 0.45] or [rng.choice(SKILLS)]
            home = in_disc(rng)
            roll = rng.random()
            if roll < 0.05:  # never reported a position: measured from home
                last: tuple[float | None, float | None] = (None, None)
                seen = None
            else:
                last = offset(home, 8 * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))
                # Mostly fresh (under 15 min), some stale (measured from home again).
                minutes = rng.uniform(0, 14) if roll < 0.8 else rng.uniform(16, 600)
                seen = NOW - timedelta(minutes=minutes)
            zone = grid_zone_of(spec.zone_grid, *home) if spec.zone_grid else None
            rows.append(
                (
                    i,
                    f"Engineer {i}",
                    f"eng{i:05d}@bench.fieldline.test",
                    "engineer",
                    "x",
                    True,
                    "zh-CN",
                    skills,
                    home[0],
                    home[1],
                    "available",
                    last[0],
                    last[1],
                    seen,
                    zone,
                )
            )
        return rows

    def stock(self, engineer_ids: Sequence[int]) -> list[Row]:
        rng, spec = self.rng, self.spec
        rows: list[Row] = [(part, None, 50) for part in range(1, spec.parts + 1)]  # warehouse
        for engineer in engineer_ids:
            for part in rng.sample(range(1, spec.parts + 1), spec.van_parts):
                rows.append((part, engineer, rng.choice((0, 1, 1, 2, 3))))  # 0: used up
        return rows

    def customers(self) -> tuple[list[Row], list[Row]]:
        rng, spec = self.rng, self.spec
        accounts, account_at = [], {}
        for i in range(1, spec.accounts + 1):
            lat, lng = in_disc(rng)
            vip = rng.random() < 0.03
            accounts.append((i, f"Account {i}", f"account {i}", rng.choice("ABC"), vip, lat, lng))
            account_at[i] = (lat, lng)
        devices = []
        installed = date(2024, 1, 1)
        for i in range(1, spec.devices + 1):
            account = i if i <= spec.accounts else rng.randint(1, spec.accounts)
            product = rng.randint(1, spec.products)
            lat, lng = offset(account_at[account], 0.05 * rng.random(), rng.uniform(0, 6.3))
            token = f"{i:08x}{rng.getrandbits(96):024x}"
            devices.append(
                (i, account, product, f"SN{i:08d}", installed, date(2027, 1, 1), lat, lng, token)
            )
        return accounts, devices

    def work_order(
        self,
        id_: int,
        device: Row,
        status: str,
        created: datetime,
        engineer: int | None,
        completed: datetime | None,
    ) -> Row:
        roll = self.rng.random()
        priority = "urgent" if roll < 0.1 else "high" if roll < 0.3 else "normal"
        offered = created + timedelta(minutes=2) if engineer is not None else None
        accepted = created + timedelta(minutes=4) if engineer is not None else None
        updated = completed or accepted or created
        distance = round(self.rng.uniform(0.2, 12.0), 3) if engineer is not None else None
        return (
            id_,
            device[0],
            device[1],
            device[2],
            "staff",
            "bench",
            priority,
            status,
            engineer,
            distance,
            device[6],
            device[7],
            offered,
            accepted,
            completed,
            created,
            updated,
        )

    def event(
        self,
        work_order: int,
        at: datetime,
        kind: str,
        before: str | None,
        after: str,
        engineer: int | None,
    ) -> None:
        self.event_rows.append((work_order, at, kind, before, after, "system", engineer))

    def past_orders(
        self, devices: Sequence[Row], engineer_ids: Sequence[int], typical: dict[int, list[int]]
    ) -> tuple[list[Row], list[Row]]:
        rng, spec = self.rng, self.spec
        orders, usage = [], []
        for id_ in range(1, spec.past_orders + 1):
            device = devices[rng.randrange(len(devices))]
            # 2% in the last day (they count towards "jobs today"), the rest over a year.
            if rng.random() < 0.02:
                created = NOW - timedelta(hours=rng.uniform(1, 23.5))
                completed = min(created + timedelta(hours=rng.uniform(0.5, 3)), NOW)
            else:
                created = NOW - timedelta(days=rng.uniform(1, 365))
                completed = created + timedelta(hours=rng.uniform(1, 8))
            engineer = engineer_ids[rng.randrange(len(engineer_ids))]
            orders.append(self.work_order(id_, device, "completed", created, engineer, completed))
            self.event(id_, created + timedelta(minutes=2), "offered", "new", "offered", engineer)
            self.event(id_, completed, "completed", "on_site", "completed", engineer)
            for part in rng.sample(typical[device[2]], rng.choice((0, 1, 1, 1, 2, 2, 3))):
                usage.append((id_, part, rng.choice((1, 1, 2))))
        return orders, usage

    def open_jobs(self, first_id: int, devices: Sequence[Row], busy: Sequence[int]) -> list[Row]:
        rows = []
        for n, engineer in enumerate(busy):
            id_ = first_id + n
            device = devices[self.rng.randrange(len(devices))]
            created = NOW - timedelta(hours=self.rng.uniform(0.5, 4))
            rows.append(self.work_order(id_, device, "en_route", created, engineer, None))
            self.event(id_, created + timedelta(minutes=2), "offered", "new", "offered", engineer)
        return rows

    def new_jobs(
        self, first_id: int, devices: Sequence[Row], engineer_ids: Sequence[int]
    ) -> list[Row]:
        rng, rows = self.rng, []
        for n in range(self.spec.new_jobs):
            id_ = first_id + n
            device = devices[rng.randrange(len(devices))]
            created = NOW - timedelta(minutes=rng.uniform(1, 720))
            rows.append(self.work_order(id_, device, "new", created, None, None))
            if rng.random() < self.spec.excluded_share:  # offered before, declined
                for engineer in rng.sample(list(engineer_ids), rng.choice((1, 2))):
                    self.event(
                        id_, created + timedelta(minutes=1), "offered", "new", "offered", engineer
                    )
                    self.event(
                        id_, created + timedelta(minutes=3), "declined", "offered", "new", engineer
                    )
        return rows


async def seed_world(spec: WorldSpec) -> World:
    """Writes the whole world with COPY in one transaction, then ANALYZE."""
    started = time.perf_counter()
    build = _Builder(spec)
    products, parts, typical = build.products()
    users = build.engineers()
    engineer_ids = [row[0] for row in users]
    stock = build.stock(engineer_ids)
    accounts, devices = build.customers()
    past, usage = build.past_orders(devices, engineer_ids, typical)
    busy = build.rng.sample(engineer_ids, round(spec.busy_share * len(engineer_ids)))
    open_rows = build.open_jobs(spec.past_orders + 1, devices, busy)
    first_new = spec.past_orders + len(open_rows) + 1
    new_rows = build.new_jobs(first_new, devices, engineer_ids)
    zones = grid_zones(spec.zone_grid) if spec.zone_grid else []

    counts: dict[str, int] = {}
    async with db.engine.transaction():
        counts["zone"] = await copy_rows("zone", ("id", "name", "boundary"), zones)
        counts["product"] = await copy_rows(
            "product",
            ("id", "sku", "name", "category", "required_skill", "warranty_months"),
            products,
        )
        counts["part"] = await copy_rows("part", ("id", "sku", "name", "price"), parts)
        counts["app_user"] = await copy_rows("app_user", USER_COLUMNS, users)
        counts["stock"] = await copy_rows("stock", ("part", "engineer", "qty"), stock)
        counts["account"] = await copy_rows(
            "account", ("id", "name", "name_key", "grade", "vip", "lat", "lng"), accounts
        )
        counts["device"] = await copy_rows(
            "device",
            (
                "id",
                "account",
                "product",
                "serial",
                "installed_on",
                "warranty_until",
                "lat",
                "lng",
                "qr_token",
            ),
            devices,
        )
        counts["work_order"] = await copy_rows(
            "work_order", WORK_ORDER_COLUMNS, [*past, *open_rows, *new_rows]
        )
        counts["part_usage"] = await copy_rows("part_usage", ("work_order", "part", "qty"), usage)
        counts["work_order_event"] = await copy_rows(
            "work_order_event", EVENT_COLUMNS, build.event_rows
        )
        await reset_sequences(
            ("zone", "product", "part", "app_user", "account", "device", "work_order")
        )
    await db.execute("ANALYZE")
    return World(
        spec=spec,
        engineer_ids=engineer_ids,
        new_job_ids=[row[0] for row in new_rows],
        past_order_ids=[row[0] for row in past],
        counts=counts,
        seconds=time.perf_counter() - started,
    )


def describe(world: World) -> str:
    """One line: what was seeded and how long it took."""
    counts = ", ".join(f"{n:,} {table}" for table, n in world.counts.items())
    return f"seeded in {world.seconds:.1f} s: {counts}"
