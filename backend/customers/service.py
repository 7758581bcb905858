"""Customer base: accounts with the duplicate check, and their contacts."""

from __future__ import annotations

from typing import Any

from msgspec import UNSET, structs

from backend import db
from backend.access import (
    Principal,
    Role,
    account_visibility,
    check_account_read,
    check_account_write,
    check_owner_assignment,
)
from backend.customers import ownership
from backend.customers.dedupe import normalise_email, normalise_name, normalise_phone
from backend.customers.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    ContactIn,
    ContactOut,
)
from backend.errors import Conflict, Invalid, NotFound
from backend.schemas import Page, from_row, order_by, page

ACCOUNT_SELECT = """
SELECT a.id, a.name, a.phone, a.grade, a.vip, a.owner AS owner_id, u.name AS owner_name,
       a.owner IS NULL AS pool, a.address, a.lat, a.lng, a.source, a.last_contacted_at,
       a.created_at, a.industry, a.district
FROM account a LEFT JOIN app_user u ON u.id = a.owner"""
# What ?sort= may order accounts by.
ACCOUNT_ORDER = {
    "name": "a.name",
    "grade": "a.grade",
    "owner_name": "u.name",
    "last_contacted_at": "a.last_contacted_at",
    "created_at": "a.created_at",
}


# --- accounts ----------------------------------------------------------------------------------


async def _check_owner_exists(owner_id: int | None) -> None:
    if owner_id is None:
        return
    role = await db.fetchval("SELECT role FROM app_user WHERE id = $1 AND active", owner_id)
    if role is None:
        raise Invalid("owner_id", "no active user with this id")
    if role not in (Role.REP.value, Role.SUPERVISOR.value, Role.ADMIN.value):
        raise Invalid("owner_id", "accounts are owned by reps, supervisors or admins")


async def find_duplicate(name: str, phone: str | None, exclude_id: int | None = None) -> int | None:
    phone_key = normalise_phone(phone)
    return await db.fetchval(
        """SELECT id FROM account
           WHERE (name_key = $1 OR ($2::text IS NOT NULL AND phone_key = $2))
             AND id IS DISTINCT FROM $3
           ORDER BY id LIMIT 1""",
        normalise_name(name),
        phone_key,
        exclude_id,
    )


async def _lock_keys(name: str, phone: str | None) -> None:
    """Serialises creates of the same name or phone, so two reps cannot both slip past the check."""
    for key in ("n:" + normalise_name(name), "p:" + (normalise_phone(phone) or "")):
        if key not in ("n:", "p:"):
            await db.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)


async def create_account(principal: Principal, data: AccountIn, force: bool) -> AccountOut:
    owner_id = data.owner_id
    if owner_id is None and principal.role == Role.REP:
        owner_id = principal.id
    check_owner_assignment(principal, owner_id)
    await _check_owner_exists(owner_id)
    if not normalise_name(data.name):
        raise Invalid("name", "must contain letters or digits")
    async with db.transaction():
        await _lock_keys(data.name, data.phone)
        if not force:
            duplicate = await find_duplicate(data.name, data.phone)
            if duplicate is not None:
                raise Conflict(
                    "A likely duplicate account exists (same phone or name); "
                    "use ?force=true to create anyway",
                    duplicate_of=duplicate,
                )
        account_id = await db.fetchval(
            """INSERT INTO account (name, name_key, phone, phone_key, grade, vip, owner, address,
                   lat, lng, source, industry, district, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
               RETURNING id""",
            data.name.strip(),
            normalise_name(data.name),
            data.phone,
            normalise_phone(data.phone),
            data.grade.value,
            data.vip,
            owner_id,
            data.address,
            data.lat,
            data.lng,
            data.source,
            data.industry,
            data.district,
        )
    return await get_account(principal, account_id)


async def _account_owner(account_id: int) -> int | None:
    row = await db.fetchrow("SELECT owner FROM account WHERE id = $1", account_id)
    if row is None:
        raise NotFound("Account not found")
    return row["owner"]


async def get_account(principal: Principal, account_id: int) -> AccountOut:
    check_account_read(principal, await _account_owner(account_id))
    row = await db.fetchrow(f"{ACCOUNT_SELECT} WHERE a.id = $1", account_id)
    assert row is not None
    return from_row(AccountOut, row)


async def list_accounts(
    principal: Principal,
    *,
    q: str | None,
    grade: str | None,
    owner_id: int | None,
    pool: bool | None,
    vip: bool | None,
    limit: int,
    offset: int,
    sort: str | None = None,
) -> Page[AccountOut]:
    visible, args = account_visibility(principal, 1)
    where = [visible]
    if q:
        args.append(f"%{normalise_name(q) or q.lower()}%")
        n = len(args)
        where.append(f"(a.name_key LIKE ${n} OR a.phone_key LIKE ${n} OR lower(a.name) LIKE ${n})")
    for column, value in (("a.grade", grade), ("a.owner", owner_id), ("a.vip", vip)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if pool is not None:
        where.append("a.owner IS NULL" if pool else "a.owner IS NOT NULL")
    order = order_by(sort, ACCOUNT_ORDER, "a.id", "a.id")
    return await page(AccountOut, ACCOUNT_SELECT, " AND ".join(where), args, order, limit, offset)


async def update_account(principal: Principal, account_id: int, patch: AccountPatch) -> AccountOut:
    changes: dict[str, Any] = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    async with db.transaction():
        owner = await db.fetchrow(
            "SELECT owner, name, phone FROM account WHERE id = $1 FOR UPDATE", account_id
        )
        if owner is None:
            raise NotFound("Account not found")
        check_account_write(principal, owner["owner"])
        if "owner_id" in changes:
            new_owner = changes.pop("owner_id")
            check_owner_assignment(principal, new_owner)
            await _check_owner_exists(new_owner)
            await ownership.hand_over(principal, account_id, owner["owner"], new_owner)
        if "name" in changes:
            if not normalise_name(changes["name"]):
                raise Invalid("name", "must contain letters or digits")
            changes["name_key"] = normalise_name(changes["name"])
        if "phone" in changes:
            changes["phone_key"] = normalise_phone(changes["phone"])
        if "grade" in changes:
            changes["grade"] = changes["grade"].value
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE account SET {sets} WHERE id = $1", account_id, *changes.values()
            )
    return await get_account(principal, account_id)


# --- contacts ----------------------------------------------------------------------------------


async def create_contact(principal: Principal, data: ContactIn) -> ContactOut:
    check_account_write(principal, await _account_owner(data.account_id))
    row = await db.fetchrow(
        """INSERT INTO contact (account, name, title, phone, email, decision_maker, phone_key,
               email_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id, account AS account_id, name, title, phone, email, decision_maker""",
        data.account_id,
        data.name,
        data.title,
        data.phone,
        data.email,
        data.decision_maker,
        normalise_phone(data.phone),
        normalise_email(data.email),
    )
    assert row is not None
    return from_row(ContactOut, row)


async def list_contacts(principal: Principal, account_id: int) -> list[ContactOut]:
    check_account_read(principal, await _account_owner(account_id))
    rows = await db.fetch(
        """SELECT id, account AS account_id, name, title, phone, email, decision_maker
           FROM contact WHERE account = $1 ORDER BY decision_maker DESC, id""",
        account_id,
    )
    return [from_row(ContactOut, r) for r in rows]
