"""Payments due, for the back office's home: the unpaid rest of each payment plan line of a
signed contract that is overdue or falls due within the next days, earliest first, with the
total, in one statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from backend import db
from backend.schemas import from_row


class PaymentDue(msgspec.Struct):
    id: int  # the payment plan line
    contract_id: int
    number: str
    title: str
    account_id: int
    account_name: str
    owner_name: str
    due_on: date
    left: Decimal  # what is still to pay on the line
    currency: str
    overdue: bool


class PaymentsDue(msgspec.Struct):
    items: list[PaymentDue]
    total: int


DUE = """
SELECT pp.id, c.id AS contract_id, c.number, c.title, a.id AS account_id, a.name AS account_name,
       u.name AS owner_name, pp.due_on, pp.amount - pp.paid AS left, c.currency,
       pp.due_on < $1 AS overdue, count(*) OVER () AS total
FROM payment_plan pp JOIN contract c ON c.id = pp.contract
JOIN account a ON a.id = c.account JOIN app_user u ON u.id = c.owner
WHERE pp.paid < pp.amount AND c.status IN ('active', 'completed') AND pp.due_on <= $2
ORDER BY pp.due_on, pp.id LIMIT $3"""


async def payments_due(today: date, until: date, limit: int) -> PaymentsDue:
    """Lines due on or before `until` (overdue ones included) and not fully paid."""
    rows = await db.fetch(DUE, today, until, limit)
    return PaymentsDue(
        [from_row(PaymentDue, r) for r in rows], int(rows[0]["total"]) if rows else 0
    )
