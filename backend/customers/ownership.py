"""Who owns an account: the one home of its owner and pool columns, and the hand-over rules.

The public pool's rules (caps, the record of every move) belong to sales, which builds on
customers and so cannot be called from here; backend/sales/pool.py registers them with
`on_handover`, and every change of owner made through customers (PATCH /api/accounts/{id})
passes them before it is written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from backend import db
from backend.access import Principal
from backend.clock import now_utc

# (who, account id, owner before, owner after): raises to refuse, records what it must.
Handover = Callable[[Principal, int, int | None, int | None], Awaitable[None]]
_handover_rules: list[Handover] = []


def on_handover(rule: Handover) -> Handover:
    """Registers a rule every change of an account's owner made through customers must pass."""
    if rule not in _handover_rules:
        _handover_rules.append(rule)
    return rule


async def hand_over(
    principal: Principal, account_id: int, from_owner: int | None, to_owner: int | None
) -> None:
    """A change of owner asked for by principal (inside the caller's transaction, with the
    account's row locked): the rules first, then the move."""
    if from_owner == to_owner:
        return
    for rule in _handover_rules:
        await rule(principal, account_id, from_owner, to_owner)
    await move_owner([account_id], to_owner, now_utc())


async def move_owner(
    account_ids: list[int],
    to_owner: int | None,
    at: datetime,
    *,
    only_from: int | None = None,
    only_pooled: bool = False,
) -> list[int]:
    """Gives the accounts to to_owner (None: the pool) as of `at`; returns the ids moved.

    A new owner's recycling clock starts at the claim; a pooled account says since when.
    only_pooled moves only accounts nobody owns (a claim: of two at once, one finds it taken);
    only_from only those still owned by that person (recycling, if he released it meanwhile).
    """
    rows = await db.fetch(
        """UPDATE account
           SET owner = $2,
               claimed_at = CASE WHEN $2::int IS NULL THEN claimed_at ELSE $3 END,
               pooled_at = CASE WHEN $2::int IS NULL THEN $3 END,
               recycle_warned_at = NULL
           WHERE id = ANY($1::int[])
             AND (NOT $4 OR owner IS NULL)
             AND ($5::int IS NULL OR owner = $5::int)
           RETURNING id""",
        account_ids,
        to_owner,
        at,
        only_pooled,
        only_from,
    )
    return [r["id"] for r in rows]


async def mark_recycle_warned(account_ids: list[int], at: datetime) -> None:
    """The owners of these accounts were warned that recycling is near (once per quiet spell)."""
    await db.execute(
        "UPDATE account SET recycle_warned_at = $2 WHERE id = ANY($1::int[])", account_ids, at
    )
