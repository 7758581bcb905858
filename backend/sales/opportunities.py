"""Opportunities (商机): creation on an account the caller may work, the pipeline's reads, and
moves between stages, each recorded with who and when; a lost stage needs its reason. The one
home of the opportunity table's writes and its stage history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from msgspec import UNSET, structs

from backend import db
from backend.access import Principal, check_account_write, check_deal, deal_visibility
from backend.errors import Invalid, NotFound
from backend.sales import events, stages
from backend.sales.schemas import (
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    StageChangeOut,
    check_money,
)
from backend.sales.tables import StageKind
from backend.schemas import Page, from_row, order_by
from backend.settings import get_settings

OPPORTUNITY_SELECT = """
SELECT o.id, o.account AS account_id, a.name AS account_name, o.name, o.amount, o.currency,
       o.stage AS stage_id, s.name AS stage_name, s.name_zh AS stage_name_zh,
       s.kind AS stage_kind, s.probability, o.expected_close, o.owner AS owner_id,
       u.name AS owner_name, o.next_step, o.lost_reason, o.lost_note, o.closed_at, o.created_at,
       o.renewal_of,
       (s.kind = 'won' AND NOT EXISTS (
           SELECT 1 FROM contract c WHERE c.opportunity = o.id)) AS contract_due
FROM opportunity o JOIN stage s ON s.id = o.stage JOIN account a ON a.id = o.account
JOIN app_user u ON u.id = o.owner"""
OPPORTUNITY_ORDER = {
    "expected_close": "o.expected_close",
    "amount": "o.amount",
    "created_at": "o.created_at",
    "name": "o.name",
    "stage": "s.position",
}


async def _account_owner(account_id: int) -> int | None:
    row = await db.fetchrow("SELECT owner FROM account WHERE id = $1", account_id)
    if row is None:
        raise Invalid("account_id", "no such account")
    owner: int | None = row["owner"]
    return owner


async def insert(
    *,
    account_id: int,
    name: str,
    amount: Decimal,
    expected_close: date,
    owner_id: int,
    actor_id: int | None,
    stage_id: int | None = None,
    next_step: str | None = None,
    amount_field: str = "amount",
) -> int:
    """A new opportunity in stage_id (else the first open stage) and its first history row."""
    amount = check_money(amount, amount_field)
    stage = await stages.stage(stage_id) if stage_id else await stages.first_open()
    if stage.kind != StageKind.OPEN:
        raise Invalid("stage_id", "a new opportunity starts in an open stage")
    async with db.transaction():
        opportunity_id: int = await db.fetchval(
            """INSERT INTO opportunity (account, name, amount, currency, stage, expected_close,
                   owner, next_step, created_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
            account_id,
            name.strip(),
            amount,
            get_settings().currency,
            stage.id,
            expected_close,
            owner_id,
            next_step,
            actor_id,
        )
        await db.execute(
            """INSERT INTO opportunity_stage_change (opportunity, to_stage, actor)
               VALUES ($1, $2, $3)""",
            opportunity_id,
            stage.id,
            actor_id,
        )
    return opportunity_id


async def create(principal: Principal, data: OpportunityIn) -> OpportunityOut:
    account_owner = await _account_owner(data.account_id)
    check_account_write(principal, account_owner)
    owner_id = principal.id
    if data.owner_id is not None and data.owner_id != principal.id:
        if not principal.is_manager:
            raise Invalid("owner_id", "a rep's opportunities are his own")
        owner_id = data.owner_id
    elif principal.is_manager and account_owner is not None and data.owner_id is None:
        owner_id = account_owner  # a manager adding a deal to a rep's account: the rep's
    if owner_id != principal.id:
        role = await db.fetchval(
            "SELECT role FROM app_user WHERE id = $1 AND active AND role <> 'engineer'", owner_id
        )
        if role is None:
            raise Invalid("owner_id", "no active rep, supervisor or admin with this id")
    opportunity_id = await insert(
        account_id=data.account_id,
        name=data.name,
        amount=data.amount,
        expected_close=data.expected_close,
        owner_id=owner_id,
        actor_id=principal.id,
        stage_id=data.stage_id,
        next_step=data.next_step,
    )
    return await get(principal, opportunity_id)


