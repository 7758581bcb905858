"""Follow-ups (跟进记录): record_follow_up() is the one home of the write, whoever records one
(a rep through the API, a visit's check-out, a completed work order); the API's reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backend import clock, db
from backend.access import Principal, check_follow_up_on, follow_up_visibility
from backend.activity.schemas import FollowUpIn, FollowUpOut
from backend.activity.subjects import Subject, load_subject
from backend.activity.tables import Method, ObjectKind
from backend.activity.tasks import Rule, close_rule_tasks, open_task
from backend.errors import Invalid, NotFound
from backend.schemas import Page, from_row

MAX_CONTENT = 5000  # characters of a follow-up (follow_up.content)
# How far ahead a next contact may be set: farther is a typo.
NEXT_CONTACT_HORIZON = timedelta(days=366)

FOLLOW_UP_SELECT = """
SELECT f.id, f.method, f.content, f.account AS account_id, f.lead AS lead_id,
       f.opportunity AS opportunity_id, f.next_contact_at,
       COALESCE((SELECT array_agg(fc.contact ORDER BY fc.contact) FROM follow_up_contact fc
                 WHERE fc.follow_up = f.id), '{}') AS contact_ids,
       f.author AS author_id, u.name AS author_name, f.visit AS visit_id,
       f.work_order AS work_order_id, f.at
