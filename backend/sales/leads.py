"""Leads: capture with the duplicate check, reading with the score, changes while still open.
The one home of the lead table's INSERT and its UPDATEs other than the owner (pool.py) and the
conversion (conversion.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import UNSET, structs

from backend import db
from backend.access import (
    Principal,
    Role,
    check_lead_read,
    check_lead_write,
    lead_visibility,
)
from backend.customers.dedupe import normalise_name
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.sales import duplicates, events, pool
from backend.sales.duplicates import Keys
from backend.sales.schemas import LeadIn, LeadOut, LeadPatch
from backend.sales.score import SIGNALS_SQL, score
from backend.sales.tables import LeadStatus, PoolMoveKind
from backend.schemas import Page, Row, from_row, order_by

LEAD_SELECT = f"""
SELECT l.id, l.name, l.company, l.phone, l.email, l.source, l.notes, l.industry, l.district,
       l.lat, l.lng, l.status, l.disqualified_reason, l.owner AS owner_id, u.name AS owner_name,
       l.owner IS NULL AS pool, l.created_at, l.updated_at, l.converted_at,
       l.account AS account_id, l.contact AS contact_id, l.opportunity AS opportunity_id,
       {SIGNALS_SQL}
FROM lead l LEFT JOIN app_user u ON u.id = l.owner"""
LEAD_ORDER = {
    "created_at": "l.created_at",
    "updated_at": "l.updated_at",
    "name": "l.name",
    "status": "l.status",
}


def lead_out(row: Row) -> LeadOut:
    points, reasons = score(row)
    return from_row(LeadOut, row, score=points, score_reasons=reasons)


def duplicate_conflict(found: list[Any]) -> Conflict:
    return Conflict(
        "A likely duplicate lead, account or contact exists (same phone, e-mail or company)",
        matches=[structs.asdict(m) for m in found],
    )


def _keys_or_400(phone: str | None, email: str | None, company: str | None) -> Keys:
    if company is not None and not normalise_name(company):
        raise Invalid("company", "must contain letters or digits")
    return Keys.of(phone, email, company)


async def create_lead(principal: Principal, data: LeadIn, force: bool) -> LeadOut:
    if data.owner_id is UNSET:
        owner_id = principal.id if principal.role == Role.REP else None
    else:
        owner_id = data.owner_id
    if not principal.is_manager and owner_id != principal.id:
        raise Forbidden("Only supervisors and admins put leads in the pool or give them to others")
    if force and not principal.is_manager:
        raise Forbidden("Only supervisors and admins may create a lead despite a duplicate")
    keys = _keys_or_400(data.phone, data.email, data.company)
    async with db.transaction():
        await pool.check_owner(owner_id)
        await duplicates.lock(keys)
        if not force:
            found = await duplicates.matches(principal, keys)
            if found:
                raise duplicate_conflict(found)
        if owner_id is not None and owner_id != principal.id:
            await pool.check_room(owner_id, "lead")
        lead_id = await db.fetchval(
            """INSERT INTO lead (name, company, company_key, phone, phone_key, email, email_key,
                   source, notes, industry, district, lat, lng, owner, claimed_at, created_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                       CASE WHEN $14::int IS NULL THEN NULL ELSE now() END, $15)
               RETURNING id""",
            data.name.strip(),
            data.company,
            keys.company,
            data.phone,
            keys.phone,
            data.email,
            keys.email,
            data.source.value,
            data.notes,
            data.industry,
            data.district,
            data.lat,
            data.lng,
            owner_id,
            principal.id,
        )
        if owner_id is not None and owner_id != principal.id:
            await pool.record(
                PoolMoveKind.ASSIGNED, lead_id=lead_id, to_owner=owner_id, actor=principal.id
            )
        await events.emit(
            "lead.created", {"lead_id": lead_id, "owner_id": owner_id, "source": data.source.value}
        )
    return await get_lead(principal, lead_id)


async def lead_owner(lead_id: int, *, lock: bool = False) -> Row:
    """The lead's owner and status (locked for a change when asked); 404 when there is none."""
    row = await db.fetchrow(
        f"SELECT owner, status FROM lead WHERE id = $1{' FOR UPDATE' if lock else ''}", lead_id
    )
    if row is None:
        raise NotFound("Lead not found")
    return row


def check_open(row: Row) -> None:
    if row["status"] == LeadStatus.CONVERTED:
        raise Conflict("The lead is converted and read-only", status=row["status"])


async def get_lead(principal: Principal, lead_id: int) -> LeadOut:
    row = await db.fetchrow(f"{LEAD_SELECT} WHERE l.id = $1", lead_id)
    if row is None:
        raise NotFound("Lead not found")
    check_lead_read(principal, row["owner_id"])
    return lead_out(row)


