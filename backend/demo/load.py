"""`fieldline demo`: load the demo data set (backend/demo/plan.py) into an empty database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from time import perf_counter

import asyncpg

from backend import db
from backend.clock import company_day
from backend.customers.qr import new_token
from backend.demo.maintenance import load_service_contracts
from backend.demo.plan import TABLES, DemoPlan, build_plan, demo_email
from backend.demo.proof import load_proof
from backend.integrations.webhooks import new_secret
from backend.maintenance.plans import generate as generate_plans
from backend.settings import get_settings
from backend.staff.service import hash_password

DEMO_PASSWORD = "fieldline-demo"


class DemoRefused(Exception):
    """The database already holds data: a demo load would mix with it or double it."""


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    counts: dict[str, int]  # rows per plan key, plus "reps" and "engineers"
    seconds: float
    logins: list[tuple[str, str, str]]

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"{counts} (seed {self.seed}, {self.seconds} s)"


def demo_logins(reps: int = 1, engineers: int = 1) -> list[tuple[str, str, str]]:
    """(role, email, password): admin, supervisor, rep01…, eng01… (all share one password)."""
    logins = [(role, demo_email(role), DEMO_PASSWORD) for role in ("admin", "supervisor")]
    logins += [("rep", demo_email("rep", i), DEMO_PASSWORD) for i in range(1, reps + 1)]
    return logins + [
        ("engineer", demo_email("engineer", i), DEMO_PASSWORD) for i in range(1, engineers + 1)
    ]


_NEXT_IDS = (
    "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2) ORDER BY 1"
)


async def _write(conn: asyncpg.Connection, plan: DemoPlan) -> None:
    """COPY each table in, with ids drawn from its sequence first so later tables can refer."""
    ids: dict[str, list[int]] = {}
    for key, table, columns, refs in TABLES:
        rows = plan[key]
        ids[key] = [r[0] for r in await conn.fetch(_NEXT_IDS, table, len(rows))]
        records = []
        for new_id, row in zip(ids[key], rows, strict=True):
            values = [new_id, *row]
            for column, target in refs.items():
                if row[column] is not None:
                    values[column + 1] = ids[target][row[column]]
            records.append(values)
        await conn.copy_records_to_table(table, columns=["id", *columns], records=records)


async def _refuse_if_not_empty(conn: asyncpg.Connection) -> None:
    for table in ("app_user", "account", "product", "part"):
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            what = "users" if table == "app_user" else f"rows in {table}"
            raise DemoRefused(
                f"The database already has {what}: the demo loads only into an empty database "
                "(create a new one, or drop this one first)."
            )


async def load_demo(
    seed: int = 7, *, accounts: int = 500, devices: int = 2000, engineers: int = 40, reps: int = 15
) -> DemoSummary:
    """Fill an empty database with the demo data set, in one transaction."""
    started = perf_counter()
    async with db.connection() as conn:
        await _refuse_if_not_empty(conn)  # before the slow password hash
    now = datetime.now(UTC)
    plan = build_plan(
        seed,
        accounts=accounts,
        devices=devices,
        engineers=engineers,
        reps=reps,
        now=now,
    )
    password_hash = await hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    plan["users"] = [(*row[:-1], password_hash) for row in plan["users"]]
    plan["devices"] = [(*row[:-1], new_token()) for row in plan["devices"]]  # never from the seed
    plan["webhooks"] = [(*row[:2], new_secret(), *row[3:]) for row in plan["webhooks"]]
    async with db.transaction(), db.connection() as conn:
        # Two demo loads (or a demo and a create-user) must not interleave.
        await conn.execute("LOCK TABLE app_user IN EXCLUSIVE MODE")
        await _refuse_if_not_empty(conn)
        await _write(conn, plan)
        service_contracts = await load_service_contracts(conn, seed, company_day(now))
        proof = await load_proof(conn, seed, get_settings().business_timezone)
    # Their planned work orders, as the `plans` clock makes them (one round, up to the horizon).
    planned = await generate_plans(now)
    counts = {key: len(rows) for key, rows in plan.items()} | {"reps": reps, "engineers": engineers}
    counts |= {"service_contracts": service_contracts, "planned_visits": planned, **proof}
    return DemoSummary(
        seed,
        counts,
        round(perf_counter() - started, 2),
        demo_logins(min(reps, 1), min(engineers, 1)),
    )
