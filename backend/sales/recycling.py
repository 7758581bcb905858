"""Recycling (the clock job `pool-recycle`): an owned account goes back to the pool after its
grade's days without a follow-up (a follow-up record, a checked-in visit, a completed job),
counted from the later of that and the claim, unless a setting exempts it (won, open
opportunity, active contract, open job); an open lead after lead_recycle_days. The owner is
warned warn_days before: a task and a push, once per quiet stretch."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from backend import db
from backend.activity.tables import ObjectKind
from backend.activity.tasks import close_rule_tasks, open_task
from backend.clock import Job
from backend.customers import ownership
from backend.push import service as push
from backend.sales import events
from backend.sales.pool import OPEN_LEAD_SQL
from backend.sales.pool_settings import settings
from backend.sales.schemas import PoolSettings
from backend.workorders.tables import UNFINISHED, sql_list

RULE = "pool_recycle"  # the task a warning opens (task.rule)

# Each owned account's quiet stretch: the later of its claim (creation when never claimed), its
# last contact (follow-ups and visits keep last_contacted_at) and its last completed job.
ACCOUNTS_DUE = f"""
WITH owned AS (
    SELECT a.id, a.owner, a.name, a.recycle_warned_at,
           CASE a.grade WHEN 'A' THEN $1::int WHEN 'B' THEN $2::int ELSE $3::int END AS days,
           GREATEST(COALESCE(a.claimed_at, a.created_at), a.last_contacted_at,
                    (SELECT max(w.completed_at) FROM work_order w WHERE w.account = a.id)) AS quiet
    FROM account a
    WHERE a.owner IS NOT NULL
      AND NOT ($4 AND EXISTS (SELECT 1 FROM opportunity o JOIN stage s ON s.id = o.stage
                              WHERE o.account = a.id AND s.kind = 'won'))
      AND NOT ($5 AND EXISTS (SELECT 1 FROM opportunity o JOIN stage s ON s.id = o.stage
                              WHERE o.account = a.id AND s.kind = 'open'))
      AND NOT ($6 AND EXISTS (SELECT 1 FROM contract c
                              WHERE c.account = a.id AND c.status = 'active'))
      AND NOT ($7 AND EXISTS (SELECT 1 FROM work_order w
                              WHERE w.account = a.id AND w.status IN {sql_list(UNFINISHED)}))
)
SELECT id, owner, name, days, quiet + make_interval(days => days) AS due,
       recycle_warned_at IS NOT NULL AND recycle_warned_at >= quiet AS warned
FROM owned
WHERE quiet + make_interval(days => days - $8) <= $9"""

LEADS_DUE = f"""
WITH owned AS (
    SELECT l.id, l.owner, l.name, l.recycle_warned_at, $1::int AS days,
           GREATEST(COALESCE(l.claimed_at, l.created_at),
                    (SELECT max(f.at) FROM follow_up f WHERE f.lead = l.id)) AS quiet
    FROM lead l WHERE l.owner IS NOT NULL AND l.status IN {OPEN_LEAD_SQL}
)
SELECT id, owner, name, days, quiet + make_interval(days => days) AS due,
       recycle_warned_at IS NOT NULL AND recycle_warned_at >= quiet AS warned
