"""The demo's follow-ups and tasks, derived from its history (no random draws of their own, so the
rest of the data set stays as it was): a checked-out visit is a `visit` follow-up (the demo's
visits carry an outcome and no notes: the outcome is what was said), a completed job a `service`
one; each account's latest visit of the last ten days makes a next-contact task for its owner,
three days after the visit (some overdue, some due today, some ahead). A lead someone owned has
its owner's calls and messages (a converted lead's moved to its account, as the conversion does),
so the leads' pages show their follow-ups and scores count recent work."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

Row = tuple[Any, ...]

# fmt: off
ACTIVITY_TABLES: tuple[tuple[str, str, tuple[str, ...], dict[int, str]], ...] = (
    ("follow_ups", "follow_up", ("account", "method", "content", "next_contact_at", "author",
                                 "visit", "work_order", "at", "lead"),
     {0: "accounts", 4: "users", 5: "visits", 6: "work_orders", 8: "leads"}),
    ("tasks", "task", ("title", "due_at", "assignee", "rule", "object_kind", "object_id",
                       "account", "created_at"),
     {2: "users", 5: "accounts", 6: "accounts"}),
)
# fmt: on
NEXT_CONTACT_AFTER = timedelta(days=3)
# What a rep said of a lead, in turn (no random draws: the lead's number picks).
LEAD_TALK = (
    ("call", "Called: interested, wants a price list for the whole site"),
    ("message", "WeChat: sent the product brochure, asked about delivery times"),
    ("call", "Called the purchasing manager: budget decided next month"),
    ("email", "E-mailed a first quote; waiting for the engineering team's questions"),
    ("call", "电话沟通：客户对维保套餐感兴趣，约下周上门"),
    ("message", "微信发送了案例资料，客户转给了采购"),
)
# A lead's column indexes in the demo's lead rows (sales.SALES_TABLES "leads").
L_STATUS, L_OWNER, L_CLAIMED, L_CREATED_BY, L_CREATED, L_UPDATED, L_ACCOUNT = (
    11,
    13,
    14,
    16,
    17,
    18,
    20,
)
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
        follow_ups.append((account, "visit", said[:5000], None, rep, i, None, checkout, None))
        if account not in latest or latest[account][0] < checkout:
            latest[account] = (checkout, said, len(follow_ups) - 1)
    for i, job in enumerate(plan["work_orders"]):
        account, engineer, completed, resolution = job[1], job[9], job[19], job[20]
        if completed is not None and resolution:
            follow_ups.append(
                (account, "service", resolution[:5000], None, engineer, None, i, completed, None)
            )
    for account, (checkout, said, made) in sorted(latest.items()):
        owner = plan["accounts"][account][6]
        if owner is None or checkout < now - RECENT:
            continue
        due = checkout + NEXT_CONTACT_AFTER
        follow_ups[made] = (*follow_ups[made][:3], due, *follow_ups[made][4:])
        title = f"Follow up: {plan['accounts'][account][0]} ({said})"[:200]
        tasks.append((title, due, owner, "next_contact", "account", account, account, checkout))
    follow_ups += _lead_follow_ups(plan.get("leads", []), now)
    plan["follow_ups"], plan["tasks"] = follow_ups, tasks


def _lead_follow_ups(leads: list[Row], now: datetime) -> list[Row]:
    """One or two follow-ups of each lead someone worked on: its owner's (the one who made it,
    for a lead back in the pool), after it was taken; a converted one's on its account too."""
    made: list[Row] = []
    for n, lead in enumerate(leads):
        if lead[L_STATUS] == "new":
            continue
        author = lead[L_OWNER] if lead[L_OWNER] is not None else lead[L_CREATED_BY]
        start = lead[L_CLAIMED] or lead[L_CREATED]
        end = max(lead[L_UPDATED], start)
        for k in range(1 + n % 2):
            method, said = LEAD_TALK[(n + k) % len(LEAD_TALK)]
            at = min(start + (end - start) * (k + 1) / 3 + timedelta(hours=2), now)
            made.append((lead[L_ACCOUNT], method, said, None, author, None, None, at, n))
    return made
