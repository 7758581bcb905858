"""The service → sales loop: a sales opportunity an engineer flags on completing a job becomes a
lead (source service) for the account's owner, or the pool when nobody owns the account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.integrations import webhooks
from backend.sales.leads import insert_service_lead


async def flag_sales_opportunity(
    conn: Any, *, work_order_id: int, account_id: int, engineer_id: int, note: str, at: datetime
) -> int:
    """The lead, in the completion's transaction (conn); tells the webhooks. Returns its id."""
    lead_id, owner = await insert_service_lead(
        account_id=account_id,
        note=note,
        engineer_id=engineer_id,
        work_order_id=work_order_id,
        at=at,
    )
    await webhooks.emit(
        conn,
        "lead.created",
        {
            "lead_id": lead_id,
            "source": "service",
            "owner_id": owner,
            "account_id": account_id,
            "work_order_id": work_order_id,
        },
    )
    return lead_id
