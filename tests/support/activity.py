"""Helpers of the activity tests: sales rows written in SQL (the sales API is not activity's to
call), follow-ups and tasks through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from backend import db
from tests.support.factories import Staff


async def stage(kind: str = "open", position: int = 1) -> int:
    probability = {"open": 20, "won": 100, "lost": 0}[kind]
    return int(
        await db.fetchval(
            "INSERT INTO stage (position, name, probability, kind) VALUES ($1, $2, $3, $4) "
            "RETURNING id",
            position,
            f"Stage {position}",
            probability,
            kind,
        )
    )


async def lead(owner: int | None, account: int | None = None, name: str = "Li Lei") -> int:
    return int(
        await db.fetchval(
            """INSERT INTO lead (name, company, owner, account, status, converted_at)
               VALUES ($1, 'Leads Co', $2, $3, $4, CASE WHEN $3::int IS NULL THEN NULL
                   ELSE now() END) RETURNING id""",
            name,
            owner,
            account,
            "new" if account is None else "converted",
        )
    )


async def opportunity(
    account: int, owner: int, *, stage_id: int | None = None, close: date | None = None
) -> int:
    stage_id = stage_id or await stage()
    return int(
        await db.fetchval(
            """INSERT INTO opportunity (account, name, amount, currency, stage, expected_close,
                   owner) VALUES ($1, 'Chiller upgrade', 120000, 'CNY', $2, $3, $4) RETURNING id""",
            account,
            stage_id,
            close or date.today() + timedelta(days=30),
            owner,
        )
    )


async def follow_up(api: AsyncClient, who: Staff, expect: int = 201, **body: Any) -> Any:
    body = {"method": "call", "content": "Called about the service contract", **body}
    response = await api.post("/api/follow-ups", json=body, headers=who.headers)
    assert response.status_code == expect, response.text
    return response.json()


async def tasks(api: AsyncClient, who: Staff, due: str = "open") -> list[Any]:
    response = await api.get(f"/api/me/tasks?due={due}", headers=who.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def contract(account: int, owner: int, *, status: str = "active", number: str = "") -> int:
    return int(
        await db.fetchval(
            """INSERT INTO contract (number, account, owner, title, amount, currency, starts_on,
                   ends_on, status)
               VALUES ($1, $2, $3, 'Chiller supply', 100000, 'CNY', current_date - 60,
                   current_date + 300, $4) RETURNING id""",
            number or f"HT-{account}-{owner}-{status}",
            account,
            owner,
            status,
        )
    )


async def plan_line(contract_id: int, line: int, due_on: date, *, paid: int = 0) -> int:
    return int(
        await db.fetchval(
            """INSERT INTO payment_plan (contract, line, due_on, amount, paid)
               VALUES ($1, $2, $3, 50000, $4) RETURNING id""",
            contract_id,
            line,
            due_on,
            paid,
        )
    )


async def contacted_days_ago(account_id: int, days: float) -> None:
    """Moves the account's last contact (and its creation) back in time."""
    await db.execute(
        """UPDATE account SET last_contacted_at = now() - make_interval(secs => $2 * 86400),
               created_at = now() - make_interval(secs => $2 * 86400) WHERE id = $1""",
        account_id,
        days,
    )
