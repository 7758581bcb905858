"""The Today list: what the caller must do today — tasks overdue, tasks due later today, and
what he claimed from the pool and has not followed up since."""

from __future__ import annotations

from backend import db
from backend.access import Principal
from backend.activity.schemas import TaskList, TodayOut, Unfollowed, UnfollowedList
from backend.activity.tasks import my_tasks
from backend.clock import now_utc
from backend.schemas import from_row

SHOWN = 50

# An account counts as followed up once contacted after the claim (every follow-up moves
# last_contacted_at); a lead once it has a follow-up since. Converted leads are accounts now.
UNFOLLOWED = """
SELECT kind, id, name, claimed_at, count(*) OVER () AS total FROM (
    SELECT 'account' AS kind, a.id, a.name, a.claimed_at FROM account a
    WHERE a.owner = $1 AND a.claimed_at IS NOT NULL
      AND (a.last_contacted_at IS NULL OR a.last_contacted_at < a.claimed_at)
    UNION ALL
    SELECT 'lead', l.id, COALESCE(l.company, l.name), l.claimed_at FROM lead l
    WHERE l.owner = $1 AND l.claimed_at IS NOT NULL AND l.status IN ('new', 'working')
      AND NOT EXISTS (SELECT FROM follow_up f WHERE f.lead = l.id AND f.at >= l.claimed_at)
) claimed
ORDER BY claimed_at, kind, id LIMIT $2"""


async def today(principal: Principal) -> TodayOut:
    now = now_utc()
    overdue = await my_tasks(principal, "overdue", SHOWN, 0, now)
    later = await my_tasks(principal, "today", SHOWN, 0, now)
    rows = await db.fetch(UNFOLLOWED, principal.id, SHOWN)
    return TodayOut(
        overdue=TaskList(overdue.items, overdue.total),
        today=TaskList(later.items, later.total),
        unfollowed=UnfollowedList(
            [from_row(Unfollowed, r) for r in rows], rows[0]["total"] if rows else 0
        ),
    )
