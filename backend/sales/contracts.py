"""Contracts (合同): drawing one up with a payment plan that adds up to its amount, and its life
draft → pending_approval → active → completed | void, each step recorded. Amounts at or above
the approval threshold wait for a supervisor's approval; smaller ones activate on submit. The one
home of the contract, contract_event and payment_plan INSERTs and of the contract's status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend import db
from backend.access import (
    Principal,
    check_account_write,
    check_deal,
    check_manager,
    deal_visibility,
)
from backend.clock import today
from backend.errors import Conflict, Invalid, NotFound
from backend.sales import events
from backend.sales.schemas import (
    ContractEventOut,
    ContractIn,
    ContractOut,
    PaymentOut,
    PlanLineOut,
    check_money,
)
from backend.sales.tables import ContractEventKind, ContractStatus
from backend.schemas import Page, Row, from_row, order_by
from backend.settings import get_settings

# Money figures of each contract in the same statement: received, outstanding, overdue today ($1).
CONTRACT_SELECT = """
SELECT c.id, c.number, c.account AS account_id, a.name AS account_name,
       c.opportunity AS opportunity_id, c.owner AS owner_id, u.name AS owner_name, c.title,
       c.amount, c.currency, c.starts_on, c.ends_on, c.status, c.created_at,
       COALESCE(p.paid, 0)::numeric(14, 2) AS received,
       (c.amount - COALESCE(p.paid, 0))::numeric(14, 2) AS outstanding,
       COALESCE(p.overdue, 0)::numeric(14, 2) AS overdue
FROM contract c JOIN account a ON a.id = c.account JOIN app_user u ON u.id = c.owner
LEFT JOIN LATERAL (
    SELECT sum(pp.paid) AS paid,
           sum(pp.amount - pp.paid) FILTER (WHERE pp.due_on < $1 AND pp.paid < pp.amount)
               AS overdue
    FROM payment_plan pp WHERE pp.contract = c.id
) p ON TRUE"""
# What ?sort= may order contracts by.
CONTRACT_ORDER = {
    "number": "c.number",
    "title": "c.title",
    "account_name": "a.name",
    "owner_name": "u.name",
    "amount": "c.amount",
    "received": "COALESCE(p.paid, 0)",
    "outstanding": "c.amount - COALESCE(p.paid, 0)",
    "starts_on": "c.starts_on",
    "ends_on": "c.ends_on",
    "status": "c.status",
    "created_at": "c.created_at",
}


def line_status(amount: Decimal, paid: Decimal) -> str:
    if paid >= amount:
        return "paid"
    return "partial" if paid > 0 else "pending"


def _contract_out(row: Row, **details: Any) -> ContractOut:
    threshold = Decimal(get_settings().approval_threshold)
    return from_row(
        ContractOut,
        row,
        needs_approval=row["amount"] >= threshold,
        payment_plan=details.get("payment_plan"),
        payments=details.get("payments"),
        events=details.get("events"),
    )


def _check_plan(data: ContractIn) -> tuple[Decimal, list[tuple[Any, Decimal]]]:
    amount = check_money(data.amount, "amount", positive=True)
    if data.ends_on < data.starts_on:
        raise Invalid("ends_on", "must not be before starts_on")
    if not data.payment_plan:
        raise Invalid("payment_plan", "at least one line")
    if len(data.payment_plan) > 120:
        raise Invalid("payment_plan", "at most 120 lines")
    lines = [
        (line.due_on, check_money(line.amount, f"payment_plan[{i}].amount", positive=True))
        for i, line in enumerate(data.payment_plan)
    ]
    planned = sum((a for _, a in lines), Decimal(0))
    if planned != amount:
        raise Invalid("payment_plan", f"the lines add up to {planned}, not the amount {amount}")
    return amount, sorted(lines, key=lambda line: line[0])  # line 1 falls due first


async def create(principal: Principal, data: ContractIn) -> ContractOut:
    amount, lines = _check_plan(data)
    account = await db.fetchrow("SELECT owner FROM account WHERE id = $1", data.account_id)
    if account is None:
        raise Invalid("account_id", "no such account")
    check_account_write(principal, account["owner"])
    if data.opportunity_id is not None:
        deal = await db.fetchrow(
            "SELECT account, owner FROM opportunity WHERE id = $1", data.opportunity_id
        )
        if deal is None or deal["account"] != data.account_id:
            raise Invalid("opportunity_id", "no opportunity of this account with this id")
        check_deal(principal, deal["owner"], "Opportunity")
    owner = account["owner"] or principal.id
    async with db.transaction():
        async with db.unique_or(Conflict("A contract with this number exists", field="number")):
            contract_id = await db.fetchval(
                """INSERT INTO contract (number, account, opportunity, owner, title, amount,
                       currency, starts_on, ends_on, created_by)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
                data.number,
                data.account_id,
                data.opportunity_id,
                owner,
                data.title.strip(),
                amount,
                get_settings().currency,
                data.starts_on,
                data.ends_on,
                principal.id,
            )
        await db.execute(
            """INSERT INTO payment_plan (contract, line, due_on, amount)
               SELECT $1, n, d, a FROM unnest($2::date[], $3::numeric[]) WITH ORDINALITY
                   AS t(d, a, n)""",
            contract_id,
            [d for d, _ in lines],
            [a for _, a in lines],
        )
    return await get(principal, contract_id)