async def get(principal: Principal, opportunity_id: int) -> OpportunityOut:
    row = await db.fetchrow(f"{OPPORTUNITY_SELECT} WHERE o.id = $1", opportunity_id)
    if row is None:
        raise NotFound("Opportunity not found")
    check_deal(principal, row["owner_id"], "Opportunity")
    history = await db.fetch(
        """SELECT h.at, h.from_stage AS from_stage_id, h.to_stage AS to_stage_id,
                  s.name AS to_stage_name, h.lost_reason, u.name AS actor_name
           FROM opportunity_stage_change h JOIN stage s ON s.id = h.to_stage
           LEFT JOIN app_user u ON u.id = h.actor
           WHERE h.opportunity = $1 ORDER BY h.at, h.id""",
        opportunity_id,
    )
    return from_row(OpportunityOut, row, history=[from_row(StageChangeOut, h) for h in history])


async def list_opportunities(
    principal: Principal,
    *,
    stage_id: int | None,
    owner_id: int | None,
    account_id: int | None,
    closing_before: date | None,
    closing_from: date | None = None,
    open_only: bool | None,
    q: str | None,
    sort: str | None,
    limit: int,
    offset: int,
) -> Page[OpportunityOut]:
    visible, args = deal_visibility(principal, "o", 1)
    where = [visible]
    for column, value in (("o.stage", stage_id), ("o.owner", owner_id), ("o.account", account_id)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if closing_before is not None:
        args.append(closing_before)
        where.append(f"o.expected_close < ${len(args)}")
    if closing_from is not None:
        args.append(closing_from)
        where.append(f"o.expected_close >= ${len(args)}")
    if open_only is not None:
        where.append("s.kind = 'open'" if open_only else "s.kind <> 'open'")
    if q:
        args.append(f"%{q.strip().lower()}%")
        where.append(f"(lower(o.name) LIKE ${len(args)} OR lower(a.name) LIKE ${len(args)})")
    order = order_by(sort, OPPORTUNITY_ORDER, "o.expected_close", "o.id")
    rows, total = await db.fetch_page(
        OPPORTUNITY_SELECT, " AND ".join(where), args, order, limit, offset
    )
    items = [from_row(OpportunityOut, r, history=None) for r in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


async def update(
    principal: Principal, opportunity_id: int, patch: OpportunityPatch
) -> OpportunityOut:
    changes: dict[str, Any] = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    async with db.transaction():
        current = await db.fetchrow(
            """SELECT o.owner, o.stage, s.kind FROM opportunity o JOIN stage s ON s.id = o.stage
               WHERE o.id = $1 FOR UPDATE OF o""",
            opportunity_id,
        )
        if current is None:
            raise NotFound("Opportunity not found")
        check_deal(principal, current["owner"], "Opportunity")
        new_stage = changes.pop("stage_id", None)
        lost_reason = changes.pop("lost_reason", None)
        if lost_reason is not None:
            changes["lost_reason"] = lost_reason.value
        if new_stage is not None and new_stage != current["stage"]:
            target = await stages.stage(new_stage)
            if target.kind == StageKind.LOST and lost_reason is None:
                raise Invalid("lost_reason", "required when the opportunity is lost")
            if target.kind != StageKind.LOST:
                changes.update(lost_reason=None, lost_note=None)
            changes["stage"] = target.id
            await db.execute(
                """INSERT INTO opportunity_stage_change (opportunity, from_stage, to_stage,
                       lost_reason, actor)
                   VALUES ($1, $2, $3, $4, $5)""",
                opportunity_id,
                current["stage"],
                target.id,
                changes.get("lost_reason"),
                principal.id,
            )
            closing = target.kind != StageKind.OPEN
            change = {
                "opportunity_id": opportunity_id,
                "from_stage_id": current["stage"],
                "to_stage_id": target.id,
            }
            await events.emit("opportunity.stage_changed", change)
            if target.kind == StageKind.WON:
                await events.emit("opportunity.won", change)
            elif target.kind == StageKind.LOST:
                await events.emit("opportunity.lost", {**change, "lost_reason": lost_reason})
            await db.execute(
                """UPDATE opportunity SET closed_at = CASE WHEN $2 THEN COALESCE(
                       CASE WHEN $3 THEN NULL ELSE closed_at END, now()) END
                   WHERE id = $1""",
                opportunity_id,
                closing,
                current["kind"] == StageKind.OPEN,
            )
        elif lost_reason is not None and current["kind"] != StageKind.LOST:
            raise Invalid("lost_reason", "only a lost opportunity has a lost reason")
        if "name" in changes:
            changes["name"] = changes["name"].strip()
        if "amount" in changes:
            changes["amount"] = check_money(changes["amount"], "amount")
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE opportunity SET {sets}, updated_at = now() WHERE id = $1",
                opportunity_id,
                *changes.values(),
            )
    return await get(principal, opportunity_id)
