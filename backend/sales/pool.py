"""The public pool (公海): its rules (settings), claims under the caps and the cool-down,
releases with a reason, managers' assignments, and the record of every move (pool_move's one
home). Recycling by the clock is in recycling.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from backend import db
from backend.access import (
    Principal,
    Role,
    check_account_read,
    check_account_write,
    check_lead_read,
    check_lead_write,
    check_manager,
)
from backend.clock import company_day, day_start, now_utc
from backend.customers import ownership
from backend.customers.dedupe import normalise_name
from backend.errors import Conflict, Invalid, NotFound
from backend.sales.pool_settings import settings
from backend.sales.schemas import PoolItem, PoolMoveOut, PoolPage, PoolSettings
from backend.sales.tables import OPEN_LEAD, PoolMoveKind
from backend.schemas import from_row

Kind = Literal["account", "lead"]

OPEN_LEAD_SQL = "(" + ", ".join(f"'{s.value}'" for s in OPEN_LEAD) + ")"


# --- the rules ------------------------------------------------------------------------------------


async def check_owner(owner_id: int | None) -> None:
    """A lead or account is owned by an active rep, supervisor or admin."""
    if owner_id is None:
        return
    role = await db.fetchval("SELECT role FROM app_user WHERE id = $1 AND active", owner_id)
    if role is None:
        raise Invalid("owner_id", "no active user with this id")
    if role not in (Role.REP.value, Role.SUPERVISOR.value, Role.ADMIN.value):
        raise Invalid("owner_id", "owned by reps, supervisors or admins only")


async def check_room(owner_id: int, kind: Kind, rules: PoolSettings | None = None) -> None:
    """The owned cap: a rep holds at most owned_cap accounts and owned_lead_cap open leads."""
    rules = rules or await settings()
    if kind == "account":
        cap, rule = rules.owned_cap, "owned_cap"
        held = await db.fetchval("SELECT count(*) FROM account WHERE owner = $1", owner_id)
    else:
        cap, rule = rules.owned_lead_cap, "owned_lead_cap"
        held = await db.fetchval(
            f"SELECT count(*) FROM lead WHERE owner = $1 AND status IN {OPEN_LEAD_SQL}", owner_id
        )
    if held >= cap:
        raise Conflict(f"At the cap of {cap} owned {kind}s", rule=rule, cap=cap, held=held)


async def claims_today(user_id: int, now: datetime) -> int:
    start = day_start(company_day(now))
    return int(
        await db.fetchval(
            "SELECT count(*) FROM pool_move WHERE kind = 'claimed' AND to_owner = $1 AND at >= $2",
            user_id,
            start,
        )
    )


async def _check_claim_rules(user_id: int, kind: Kind, subject_id: int, now: datetime) -> None:
    rules = await settings()
    claimed = await claims_today(user_id, now)
    if claimed >= rules.daily_claim_cap:
        raise Conflict(
            f"At today's cap of {rules.daily_claim_cap} claims",
            rule="daily_claim_cap",
            cap=rules.daily_claim_cap,
            claimed_today=claimed,
        )
    await check_room(user_id, kind, rules)
    if rules.former_owner_cooldown_days:
        left_at = await db.fetchval(
            f"""SELECT max(at) FROM pool_move
                WHERE {kind} = $1 AND from_owner = $2 AND kind IN ('released', 'recycled')""",
            subject_id,
            user_id,
        )
        until = left_at + timedelta(days=rules.former_owner_cooldown_days) if left_at else None
        if until is not None and until > now:
            raise Conflict(
                f"A former owner may claim it again after {rules.former_owner_cooldown_days} days",
                rule="former_owner_cooldown_days",
                until=until.isoformat(),
            )


async def record(
    kind: PoolMoveKind,
    *,
    account_id: int | None = None,
    lead_id: int | None = None,
    from_owner: int | None = None,
    to_owner: int | None = None,
    actor: int | None = None,
    reason: str | None = None,
    rule_days: int | None = None,
    at: datetime | None = None,
) -> None:
    await db.execute(
        """INSERT INTO pool_move (account, lead, kind, from_owner, to_owner, actor, reason,
               rule_days, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now()))""",
        account_id,
        lead_id,
        kind.value,
        from_owner,
        to_owner,
        actor,
        reason,
        rule_days,
        at,
    )


# --- claim, release, assign -----------------------------------------------------------------------


async def _subject(kind: Kind, subject_id: int, *, lock: bool) -> tuple[int | None, str | None]:
    """Owner and (for a lead) status; 404 when there is none."""
    status = "status" if kind == "lead" else "NULL::text"
    row = await db.fetchrow(
        f"SELECT owner, {status} AS status FROM {kind} WHERE id = $1"
        + (" FOR UPDATE" if lock else ""),
        subject_id,
    )
    if row is None:
        raise NotFound(f"{kind.title()} not found")
    return row["owner"], row["status"]


def _check_lead_open(status: str | None) -> None:
    if status == "converted":
        raise Conflict("The lead is converted and read-only", status=status)
    if status == "disqualified":
        raise Conflict("The lead is disqualified; reopen it first", status=status)


async def _move_lead(lead_id: int, to_owner: int | None, at: datetime, only_pooled: bool) -> bool:
    moved = await db.fetchval(
        f"""UPDATE lead SET owner = $2,
               claimed_at = CASE WHEN $2::int IS NULL THEN claimed_at ELSE $3 END,
               pooled_at = CASE WHEN $2::int IS NULL THEN $3 END,
               recycle_warned_at = NULL, updated_at = $3
            WHERE id = $1 AND status IN {OPEN_LEAD_SQL} AND (NOT $4 OR owner IS NULL)
            RETURNING id""",
        lead_id,
        to_owner,
        at,
        only_pooled,
    )
    return moved is not None


async def move(
    kind: Kind, subject_id: int, to_owner: int | None, at: datetime, *, only_pooled: bool = False
) -> bool:
    if kind == "account":
        return bool(await ownership.move_owner([subject_id], to_owner, at, only_pooled=only_pooled))
    return await _move_lead(subject_id, to_owner, at, only_pooled)


async def _claimed_out_of_pool(kind: Kind, subject_id: int) -> bool:
    """Whether its latest move was a claim: it sat in the pool, open to every rep, until then."""
    last = await db.fetchval(
        f"SELECT kind FROM pool_move WHERE {kind} = $1 ORDER BY at DESC, id DESC LIMIT 1",
        subject_id,
    )
    return bool(last == PoolMoveKind.CLAIMED.value)


async def claim(principal: Principal, kind: Kind, subject_id: int) -> None:
    """A pool account or lead becomes the caller's: under today's cap, the owned cap and the
    former owner's cool-down. Of two claims at once, the second finds it taken: 409."""
    now = now_utc()
    async with db.transaction():
        # One claim of a rep at a time: his count of today's claims cannot be outrun.
        await db.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"claim:{principal.id}")
        owner, status = await _subject(kind, subject_id, lock=False)
        if owner not in (None, principal.id) and await _claimed_out_of_pool(kind, subject_id):
            # The loser of a race: he saw it in the pool, so learning it was taken tells nothing.
            raise Conflict(f"Someone claimed the {kind} a moment ago", rule="not_in_pool")
        (check_account_read if kind == "account" else check_lead_read)(principal, owner)
        _check_lead_open(status)
        if owner == principal.id:
            raise Conflict(f"The {kind} is yours already", rule="owned")
        if owner is not None:
            raise Conflict(f"The {kind} has an owner; it is not in the pool", rule="not_in_pool")
        await _check_claim_rules(principal.id, kind, subject_id, now)
        if not await move(kind, subject_id, principal.id, now, only_pooled=True):
            raise Conflict(f"Someone claimed the {kind} a moment ago", rule="not_in_pool")
        await record(
            PoolMoveKind.CLAIMED,
            account_id=subject_id if kind == "account" else None,
            lead_id=subject_id if kind == "lead" else None,
            to_owner=principal.id,
            actor=principal.id,
            at=now,
        )