async def free_number(year: int) -> str:
    """A number not taken yet in the pattern HT-<year>-<nnnn> (the demo's), to suggest."""
    taken = await db.fetchval("SELECT count(*) FROM contract WHERE number LIKE $1", f"HT-{year}-%")
    n = int(taken) + 1
    while await db.fetchval("SELECT 1 FROM contract WHERE number = $1", f"HT-{year}-{n:04d}"):
        n += 1
    return f"HT-{year}-{n:04d}"


async def get(principal: Principal, contract_id: int) -> ContractOut:
    row = await db.fetchrow(f"{CONTRACT_SELECT} WHERE c.id = $2", today(), contract_id)
    if row is None:
        raise NotFound("Contract not found")
    check_deal(principal, row["owner_id"], "Contract")
    plan = await db.fetch(
        "SELECT line, due_on, amount, paid FROM payment_plan WHERE contract = $1 ORDER BY line",
        contract_id,
    )
    payments = await db.fetch(
        """SELECT id, contract AS contract_id, amount, received_on, method, reference, created_at
           FROM payment WHERE contract = $1 ORDER BY received_on, id""",
        contract_id,
    )
    events = await db.fetch(
        """SELECT e.kind, e.at, u.name AS actor_name, e.reason FROM contract_event e
           LEFT JOIN app_user u ON u.id = e.actor WHERE e.contract = $1 ORDER BY e.at, e.id""",
        contract_id,
    )
    day = today()
    return _contract_out(
        row,
        payment_plan=[
            from_row(
                PlanLineOut,
                p,
                status=line_status(p["amount"], p["paid"]),
                overdue=p["due_on"] < day and p["paid"] < p["amount"],
            )
            for p in plan
        ],
        payments=[from_row(PaymentOut, p) for p in payments],
        events=[from_row(ContractEventOut, e) for e in events],
    )


