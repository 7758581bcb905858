"""Payments (回款): recorded against an active contract and applied to its plan lines, the line
falling due first first; the one home of the payment INSERT and of payment_plan.paid."""

from __future__ import annotations

from decimal import Decimal

from backend import db
from backend.access import Principal
from backend.errors import Conflict, Invalid
from backend.sales import contracts, events
from backend.sales.schemas import PaymentIn, PaymentOut, check_money
from backend.sales.tables import ContractStatus
from backend.schemas import from_row


def apply(amount: Decimal, lines: list[tuple[Decimal, Decimal]]) -> list[Decimal]:
    """What each line (amount, paid so far), oldest first, gets of a payment: pure."""
    shares = []
    for line_amount, paid in lines:
        share = min(amount, line_amount - paid)
        shares.append(share)
        amount -= share
    return shares


async def record(principal: Principal, contract_id: int, data: PaymentIn) -> PaymentOut:
    amount = check_money(data.amount, "amount", positive=True)
    async with db.transaction():
        row = await contracts.locked(principal, contract_id)
        if row["status"] != ContractStatus.ACTIVE:
            raise Conflict(
                f"Payments are recorded on active contracts; this one is {row['status']}",
                status=row["status"],
            )
        lines = await db.fetch(
            """SELECT id, amount, paid FROM payment_plan WHERE contract = $1 AND paid < amount
               ORDER BY due_on, line FOR UPDATE""",
            contract_id,
        )
        outstanding = sum((line["amount"] - line["paid"] for line in lines), Decimal(0))
        if amount > outstanding:
            raise Invalid("amount", f"more than the {outstanding} outstanding")
        shares = apply(amount, [(line["amount"], line["paid"]) for line in lines])
        touched = [(line["id"], share) for line, share in zip(lines, shares, strict=True) if share]
        await db.execute(
            """UPDATE payment_plan pp SET paid = pp.paid + t.share,
                   paid_on = CASE WHEN pp.paid + t.share >= pp.amount THEN $3 ELSE pp.paid_on END
               FROM unnest($1::int[], $2::numeric[]) AS t(id, share) WHERE pp.id = t.id""",
            [t[0] for t in touched],
            [t[1] for t in touched],
            data.received_on,
        )
        payment = await db.fetchrow(
            """INSERT INTO payment (contract, amount, received_on, method, reference,
                   recorded_by)
               VALUES ($1, $2, $3, $4, $5, $6)
               RETURNING id, contract AS contract_id, amount, received_on, method, reference,
                   created_at""",
            contract_id,
            amount,
            data.received_on,
            data.method.value,
            data.reference,
            principal.id,
        )
        assert payment is not None
        await events.emit(
            "payment.received",
            {
                "payment_id": payment["id"],
                "contract_id": contract_id,
                "amount": str(amount),
                "received_on": data.received_on.isoformat(),
            },
        )
    return from_row(PaymentOut, payment)