async def release(principal: Principal, kind: Kind, subject_id: int, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "say why it goes back to the pool")
    now = now_utc()
    async with db.transaction():
        owner, status = await _subject(kind, subject_id, lock=True)
        (check_account_read if kind == "account" else check_lead_read)(principal, owner)
        _check_lead_open(status)
        if owner is None:
            raise Conflict(f"The {kind} is in the pool already", rule="in_pool")
        (check_account_write if kind == "account" else check_lead_write)(principal, owner)
        await move(kind, subject_id, None, now)
        await record(
            PoolMoveKind.RELEASED,
            account_id=subject_id if kind == "account" else None,
            lead_id=subject_id if kind == "lead" else None,
            from_owner=owner,
            actor=principal.id,
            reason=reason,
            at=now,
        )


async def assign_lead(principal: Principal, lead_id: int, owner_id: int | None) -> None:
    """A manager gives a lead to someone (held to the owned cap) or to the pool."""
    check_manager(principal, "assign leads")
    now = now_utc()
    async with db.transaction():
        owner, status = await _subject("lead", lead_id, lock=True)
        _check_lead_open(status)
        if owner == owner_id:
            return
        await check_owner(owner_id)
        if owner_id is not None:
            await check_room(owner_id, "lead")
        await move("lead", lead_id, owner_id, now)
        await record(
            PoolMoveKind.ASSIGNED,
            lead_id=lead_id,
            from_owner=owner,
            to_owner=owner_id,
            actor=principal.id,
            at=now,
        )


