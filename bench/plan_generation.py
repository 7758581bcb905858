"""Maintenance plans' clock against a bare INSERT … SELECT of the same rows.

    .venv/bin/python -m bench.plan_generation [--contracts 20000 --devices 3 --rounds 3]

A scratch database fieldline_bench_plans: `--contracts` maintenance contracts on as many accounts,
`--devices` devices each, seeded with COPY. Plans vary as contracts do: three in four monthly,
one in four weekly, every tenth after_completion, started on days spread over the past year, a
30-day horizon. The measured run is `plans.generate(now)` on an empty work_order table: it reads
the contracts a batch at a time, works out the due days in Python (month ends, leap years), and
writes the planned work orders and their `planned` events with one INSERT over arrays per batch
(ON CONFLICT against the unique (device, due day) index). The baseline, in the same run and into
the same tables: the very rows the clock wrote, kept aside, put back by one `INSERT … SELECT` per
table (work orders, then events), with the same unique index in place. A second run of the clock
over the full table (nothing new to make) is timed too: what every 10-minute round costs.
Rounds alternate which goes first; the medians are printed with their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from datetime import UTC, date, datetime, timedelta

from backend import db
from backend.maintenance import plans
from bench._scratch import copy_rows, reset_sequences, scratch_database
from bench._timing import median
from bench._world import SHANGHAI, offset

SEED = 14
WORK_ORDER_COLUMNS = """device, account, product, contract, source, description, priority, status,
    lat, lng, planned_for, window_opens_at, window_closes_at, respond_by, resolve_by, created_at,
    updated_at"""


async def seed(contracts: int, per_contract: int, today: date) -> None:
    rng = random.Random(SEED)
    await db.execute(
        "INSERT INTO product (id, sku, name, warranty_months) VALUES (1, 'CH-1', 'Chiller', 24)"
    )
    accounts, devices, rows, links = [], [], [], []
    device_id = 0
    for n in range(1, contracts + 1):
        lat, lng = offset(SHANGHAI, rng.uniform(0, 40), rng.uniform(0, math.tau))
        accounts.append((n, f"Account {n}", f"account {n}", lat, lng))
        weekly = n % 4 == 0
        starts = today - timedelta(days=rng.randrange(0, 365))
        rows.append(
            (
                n,
                n,
                "maintenance",
                starts,
                starts + timedelta(days=730),
                1,
                "week" if weekly else "month",
                30,
                3,
                3,
                "after_completion" if n % 10 == 0 else "scheduled",
            )
        )
        for _ in range(per_contract):
            device_id += 1
            devices.append((device_id, n, 1, f"SN{device_id:08d}", f"qr{device_id}"))
            links.append((n, device_id))
    await copy_rows("account", ("id", "name", "name_key", "lat", "lng"), accounts)
    await copy_rows("device", ("id", "account", "product", "serial", "qr_token"), devices)
    await copy_rows(
        "service_contract",
        (
            "id",
            "account",
            "kind",
            "starts_on",
            "ends_on",
            "plan_every",
            "plan_unit",
            "horizon_days",
            "early_days",
            "late_days",
            "generate",
        ),
        rows,
    )
    await copy_rows("service_contract_device", ("contract", "device"), links)
    await reset_sequences(["account", "device", "service_contract", "product"])
    await db.execute("ANALYZE")


async def empty() -> None:
    """No planned work orders, and no contract's bookmark: the next round is a first one."""
    await db.execute("TRUNCATE work_order RESTART IDENTITY CASCADE")
    await db.execute("UPDATE service_contract SET plan_next_due = NULL")


async def clock_round(now: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    made = await plans.generate(now)
    return time.perf_counter() - started, made


async def insert_select() -> tuple[float, int]:
    """The same rows from the side tables, by INSERT … SELECT: no reads, no Python, no arrays."""
    started = time.perf_counter()
    async with db.transaction():
        done = await db.execute(
            f"INSERT INTO work_order ({WORK_ORDER_COLUMNS}) SELECT {WORK_ORDER_COLUMNS} "
            "FROM kept_work_order ORDER BY id"
        )
        await db.execute(
            "INSERT INTO work_order_event (work_order, at, kind, to_status, actor_kind) "
            "SELECT id, created_at, 'planned', 'planned', 'system' FROM work_order"
        )
    return time.perf_counter() - started, int(done.split()[-1])


async def main(contracts: int, per_contract: int, rounds: int) -> None:
    now = datetime.now(UTC)
    async with scratch_database("plans"):
        seeded = time.perf_counter()
        await seed(contracts, per_contract, now.date())
        print(
            f"seeded {contracts:,} contracts × {per_contract} devices "
            f"in {time.perf_counter() - seeded:.1f} s"
        )
        await clock_round(now)  # warm-up: caches, plans; then the rows are kept aside
        await db.execute("CREATE TABLE kept_work_order AS SELECT * FROM work_order")
        jobs = await db.fetchval("SELECT count(*) FROM kept_work_order")
        clock, base, again = [], [], []
        for r in range(rounds):
            order = ("clock", "base") if r % 2 == 0 else ("base", "clock")
            for which in order:
                await empty()
                await db.execute("VACUUM ANALYZE work_order")
                if which == "clock":
                    seconds, made = await clock_round(now)
                    assert made == jobs, (made, jobs)
                    clock.append(seconds)
                    seconds, made = await clock_round(now)  # the next round: nothing new
                    assert made == 0
                    again.append(seconds)
                else:
                    seconds, made = await insert_select()
                    assert made == jobs, (made, jobs)
                    base.append(seconds)
        duplicates = await db.fetchval(
            "SELECT count(*) FROM (SELECT 1 FROM work_order GROUP BY device, planned_for "
            "HAVING count(*) > 1) d"
        )
        clock_s, base_s = median(clock), median(base)
        print(f"planned work orders per run: {jobs:,} (duplicates: {duplicates})")
        print(f"clock (plans.generate):  {clock_s:6.2f} s  {jobs / clock_s:10,.0f} jobs/s")
        print(f"INSERT … SELECT:         {base_s:6.2f} s  {jobs / base_s:10,.0f} jobs/s")
        print(f"ratio clock / INSERT … SELECT (throughput): {base_s / clock_s:.2f}")
        print(f"a second round, nothing new to make: {median(again):6.2f} s")
        print(
            "rounds (s): clock "
            + ", ".join(f"{s:.2f}" for s in clock)
            + "; insert-select "
            + ", ".join(f"{s:.2f}" for s in base)
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--devices", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.contracts, args.devices, args.rounds))