FROM owned
WHERE quiet + make_interval(days => days - $2) <= $3"""


async def _due(rules: PoolSettings, now: datetime) -> tuple[list[Any], list[Any]]:
    days = rules.recycle_days
    exempt = rules.exempt
    accounts = await db.fetch(
        ACCOUNTS_DUE,
        days.A,
        days.B,
        days.C,
        exempt.won,
        exempt.open_opportunity,
        exempt.active_contract,
        exempt.open_job,
        rules.warn_days,
        now,
    )
    leads = await db.fetch(LEADS_DUE, rules.lead_recycle_days, rules.warn_days, now)
    return accounts, leads


async def _record_recycled(kind: str, moved: list[tuple[int, int, int]], now: datetime) -> None:
    """(subject, former owner, rule days) of each recycled one, as pool moves."""
    await db.execute(
        f"""INSERT INTO pool_move ({kind}, kind, from_owner, rule_days, at)
            SELECT s, 'recycled', o, d, $4
            FROM unnest($1::int[], $2::int[], $3::int[]) AS t(s, o, d)""",
        [m[0] for m in moved],
        [m[1] for m in moved],
        [m[2] for m in moved],
        now,
    )


async def _recycle_accounts(rows: list[Any], now: datetime) -> list[tuple[int, int, int]]:
    by_owner: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_owner[row["owner"]].append(row)
    moved = []
    for owner, owned in by_owner.items():
        days = {r["id"]: r["days"] for r in owned}
        # only_from: an account its owner released or handed on meanwhile stays where it is.
        for account_id in await ownership.move_owner(list(days), None, now, only_from=owner):
            moved.append((account_id, owner, days[account_id]))
    return moved


async def _recycle_leads(rows: list[Any], now: datetime) -> list[tuple[int, int, int]]:
    back = await db.fetch(
        """UPDATE lead l SET owner = NULL, pooled_at = $3, recycle_warned_at = NULL,
               updated_at = $3
           FROM unnest($1::int[], $2::int[]) AS t(id, owner)
           WHERE l.id = t.id AND l.owner = t.owner
           RETURNING l.id, t.owner""",
        [r["id"] for r in rows],
        [r["owner"] for r in rows],
        now,
    )
    days = {r["id"]: r["days"] for r in rows}
    return [(r["id"], r["owner"], days[r["id"]]) for r in back]


async def _warn(kind: ObjectKind, rows: list[Any], rules: PoolSettings, now: datetime) -> None:
    """A task for each, due when it would go back, and one push per owner."""
    table = "account" if kind == ObjectKind.ACCOUNT else "lead"
    ids = [r["id"] for r in rows]
    if kind == ObjectKind.ACCOUNT:
        await ownership.mark_recycle_warned(ids, now)
    else:
        await db.execute(
            "UPDATE lead SET recycle_warned_at = $2 WHERE id = ANY($1::int[])", ids, now
        )
    per_owner: dict[int, int] = defaultdict(int)
    async with db.connection() as conn:
        for row in rows:
            per_owner[row["owner"]] += 1
            await open_task(
                conn,
                RULE,
                (kind, row["id"]),
                row["owner"],
                row["due"],
                f"Follow up before it returns to the pool: {row['name']}",
            )
    for owner, count in per_owner.items():
        push.notify_user(
            owner,
            {
                "type": "pool_warning",
                "kind": table,
                "count": count,
                "days": rules.warn_days,
                "url": "/rep/pool" if kind == ObjectKind.ACCOUNT else "/rep/leads",
            },
        )


async def recycle(now: datetime) -> str:
    rules = await settings()
    said = []
    async with db.transaction():
        accounts, leads = await _due(rules, now)
        for kind, rows in ((ObjectKind.ACCOUNT, accounts), (ObjectKind.LEAD, leads)):
            due = [r for r in rows if r["due"] <= now]
            warn = [r for r in rows if r["due"] > now and not r["warned"]]
            if kind == ObjectKind.ACCOUNT:
                moved = await _recycle_accounts(due, now)
            else:
                moved = await _recycle_leads(due, now)
            if moved:
                await _record_recycled(kind.value, moved, now)
                for subject_id, owner, days in moved:
                    if kind == ObjectKind.ACCOUNT:
                        recycled = {"account_id": subject_id, "former_owner_id": owner}
                        await events.emit("account.recycled", {**recycled, "rule_days": days})
                async with db.connection() as conn:
                    for subject_id, _, _ in moved:
                        await close_rule_tasks(conn, [RULE], (kind, subject_id), now, None)
            if warn:
                await _warn(kind, warn, rules, now)
            said.append(f"{len(moved)} {kind.value}(s) recycled, {len(warn)} warned")
    return "; ".join(said)


RECYCLE = Job("pool-recycle", timedelta(minutes=15), recycle)
