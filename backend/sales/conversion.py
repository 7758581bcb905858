"""A lead's conversion: the account (a match reused, preferring the lead owner's own, else one
from the pool claimed under its rules, else a new one), its contact, optionally an opportunity;
then the lead is frozen (read-only: later writes are 409)."""

from __future__ import annotations

from datetime import datetime

from backend import db
from backend.access import Principal, check_account_write, check_lead_write
from backend.activity.followups import carry_lead_follow_ups
from backend.clock import now_utc
from backend.customers.dedupe import normalise_name
from backend.errors import Conflict, Invalid
from backend.sales import events, leads, opportunities, pool
from backend.sales.schemas import ConvertIn, ConvertOut
from backend.sales.tables import PoolMoveKind
from backend.schemas import Row

# Accounts like the lead (company name or phone): the owner's own first, then the pool's,
# then the rest (a colleague's customer: the conversion stops and says whose it is).
MATCHING_ACCOUNTS = """
SELECT a.id, a.owner, u.name AS owner_name FROM account a LEFT JOIN app_user u ON u.id = a.owner
WHERE ($2::text IS NOT NULL AND a.name_key = $2) OR ($3::text IS NOT NULL AND a.phone_key = $3)
ORDER BY a.owner = $1 DESC NULLS LAST, a.owner IS NULL DESC, a.id
LIMIT 1 FOR UPDATE OF a"""


async def _account_for(
    principal: Principal, lead: Row, owner: int, now: datetime
) -> tuple[int, bool]:
    """The account the lead becomes (id, reused?)."""
    match = await db.fetchrow(MATCHING_ACCOUNTS, owner, lead["company_key"], lead["phone_key"])
    if match is None:
        name = lead["company"] or lead["name"]
        account_id: int = await db.fetchval(
            """INSERT INTO account (name, name_key, phone, phone_key, owner, claimed_at, lat, lng,
                   source, industry, district, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $6) RETURNING id""",
            name,
            normalise_name(name) or name.lower(),
            lead["phone"],
            lead["phone_key"],
            owner,
            now,
            lead["lat"],
            lead["lng"],
            f"lead:{lead['source']}",
            lead["industry"],
            lead["district"],
        )
        return account_id, False
    if match["owner"] == owner:
        return match["id"], True
    if match["owner"] is None:
        # The customer sits in the pool: the lead's owner claims it, under the pool's rules.
        await pool.check_room(owner, "account")
        await pool.move("account", match["id"], owner, now, only_pooled=True)
        await pool.record(
            PoolMoveKind.CLAIMED, account_id=match["id"], to_owner=owner, actor=principal.id
        )
        return match["id"], True
    raise Conflict(
        "The company is already a colleague's customer",
        matches=[{"type": "account", "owner_name": match["owner_name"], "pool": False}],
    )


async def convert(principal: Principal, lead_id: int, data: ConvertIn) -> ConvertOut:
    now = now_utc()
    async with db.transaction():
        lead = await db.fetchrow("SELECT * FROM lead WHERE id = $1 FOR UPDATE", lead_id)
        if lead is None:
            await leads.lead_owner(lead_id)  # the 404
            raise AssertionError
        check_lead_write(principal, lead["owner"])
        leads.check_open(lead)
        if lead["status"] == "disqualified":
            raise Conflict("The lead is disqualified; reopen it first", status=lead["status"])
        owner: int | None = lead["owner"]
        if owner is None:
            raise Conflict("The lead is in the pool: claim or assign it first", rule="in_pool")
        if data.account_id is not None:
            account_owner = await db.fetchval(
                "SELECT owner FROM account WHERE id = $1 FOR UPDATE", data.account_id
            )
            if account_owner is None and not await db.fetchval(
                "SELECT EXISTS (SELECT 1 FROM account WHERE id = $1)", data.account_id
            ):
                raise Invalid("account_id", "no such account")
            check_account_write(principal, account_owner)
            account_id, reused = data.account_id, True
        else:
            account_id, reused = await _account_for(principal, lead, owner, now)
        contact_id = await db.fetchval(
            """SELECT id FROM contact WHERE account = $1
                 AND ((phone_key IS NOT NULL AND phone_key = $2)
                   OR (email_key IS NOT NULL AND email_key = $3))
               ORDER BY id LIMIT 1""",
            account_id,
            lead["phone_key"],
            lead["email_key"],
        )
        if contact_id is None:
            contact_id = await db.fetchval(
                """INSERT INTO contact (account, name, phone, email, phone_key, email_key)
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
                account_id,
                lead["name"],
                lead["phone"],
                lead["email"],
                lead["phone_key"],
                lead["email_key"],
            )
        opportunity_id = None
        if data.opportunity is not None:
            opportunity_id = await opportunities.insert(
                account_id=account_id,
                name=data.opportunity.name,
                amount=data.opportunity.amount,
                expected_close=data.opportunity.expected_close,
                owner_id=owner,
                actor_id=principal.id,
                amount_field="opportunity.amount",
            )
        await db.execute(
            """UPDATE lead SET status = 'converted', converted_at = $2, account = $3,
                   contact = $4, opportunity = $5, updated_at = $2
               WHERE id = $1""",
            lead_id,
            now,
            account_id,
            contact_id,
            opportunity_id,
        )
        async with db.connection() as conn:
            await carry_lead_follow_ups(conn, lead_id, account_id)
        await events.emit(
            "lead.converted",
            {
                "lead_id": lead_id,
                "account_id": account_id,
                "contact_id": contact_id,
                "opportunity_id": opportunity_id,
            },
        )
    return ConvertOut(
        account_id=account_id,
        contact_id=contact_id,
        opportunity_id=opportunity_id,
        account_reused=reused,
    )
