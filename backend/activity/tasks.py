"""Tasks: the one home of the task table's writes. A person gives one (to himself, or a manager
to anyone); a rule opens one with open_task(), never a second on an object while one is open."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import asyncpg

from backend import clock, db
from backend.access import Principal, check_task, check_task_assignment
from backend.activity.schemas import TaskDue, TaskIn, TaskOut
from backend.activity.subjects import Subject, check_readable, load_subject
from backend.activity.tables import ObjectKind
from backend.errors import Conflict, Invalid, NotFound
from backend.schemas import Page, from_row

Ref = tuple[ObjectKind, int]  # what a task is about: (kind, id)


class Rule:
    """The rules that open tasks (task.rule); a person's task has none."""

    NEXT_CONTACT = "next_contact"  # a follow-up's next contact time
    NOT_CONTACTED = "not_contacted"  # an account not contacted for its grade's days
    WARRANTY_ENDING = "warranty_ending"
    PAYMENT_OVERDUE = "payment_overdue"
    CLOSE_OVERDUE = "close_overdue"  # an open opportunity past its expected close
    RATING_RECOVERY = "rating_recovery"  # a rating of 1-2: the supervisors' service recovery
    RATING_OWNER = "rating_owner"  # ... and the account owner's call


TASK_SELECT = """
SELECT t.id, t.title, t.notes, t.due_at, t.assignee AS assignee_id, u.name AS assignee_name,
       t.rule, t.object_kind, t.object_id, t.account AS account_id, a.name AS account_name,
       t.created_by, t.created_at, t.done_at, t.done_by,
       (t.done_at IS NULL AND t.due_at < now()) AS overdue
FROM task t JOIN app_user u ON u.id = t.assignee LEFT JOIN account a ON a.id = t.account"""


async def open_task(
    conn: Any,
    rule: str,
    object: Ref,
    assignee: int,
    due: datetime,
    title: str,
    *,
    account_id: int | None = None,
    notes: str | None = None,
) -> int | None:
    """A rule's task about object for assignee; None when the rule has one open on it already
    (the partial unique index decides, so two clocks racing make one)."""
    kind, object_id = object
    if account_id is None and kind == ObjectKind.ACCOUNT:
        account_id = object_id
    return await conn.fetchval(
        """INSERT INTO task (title, notes, due_at, assignee, rule, object_kind, object_id,
               account, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
           ON CONFLICT (rule, object_kind, object_id) WHERE done_at IS NULL AND rule IS NOT NULL
           DO NOTHING RETURNING id""",
        title[:200],
        notes,
        due,
        assignee,
        rule,
        kind.value,
        object_id,
        account_id,
    )


async def open_rule_tasks(
    conn: Any, rule: str, kind: ObjectKind, now: datetime, candidates: str, *args: Any
) -> int:
    """open_task() set-wise, for a rule's round: `candidates` selects (object_id, assignee,
    due_at, title, account, since) with its args from $4 ($1 now, $2 rule, $3 kind). A candidate
    gets a task unless the rule has one open on it, or made one on it at or after `since` (the
    start of the stretch the rule is about: a task ticked off without the thing done is not
    made again until the thing changes). How many were opened."""
    opened = await conn.fetch(
        f"""WITH candidate AS ({candidates})
            INSERT INTO task (title, due_at, assignee, rule, object_kind, object_id, account,
                created_at)
            SELECT left(c.title, 200), c.due_at, c.assignee, $2::text, $3::text, c.object_id,
                c.account, $1::timestamptz
            FROM candidate c
            WHERE NOT EXISTS (
                SELECT FROM task t WHERE t.rule = $2::text AND t.object_kind = $3::text
                  AND t.object_id = c.object_id AND (t.done_at IS NULL OR t.created_at >= c.since))
            ON CONFLICT (rule, object_kind, object_id) WHERE done_at IS NULL AND rule IS NOT NULL
            DO NOTHING RETURNING id""",
        now,
        rule,
        kind.value,
        *args,
    )
    return len(opened)


async def close_rule_tasks(
    conn: Any, rules: list[str], object: Ref, at: datetime, by: int | None
) -> int:
    """Marks done what the rules opened on object (what they asked for happened); how many."""
    status = await conn.execute(
        """UPDATE task SET done_at = $4, done_by = $5
           WHERE done_at IS NULL AND rule = ANY($1) AND object_kind = $2 AND object_id = $3""",
        rules,
        object[0].value,
        object[1],
        at,
        by,
    )
    return int(status.split()[-1])


