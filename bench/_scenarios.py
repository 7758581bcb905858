"""The random scenarios of bench (c): small seeded worlds around one waiting job, and their rows."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from backend import db
from backend.workorders import offers
from bench._scratch import Row, copy_rows, reset_sequences
from bench._world import (
    EVENT_COLUMNS,
    OPEN_STATUSES,
    SHANGHAI,
    USER_COLUMNS,
    WORK_ORDER_COLUMNS,
    in_disc,
    offset,
)

SKILLS = ("boiler", "hvac", "lift")
PRODUCTS = ((1, "boiler"), (2, "hvac"), (3, "lift"), (4, None))  # (id, required skill)
PARTS = 12
JOB_ID = 1_000_000
# How engineers are placed around the job, per scenario style: (placement, weight).
STYLES: dict[str, tuple[float, dict[str, float]]] = {
    "city": (0.40, {"metro": 0.7, "near": 0.2, "twin": 0.1}),
    "dense": (0.25, {"near": 0.6, "twin": 0.3, "ring": 0.1}),
    "rings": (0.20, {"ring": 0.5, "near": 0.2, "twin": 0.3}),
    "sparse": (0.15, {"far": 0.6, "metro": 0.3, "ring": 0.1}),
}


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
            radius = rng.choice(offers.SEARCH_RADII_KM)
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