@ownership.on_handover
async def account_handover(
    principal: Principal, account_id: int, from_owner: int | None, to_owner: int | None
) -> None:
    """A change of an account's owner through customers (a manager's PATCH): held to the owned
    cap like a claim, and recorded."""
    if to_owner is not None:
        await check_room(to_owner, "account")
    await record(
        PoolMoveKind.ASSIGNED,
        account_id=account_id,
        from_owner=from_owner,
        to_owner=to_owner,
        actor=principal.id,
    )


# --- reading --------------------------------------------------------------------------------------

# The latest move into the pool says why it is there (none: it was never owned).
_WHY = """LEFT JOIN LATERAL (
    SELECT pm.kind, pm.reason, pm.rule_days, pm.from_owner FROM pool_move pm
    WHERE pm.{kind} = {alias}.id AND pm.to_owner IS NULL ORDER BY pm.at DESC, pm.id DESC LIMIT 1
) m ON TRUE
LEFT JOIN app_user fo ON fo.id = m.from_owner"""
POOL_SELECT = {
    "account": f"""SELECT 'account' AS kind, a.id, a.name, NULL::text AS company, a.grade,
       a.phone, COALESCE(a.pooled_at, a.created_at) AS since,
       COALESCE(m.kind, 'never_owned') AS why, m.reason, m.rule_days,
       fo.name AS former_owner_name
FROM account a {_WHY.format(kind="account", alias="a")}""",
    "lead": f"""SELECT 'lead' AS kind, l.id, l.name, l.company, NULL::text AS grade, l.phone,
       COALESCE(l.pooled_at, l.created_at) AS since,
       COALESCE(m.kind, 'never_owned') AS why, m.reason, m.rule_days,
       fo.name AS former_owner_name
FROM lead l {_WHY.format(kind="lead", alias="l")}""",
}
POOL_WHERE = {
    "account": "a.owner IS NULL",
    "lead": f"l.owner IS NULL AND l.status IN {OPEN_LEAD_SQL}",
}
POOL_ORDER = {
    "account": "COALESCE(a.pooled_at, a.created_at) DESC, a.id DESC",
    "lead": "COALESCE(l.pooled_at, l.created_at) DESC, l.id DESC",
}


async def list_pool(
    principal: Principal, kind: Kind, q: str | None, limit: int, offset: int
) -> PoolPage:
    where, args = [POOL_WHERE[kind]], []
    if q:
        alias, key = ("a", "a.name_key") if kind == "account" else ("l", "l.company_key")
        args.append(f"%{normalise_name(q) or q.strip().lower()}%")
        where.append(f"({key} LIKE $1 OR lower({alias}.name) LIKE $1 OR {alias}.phone LIKE $1)")
    rows, total = await db.fetch_page(
        POOL_SELECT[kind], " AND ".join(where), args, POOL_ORDER[kind], limit, offset
    )
    rules = await settings()
    left = max(0, rules.daily_claim_cap - await claims_today(principal.id, now_utc()))
    return PoolPage(
        items=[from_row(PoolItem, r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
        claims_left_today=left,
        daily_claim_cap=rules.daily_claim_cap,
    )


async def moves(principal: Principal, kind: Kind, subject_id: int) -> list[PoolMoveOut]:
    """Every move of the account or lead, newest first."""
    owner, _ = await _subject(kind, subject_id, lock=False)
    (check_account_read if kind == "account" else check_lead_read)(principal, owner)
    rows = await db.fetch(
        f"""SELECT pm.id, pm.kind, pm.at, ac.name AS actor_name, fo.name AS from_owner_name,
                  t.name AS to_owner_name, pm.reason, pm.rule_days
           FROM pool_move pm
           LEFT JOIN app_user ac ON ac.id = pm.actor
           LEFT JOIN app_user fo ON fo.id = pm.from_owner
           LEFT JOIN app_user t ON t.id = pm.to_owner
           WHERE pm.{kind} = $1 ORDER BY pm.at DESC, pm.id DESC LIMIT 200""",
        subject_id,
    )
    return [from_row(PoolMoveOut, r) for r in rows]