# --- a person's tasks -----------------------------------------------------------------------------

# The refs of TaskIn, most specific first: a task is about at most one of them.
REFS = (
    ("work_order_id", ObjectKind.WORK_ORDER),
    ("contract_id", ObjectKind.CONTRACT),
    ("opportunity_id", ObjectKind.OPPORTUNITY),
    ("lead_id", ObjectKind.LEAD),
    ("account_id", ObjectKind.ACCOUNT),
)


async def _subject_of(principal: Principal, data: TaskIn) -> Subject | None:
    given = [(f, kind, getattr(data, f)) for f, kind in REFS if getattr(data, f) is not None]
    if len(given) > 1:
        raise Invalid(given[1][0], "a task is about one object: give only one of the ids")
    if not given:
        return None
    field, kind, object_id = given[0]
    async with db.connection() as conn:
        subject = await load_subject(conn, kind, object_id, field)
    check_readable(principal, subject)
    return subject


async def _check_assignee(assignee_id: int) -> None:
    if not await db.fetchval("SELECT active FROM app_user WHERE id = $1", assignee_id):
        raise Invalid("assignee_id", "no active user with this id")


async def get_task(principal: Principal, task_id: int) -> TaskOut:
    row = await db.fetchrow(f"{TASK_SELECT} WHERE t.id = $1", task_id)
    if row is None:
        raise NotFound("Task not found")
    check_task(principal, row["assignee_id"])
    return from_row(TaskOut, row)


async def create_task(principal: Principal, data: TaskIn) -> TaskOut:
    assignee = data.assignee_id or principal.id
    check_task_assignment(principal, assignee)
    await _check_assignee(assignee)
    subject = await _subject_of(principal, data)
    task_id = await db.fetchval(
        """INSERT INTO task (title, notes, due_at, assignee, object_kind, object_id, account,
               created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id""",
        data.title,
        data.notes,
        data.due_at,
        assignee,
        subject.kind.value if subject else None,
        subject.id if subject else None,
        subject.account_id if subject else None,
        principal.id,
    )
    return await get_task(principal, task_id)


async def set_done(principal: Principal, task_id: int, done: bool) -> TaskOut:
    """Done, or open again; each is idempotent. A rule's task cannot reopen beside a newer one
    the rule opened since (409)."""
    async with db.transaction():
        row = await db.fetchrow(
            "SELECT assignee, done_at FROM task WHERE id = $1 FOR UPDATE", task_id
        )
        if row is None:
            raise NotFound("Task not found")
        check_task(principal, row["assignee"])
        if done and row["done_at"] is None:
            await db.execute(
                "UPDATE task SET done_at = $2, done_by = $3 WHERE id = $1",
                task_id,
                clock.now_utc(),
                principal.id,
            )
        elif not done and row["done_at"] is not None:
            try:
                async with db.transaction():
                    await db.execute(
                        "UPDATE task SET done_at = NULL, done_by = NULL WHERE id = $1", task_id
                    )
            except asyncpg.UniqueViolationError as exc:
                raise Conflict("The rule has opened a newer task on this object") from exc
    return await get_task(principal, task_id)


def due_window(due: TaskDue, now: datetime) -> tuple[str, list[Any]]:
    """A condition on `t` for ?due=, with its args numbered from $2 ($1 is the assignee)."""
    tomorrow = clock.day_start(clock.company_day(now) + timedelta(days=1))
    if due == "overdue":
        return "t.done_at IS NULL AND t.due_at < $2", [now]
    if due == "today":
        return "t.done_at IS NULL AND t.due_at >= $2 AND t.due_at < $3", [now, tomorrow]
    if due == "upcoming":
        return "t.done_at IS NULL AND t.due_at >= $2", [tomorrow]
    if due == "done":
        return "t.done_at IS NOT NULL", []
    return "t.done_at IS NULL", []


async def my_tasks(
    principal: Principal, due: TaskDue, limit: int, offset: int, now: datetime | None = None
) -> Page[TaskOut]:
    condition, args = due_window(due, now or clock.now_utc())
    order = "t.done_at DESC, t.id DESC" if due == "done" else "t.due_at, t.id"
    rows, total = await db.fetch_page(
        TASK_SELECT, f"t.assignee = $1 AND {condition}", [principal.id, *args], order, limit, offset
    )
    return Page(items=[from_row(TaskOut, r) for r in rows], total=total, limit=limit, offset=offset)
