"""The demo's service contracts: maintenance plans (monthly, quarterly, half-yearly; a few counted
from the last visit) and warranty extensions on the devices of A and B accounts, a few suspended
or ended with their reason. Written after the rest of the demo (it picks among the loaded
accounts, with its own seeded Random, so the rest stays as it was); the `plans` clock then makes
their planned work orders (load.py runs one round of it)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg

SHARE = {"A": 0.5, "B": 0.2}  # of the accounts of each grade with devices
MAX_DEVICES = 8  # a contract covers up to this many of an account's devices
PLANS = (  # (every, unit, generate, weight)
    (1, "month", "scheduled", 45),
    (3, "month", "scheduled", 30),
    (6, "month", "scheduled", 10),
    (2, "week", "scheduled", 5),
    (3, "month", "after_completion", 10),
)
SUSPEND_REASONS = ("客户厂区装修，暂停保养至年后", "Customer asked to pause during the audit")
END_REASONS = ("客户更换了服务商", "Site closed; equipment sold")

ACCOUNTS = """
SELECT a.id, a.grade, a.vip, array_agg(d.id ORDER BY d.id) AS devices
FROM account a JOIN device d ON d.account = a.id
WHERE a.grade IN ('A', 'B')
GROUP BY a.id ORDER BY a.id"""

INSERT = """
INSERT INTO service_contract (account, kind, status, status_reason, starts_on, ends_on,
    respond_hours, resolve_hours, signature_required, plan_every, plan_unit, horizon_days,
    early_days, late_days, generate, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
RETURNING id"""


def _contract(rng: random.Random, row: Any, today: date, supervisor: int) -> tuple[Any, ...]:
    maintenance = rng.random() < 0.85
    every, unit, generate = rng.choices([p[:3] for p in PLANS], weights=[p[3] for p in PLANS])[0]
    starts = today - timedelta(days=rng.randint(0, 330))
    ends = starts + timedelta(days=rng.choice((365, 365, 730)) - 1)
    status, reason = "active", None
    roll = rng.random()
    if roll < 0.05:
        status, reason = "suspended", rng.choice(SUSPEND_REASONS)
    elif roll < 0.1 and starts < today - timedelta(days=60):
        status, reason = "ended", rng.choice(END_REASONS)
        ends = today - timedelta(days=rng.randint(1, 30))
    a_grade = row["grade"] == "A"
    created = datetime.combine(starts - timedelta(days=rng.randint(1, 14)), time(2), tzinfo=UTC)
    return (
        row["id"],
        "maintenance" if maintenance else "warranty",
        status,
        reason,
        starts,
        ends,
        rng.choice((2, 4)) if row["vip"] else rng.choice((4, 8, 24)) if a_grade else None,
        rng.choice((24, 48)) if a_grade else rng.choice((48, 72, None)),
        a_grade and rng.random() < 0.6,
        every if maintenance else None,
        unit if maintenance else None,
        30,
        3 if unit != "week" else 1,
        3 if unit != "week" else 1,
        generate if maintenance else "scheduled",
        supervisor,
        created,
    )


async def load_service_contracts(conn: asyncpg.Connection, seed: int, today: date) -> int:
    """Service contracts on A and B accounts' devices; returns how many."""
    rng = random.Random(f"service-contracts-{seed}")
    supervisor = await conn.fetchval(
        "SELECT id FROM app_user WHERE role = 'supervisor' ORDER BY id LIMIT 1"
    )
    made = 0
    for row in await conn.fetch(ACCOUNTS):
        if rng.random() >= SHARE[row["grade"]]:
            continue
        devices = list(row["devices"])
        covered = sorted(rng.sample(devices, min(len(devices), rng.randint(1, MAX_DEVICES))))
        contract_id = await conn.fetchval(INSERT, *_contract(rng, row, today, supervisor))
        await conn.execute(
            "INSERT INTO service_contract_device (contract, device) SELECT $1, unnest($2::int[])",
            contract_id,
            covered,
        )
        made += 1
    return made