FROM follow_up f LEFT JOIN app_user u ON u.id = f.author
LEFT JOIN account a ON a.id = f.account LEFT JOIN lead l ON l.id = f.lead
LEFT JOIN opportunity o ON o.id = f.opportunity"""


@dataclass(frozen=True)
class Recorded:
    id: int
    task_id: int | None  # the next contact's task


def _subject_ref(
    account_id: int | None, lead_id: int | None, opportunity_id: int | None
) -> tuple[ObjectKind, int, str]:
    given = [
        (kind, value, field)
        for kind, value, field in (
            (ObjectKind.ACCOUNT, account_id, "account_id"),
            (ObjectKind.LEAD, lead_id, "lead_id"),
            (ObjectKind.OPPORTUNITY, opportunity_id, "opportunity_id"),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise Invalid("account_id", "give exactly one of account_id, lead_id, opportunity_id")
    return given[0]


async def record_follow_up(
    conn: Any,
    *,
    method: Method,
    content: str,
    author_id: int | None,
    account_id: int | None = None,
    lead_id: int | None = None,
    opportunity_id: int | None = None,
    next_contact_at: datetime | None = None,
    contact_ids: list[int] | tuple[int, ...] = (),
    at: datetime | None = None,
    visit_id: int | None = None,
    work_order_id: int | None = None,
) -> Recorded | None:
    """Records a follow-up in the caller's transaction (conn): the account's last_contacted_at
    follows, what the rules asked for (contact it, call back) is done, and a next contact time
    opens a task for the object's owner (its author when nobody owns it). None when the visit or
    work order named has its follow-up already."""
    kind, object_id, field = _subject_ref(account_id, lead_id, opportunity_id)
    subject = await load_subject(conn, kind, object_id, field)
    at = at or clock.now_utc()
    follow_up_id = await conn.fetchval(
        """INSERT INTO follow_up (account, lead, opportunity, method, content, next_contact_at,
               author, visit, work_order, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT DO NOTHING RETURNING id""",
        subject.account_id,
        lead_id,
        opportunity_id,
        method.value,
        content,
        next_contact_at,
        author_id,
        visit_id,
        work_order_id,
        at,
    )
    if follow_up_id is None:
        return None
    if contact_ids:
        linked = await conn.fetchval(
            """WITH linked AS (
                   INSERT INTO follow_up_contact (follow_up, contact)
                   SELECT $1, c.id FROM contact c
                   WHERE c.id = ANY($2::int[]) AND c.account = $3
                   ON CONFLICT DO NOTHING RETURNING contact)
               SELECT count(*) FROM linked""",
            follow_up_id,
            list(contact_ids),
            subject.account_id,
        )
        if linked != len(set(contact_ids)):
            raise Invalid("contact_ids", "each must be a contact of the follow-up's account")
    if subject.account_id is not None:
        # GREATEST: a follow-up recorded late (an outbox replay) never moves the date back.
        await conn.execute(
            """UPDATE account SET last_contacted_at = GREATEST(last_contacted_at, $2)
               WHERE id = $1""",
            subject.account_id,
            at,
        )
        await close_rule_tasks(
            conn, [Rule.NOT_CONTACTED], (ObjectKind.ACCOUNT, subject.account_id), at, author_id
        )
    await close_rule_tasks(conn, [Rule.NEXT_CONTACT], subject.ref, at, author_id)
    task_id = None
    assignee = subject.owner_id or author_id
    if next_contact_at is not None and assignee is not None:
        task_id = await open_task(
            conn,
            Rule.NEXT_CONTACT,
            subject.ref,
            assignee,
            next_contact_at,
            f"Follow up: {subject.name}",
            account_id=subject.account_id,
        )
    return Recorded(follow_up_id, task_id)


# --- the API ------------------------------------------------------------------------------------


async def _follow_up(follow_up_id: int, task_id: int | None = None) -> FollowUpOut:
    row = await db.fetchrow(f"{FOLLOW_UP_SELECT} WHERE f.id = $1", follow_up_id)
    if row is None:
        raise NotFound("Follow-up not found")
    return from_row(FollowUpOut, row, task_id=task_id)


async def create_follow_up(principal: Principal, data: FollowUpIn) -> FollowUpOut:
    kind, object_id, field = _subject_ref(data.account_id, data.lead_id, data.opportunity_id)
    if data.method == Method.SERVICE:
        raise Invalid("method", "service follow-ups come from completed work orders")
    now = clock.now_utc()
    if data.next_contact_at is not None and not (
        now - timedelta(days=1) <= data.next_contact_at <= now + NEXT_CONTACT_HORIZON
    ):
        raise Invalid("next_contact_at", "must be from today to a year ahead")
    async with db.transaction(), db.connection() as conn:
        subject: Subject = await load_subject(conn, kind, object_id, field)
        check_follow_up_on(principal, subject.owner_id, subject.what)
        recorded = await record_follow_up(
            conn,
            method=data.method,
            content=data.content,
            author_id=principal.id,
            account_id=data.account_id,
            lead_id=data.lead_id,
            opportunity_id=data.opportunity_id,
            next_contact_at=data.next_contact_at,
            contact_ids=data.contact_ids,
            at=now,
        )
    assert recorded is not None  # only a visit or work order can have its follow-up already
    return await _follow_up(recorded.id, recorded.task_id)


async def list_follow_ups(
    principal: Principal,
    *,
    account_id: int | None,
    lead_id: int | None,
    opportunity_id: int | None,
    limit: int,
    offset: int,
) -> Page[FollowUpOut]:
    """Newest first; a rep sees those he wrote and those on what he owns."""
    visible, args = follow_up_visibility(principal, 1)
    where = [visible]
    for column, value in (("f.account", account_id), ("f.lead", lead_id)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if opportunity_id is not None:
        args.append(opportunity_id)
        where.append(f"f.opportunity = ${len(args)}")
    rows, total = await db.fetch_page(
        FOLLOW_UP_SELECT, " AND ".join(where), args, "f.at DESC, f.id DESC", limit, offset
    )
    return Page(
        items=[from_row(FollowUpOut, r, task_id=None) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


async def carry_lead_follow_ups(conn: Any, lead_id: int, account_id: int) -> int:
    """A converted lead's follow-ups join its account's timeline (sales calls this in the
    conversion's transaction); how many."""
    status = await conn.execute(
        "UPDATE follow_up SET account = $2 WHERE lead = $1 AND account IS NULL", lead_id, account_id
    )
    return int(status.split()[-1])