async def list_contracts(
    principal: Principal,
    *,
    status: str | None,
    account_id: int | None,
    owner_id: int | None,
    overdue: bool | None,
    q: str | None,
    limit: int,
    offset: int,
    sort: str | None = None,
) -> Page[ContractOut]:
    visible, args = deal_visibility(principal, "c", 2)
    args = [today(), *args]
    where = [visible]
    for column, value in (("c.status", status), ("c.account", account_id), ("c.owner", owner_id)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if overdue is not None:
        where.append("COALESCE(p.overdue, 0) > 0" if overdue else "COALESCE(p.overdue, 0) = 0")
    if q:
        args.append(f"%{q.strip().lower()}%")
        n = len(args)
        where.append(
            f"(lower(c.number) LIKE ${n} OR lower(c.title) LIKE ${n} OR lower(a.name) LIKE ${n})"
        )
    order = order_by(sort, CONTRACT_ORDER, "c.created_at DESC", "c.id DESC")
    where_sql = " AND ".join(where)
    rows, total = await db.fetch_page(CONTRACT_SELECT, where_sql, args, order, limit, offset)
    return Page(items=[_contract_out(r) for r in rows], total=total, limit=limit, offset=offset)


# --- its life -------------------------------------------------------------------------------------


async def _event(contract_id: int, kind: ContractEventKind, actor: int, reason: str | None) -> None:
    await db.execute(
        "INSERT INTO contract_event (contract, kind, actor, reason) VALUES ($1, $2, $3, $4)",
        contract_id,
        kind.value,
        actor,
        reason,
    )


async def locked(principal: Principal, contract_id: int) -> Row:
    row = await db.fetchrow(
        "SELECT owner, status, amount FROM contract WHERE id = $1 FOR UPDATE", contract_id
    )
    if row is None:
        raise NotFound("Contract not found")
    check_deal(principal, row["owner"], "Contract")
    return row


def _expect(row: Row, *statuses: ContractStatus) -> None:
    if row["status"] not in statuses:
        raise Conflict(f"Not possible while the contract is {row['status']}", status=row["status"])


async def _set_status(contract_id: int, status: ContractStatus) -> None:
    if status == ContractStatus.ACTIVE:
        await events.emit("contract.activated", {"contract_id": contract_id})
    await db.execute(
        """UPDATE contract SET status = $2::text, updated_at = now(),
               activated_at = CASE WHEN $2::text = 'active' THEN now() ELSE activated_at END
           WHERE id = $1""",
        contract_id,
        status.value,
    )


async def submit(principal: Principal, contract_id: int) -> ContractOut:
    """A draft goes for approval, or straight to active below the approval threshold."""
    async with db.transaction():
        row = await locked(principal, contract_id)
        _expect(row, ContractStatus.DRAFT)
        await _event(contract_id, ContractEventKind.SUBMITTED, principal.id, None)
        if row["amount"] >= Decimal(get_settings().approval_threshold):
            await _set_status(contract_id, ContractStatus.PENDING_APPROVAL)
        else:
            await _event(contract_id, ContractEventKind.ACTIVATED, principal.id, None)
            await _set_status(contract_id, ContractStatus.ACTIVE)
    return await get(principal, contract_id)


async def decide(
    principal: Principal, contract_id: int, approve: bool, reason: str | None
) -> ContractOut:
    """A supervisor's (or admin's) approval, or rejection with its reason (back to draft)."""
    check_manager(principal, "approve or reject contracts")
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise Invalid("reason", "say why the contract is rejected")
    async with db.transaction():
        row = await locked(principal, contract_id)
        _expect(row, ContractStatus.PENDING_APPROVAL)
        if approve:
            await _event(contract_id, ContractEventKind.APPROVED, principal.id, reason)
            await _event(contract_id, ContractEventKind.ACTIVATED, principal.id, None)
            await _set_status(contract_id, ContractStatus.ACTIVE)
        else:
            await _event(contract_id, ContractEventKind.REJECTED, principal.id, reason)
            await _set_status(contract_id, ContractStatus.DRAFT)
    return await get(principal, contract_id)


async def complete(principal: Principal, contract_id: int) -> ContractOut:
    """An active contract whose plan is paid in full is completed."""
    async with db.transaction():
        row = await locked(principal, contract_id)
        _expect(row, ContractStatus.ACTIVE)
        unpaid = await db.fetchval(
            "SELECT COALESCE(sum(amount - paid), 0) FROM payment_plan WHERE contract = $1",
            contract_id,
        )
        if unpaid > 0:
            raise Conflict("The contract is not paid in full", outstanding=str(unpaid))
        await _event(contract_id, ContractEventKind.COMPLETED, principal.id, None)
        await _set_status(contract_id, ContractStatus.COMPLETED)
    return await get(principal, contract_id)


async def void(principal: Principal, contract_id: int, reason: str | None) -> ContractOut:
    """A draft or pending contract voided by its owner; an active one only by a manager."""
    reason = (reason or "").strip() or None
    if reason is None:
        raise Invalid("reason", "say why the contract is void")
    async with db.transaction():
        row = await locked(principal, contract_id)
        _expect(row, ContractStatus.DRAFT, ContractStatus.PENDING_APPROVAL, ContractStatus.ACTIVE)
        if row["status"] == ContractStatus.ACTIVE:
            check_manager(principal, "void an active contract")
        await _event(contract_id, ContractEventKind.VOIDED, principal.id, reason)
        await _set_status(contract_id, ContractStatus.VOID)
    return await get(principal, contract_id)