async def list_leads(
    principal: Principal,
    *,
    status: str | None,
    owner_id: int | None,
    q: str | None,
    pool_only: bool | None,
    source: str | None,
    sort: str | None,
    limit: int,
    offset: int,
) -> Page[LeadOut]:
    visible, args = lead_visibility(principal, 1)
    where = [visible]
    for column, value in (("l.status", status), ("l.owner", owner_id), ("l.source", source)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if pool_only is not None:
        where.append("l.owner IS NULL" if pool_only else "l.owner IS NOT NULL")
    if q:
        args.append(f"%{q.strip().lower()}%")
        args.append(f"%{normalise_name(q) or q.strip().lower()}%")
        n = len(args)
        where.append(
            f"(lower(l.name) LIKE ${n - 1} OR l.company_key LIKE ${n} "
            f"OR l.phone_key LIKE ${n - 1} OR l.email_key LIKE ${n - 1})"
        )
    order = order_by(sort, LEAD_ORDER, "l.created_at DESC", "l.id DESC")
    rows, total = await db.fetch_page(LEAD_SELECT, " AND ".join(where), args, order, limit, offset)
    return Page(items=[lead_out(r) for r in rows], total=total, limit=limit, offset=offset)


def _status_change(changes: dict[str, Any], current: Row) -> None:
    """A status asked for: working (from new or disqualified) or disqualified with a reason."""
    wanted = changes.get("status")
    if wanted is None:
        if changes.get("disqualified_reason") and current["status"] != LeadStatus.DISQUALIFIED:
            raise Invalid("disqualified_reason", "only a disqualified lead has a reason")
        return
    if wanted in (LeadStatus.CONVERTED, LeadStatus.NEW):
        raise Invalid("status", "working or disqualified; a lead is converted by /convert")
    changes["status"] = wanted.value
    if wanted == LeadStatus.DISQUALIFIED:
        if not changes.get("disqualified_reason"):
            raise Invalid("disqualified_reason", "required to disqualify a lead")
    else:
        changes["disqualified_reason"] = None


async def update_lead(principal: Principal, lead_id: int, patch: LeadPatch) -> LeadOut:
    changes: dict[str, Any] = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    async with db.transaction():
        current = await db.fetchrow(
            "SELECT owner, status, phone, email, company FROM lead WHERE id = $1 FOR UPDATE",
            lead_id,
        )
        if current is None:
            raise NotFound("Lead not found")
        check_lead_write(principal, current["owner"])
        check_open(current)
        _status_change(changes, current)
        if "name" in changes:
            changes["name"] = changes["name"].strip()
        if "source" in changes:
            changes["source"] = changes["source"].value
        if {"phone", "email", "company"} & changes.keys():
            keys = _keys_or_400(
                changes.get("phone", current["phone"]),
                changes.get("email", current["email"]),
                changes.get("company", current["company"]),
            )
            # Only what changes is checked: an old likeness let through before stays let through.
            changed = Keys(
                keys.phone if "phone" in changes else None,
                keys.email if "email" in changes else None,
                keys.company if "company" in changes else None,
            )
            await duplicates.lock(changed)
            found = await duplicates.matches(principal, changed, exclude_lead=lead_id)
            if found:
                raise duplicate_conflict(found)
            changes.update(phone_key=keys.phone, email_key=keys.email, company_key=keys.company)
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE lead SET {sets}, updated_at = now() WHERE id = $1",
                lead_id,
                *changes.values(),
            )
    return await get_lead(principal, lead_id)


async def insert_service_lead(
    *, account_id: int, note: str, engineer_id: int, work_order_id: int, at: datetime
) -> tuple[int, int | None]:
    """A lead (source service) an engineer raised on a job: for the account's owner, or the pool
    when it has none; about the account (lead.account), named after its decision maker. No
    duplicate check: it is about a customer we have, on purpose. Returns (lead id, owner id)."""
    account = await db.fetchrow(
        """SELECT a.name, a.name_key, a.phone, a.phone_key, a.owner, a.lat, a.lng, a.industry,
                  a.district,
                  (SELECT c.name FROM contact c WHERE c.account = a.id
                   ORDER BY c.decision_maker DESC, c.id LIMIT 1) AS contact_name
           FROM account a WHERE a.id = $1""",
        account_id,
    )
    if account is None:
        raise NotFound("Account not found")
    owner: int | None = account["owner"]
    lead_id: int = await db.fetchval(
        """INSERT INTO lead (name, company, company_key, phone, phone_key, source, notes,
               industry, district, lat, lng, owner, claimed_at, pooled_at, created_by,
               created_at, updated_at, account)
           VALUES ($1, $2, $3, $4, $5, 'service', $6, $7, $8, $9, $10, $11,
                   CASE WHEN $11::int IS NULL THEN NULL ELSE $13::timestamptz END,
                   CASE WHEN $11::int IS NULL THEN $13::timestamptz END, $12, $13, $13, $14)
           RETURNING id""",
        (account["contact_name"] or account["name"])[:120],
        account["name"],
        account["name_key"],
        account["phone"],
        account["phone_key"],
        f"Work order #{work_order_id}: {note}"[:2000],
        account["industry"],
        account["district"],
        account["lat"],
        account["lng"],
        owner,
        engineer_id,
        at,
        account_id,
    )
    await pool.record(
        PoolMoveKind.ASSIGNED,
        lead_id=lead_id,
        to_owner=owner,
        actor=engineer_id,
        reason=f"service: work order #{work_order_id}",
        at=at,
    )
    return lead_id, owner
