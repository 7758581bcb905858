"""The team's overdue tasks, for the back office's home: whoever they are assigned to, the most
overdue first, in one statement with the total."""

from __future__ import annotations

from datetime import datetime

import msgspec

from backend import db
from backend.schemas import from_row


class OverdueTask(msgspec.Struct):
    id: int
    title: str
    due_at: datetime
    assignee_id: int
    assignee_name: str
    account_id: int | None
    account_name: str | None


class OverdueTasks(msgspec.Struct):
    items: list[OverdueTask]
    total: int


OVERDUE = """
SELECT t.id, t.title, t.due_at, t.assignee AS assignee_id, u.name AS assignee_name,
       t.account AS account_id, a.name AS account_name, count(*) OVER () AS total
FROM task t JOIN app_user u ON u.id = t.assignee LEFT JOIN account a ON a.id = t.account
WHERE t.done_at IS NULL AND t.due_at < $1
ORDER BY t.due_at, t.id LIMIT $2"""


async def overdue_tasks(now: datetime, limit: int) -> OverdueTasks:
    rows = await db.fetch(OVERDUE, now, limit)
    return OverdueTasks(
        [from_row(OverdueTask, r) for r in rows], int(rows[0]["total"]) if rows else 0
    )
