"""The demo's follow-ups and tasks, derived from its history (no random draws of their own, so the
rest of the data set stays as it was): a checked-out visit is a `visit` follow-up (the demo's
visits carry an outcome and no notes: the outcome is what was said), a completed job a `service`
one; each account's latest visit of the last ten days makes a next-contact task for its owner,
three days after the visit (some overdue, some due today, some ahead)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

Row = tuple[Any, ...]

# fmt: off
ACTIVITY_TABLES: tuple[tuple[str, str, tuple[str, ...], dict[int, str]], ...] = (
    ("follow_ups", "follow_up", ("account", "method", "content", "next_contact_at", "author",
                                 "visit", "work_order", "at"),
     {0: "accounts", 4: "users", 5: "visits", 6: "work_orders"}),
    ("tasks", "task", ("title", "due_at", "assignee", "rule", "object_kind", "object_id",
                       "account", "created_at"),
     {2: "users", 5: "accounts", 6: "accounts"}),
)
# fmt: on
NEXT_CONTACT_AFTER = timedelta(days=3)
RECENT = timedelta(days=10)


def build_activity(plan: dict[str, list[Row]], now: datetime) -> None:
    follow_ups: list[Row] = []
    tasks: list[Row] = []
    latest: dict[int, tuple[datetime, str, int]] = {}  # account → (checkout, said, follow-up)
    for i, visit in enumerate(plan["visits"]):
        rep, account, checkout = visit[0], visit[1], visit[9]
        said = visit[10] or visit[11]  # the notes, else the outcome
        if checkout is None or not said:
            continue
        follow_ups.append((account, "visit", said[:5000], None, rep, i, None, checkout))
        if account not in latest or latest[account][0] < checkout:
            latest[account] = (checkout, said, len(follow_ups) - 1)
    for i, job in enumerate(plan["work_orders"]):
        account, engineer, completed, resolution = job[1], job[9], job[19], job[20]
        if completed is not None and resolution:
            follow_ups.append(
                (account, "service", resolution[:5000], None, engineer, None, i, completed)
            )
    for account, (checkout, said, made) in sorted(latest.items()):
        owner = plan["accounts"][account][6]
        if owner is None or checkout < now - RECENT:
            continue
        due = checkout + NEXT_CONTACT_AFTER
        follow_ups[made] = (*follow_ups[made][:3], due, *follow_ups[made][4:])
        title = f"Follow up: {plan['accounts'][account][0]} ({said})"[:200]
        tasks.append((title, due, owner, "next_contact", "account", account, account, checkout))
    plan["follow_ups"], plan["tasks"] = follow_ups, tasks
