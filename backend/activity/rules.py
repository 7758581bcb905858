"""The reminder rules: each a round of the workers' clock (`fieldline clock --once`), opening at
most one task per rule and object; and the reminders of tasks come due, as Web Push, once.

Every rule reads `now` from the clock (tests move time in the data, or hand `now` in) and its
figures from the reminder settings (backend/activity/settings.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend import clock, db
from backend.access import Role
from backend.activity.settings import ReminderSettingsOut, current_settings
from backend.activity.tables import ObjectKind
from backend.activity.tasks import Rule, open_rule_tasks
from backend.clock import Job
from backend.push import service as push

# Only what is active and whose owner still works here gets a task.
ACTIVE_OWNER = "JOIN app_user u ON u.id = {owner} AND u.active"

NOT_CONTACTED = f"""
SELECT a.id AS object_id, a.owner AS assignee, $1::timestamptz AS due_at,
       'Contact ' || a.name || ': not contacted for ' || d.days || ' days' AS title,
       a.id AS account, COALESCE(GREATEST(a.last_contacted_at, a.claimed_at), a.created_at)
           + make_interval(days => d.days) AS since
FROM account a {ACTIVE_OWNER.format(owner="a.owner")}
CROSS JOIN LATERAL (SELECT CASE a.grade WHEN 'A' THEN $4::int WHEN 'B' THEN $5::int
                           ELSE $6::int END AS days) d
WHERE COALESCE(GREATEST(a.last_contacted_at, a.claimed_at), a.created_at)
      + make_interval(days => d.days) <= $1
  -- A contact the owner has planned already (a follow-up's next contact) is enough.
  AND NOT EXISTS (SELECT FROM task n WHERE n.rule = 'next_contact' AND n.account = a.id
                  AND n.done_at IS NULL)"""

# A device under an active maintenance contract lasting past its warranty needs no renewal.
WARRANTY_ENDING = f"""
SELECT d.id AS object_id, a.owner AS assignee, $1::timestamptz AS due_at,
       'Warranty of ' || d.serial || ' at ' || a.name || ' ends ' || d.warranty_until
           || ': offer a service contract' AS title,
       a.id AS account, (d.warranty_until - $4::int - 1)::timestamp AT TIME ZONE 'UTC' AS since
FROM device d JOIN account a ON a.id = d.account {ACTIVE_OWNER.format(owner="a.owner")}
WHERE d.warranty_until >= $5::date AND d.warranty_until <= $5::date + $4::int
  AND NOT EXISTS (
      SELECT FROM service_contract_device scd JOIN service_contract sc ON sc.id = scd.contract
      WHERE scd.device = d.id AND sc.kind = 'maintenance' AND sc.status = 'active'
        AND sc.ends_on > d.warranty_until)"""

# Once per line: a line still unpaid after its task is ticked off is the contract owner's call.
PAYMENT_OVERDUE = f"""
SELECT p.id AS object_id, c.owner AS assignee, $1::timestamptz AS due_at,
       'Payment overdue: contract ' || c.number || ', line ' || p.line || ' due ' || p.due_on
           AS title,
       c.account, '-infinity'::timestamptz AS since
FROM payment_plan p JOIN contract c ON c.id = p.contract AND c.status = 'active'
{ACTIVE_OWNER.format(owner="c.owner")}
WHERE p.paid < p.amount AND p.due_on + $4::int < $5::date"""

CLOSE_OVERDUE = f"""
SELECT o.id AS object_id, o.owner AS assignee, $1::timestamptz AS due_at,
       'Past its expected close (' || o.expected_close || '): ' || o.name AS title,
       o.account, o.expected_close::timestamp AT TIME ZONE 'UTC' AS since
FROM opportunity o JOIN stage s ON s.id = o.stage AND s.kind = 'open'
{ACTIVE_OWNER.format(owner="o.owner")}
WHERE o.closed_at IS NULL AND o.expected_close < $4::date"""

# A bad rating: service recovery by a supervisor (the one with the fewest open tasks; an admin
# when there is no supervisor), and a call by the account's owner, both due within the hours.
# Ratings older than a week are history, not news (a clock stopped for a while).
BAD_RATING = """
SELECT w.id AS object_id, who.id AS assignee, r.at + make_interval(hours => $5::int) AS due_at,
       {title} || r.score || '/5 for job #' || w.id || ' at ' || a.name AS title,
       w.account, '-infinity'::timestamptz AS since
FROM rating r JOIN work_order w ON w.id = r.work_order JOIN account a ON a.id = w.account
{assignee}
WHERE r.score <= $4::int AND r.at >= $1::timestamptz - interval '7 days'"""
SUPERVISOR = """
CROSS JOIN LATERAL (
    SELECT u.id FROM app_user u WHERE u.active AND u.role IN ('supervisor', 'admin')
    ORDER BY u.role <> 'supervisor',
             (SELECT count(*) FROM task t WHERE t.assignee = u.id AND t.done_at IS NULL), u.id
    LIMIT 1) who"""
RATING_RECOVERY = BAD_RATING.format(title="'Service recovery: rated '", assignee=SUPERVISOR)
RATING_OWNER = BAD_RATING.format(
    title="'Call the customer: rated '",
    assignee="JOIN app_user who ON who.id = a.owner AND who.active",
)


def _rounds(s: ReminderSettingsOut, now: datetime) -> list[tuple[str, ObjectKind, str, list[Any]]]:
    today = clock.company_day(now)
    rounds: list[tuple[str, ObjectKind, str, list[Any]]] = []
    if s.contact_enabled:
        days: list[Any] = [s.contact_days_a, s.contact_days_b, s.contact_days_c]
        rounds.append((Rule.NOT_CONTACTED, ObjectKind.ACCOUNT, NOT_CONTACTED, days))
    if s.warranty_enabled:
        args: list[Any] = [s.warranty_days, today]
        rounds.append((Rule.WARRANTY_ENDING, ObjectKind.DEVICE, WARRANTY_ENDING, args))
    if s.payment_enabled:
        args = [s.payment_grace_days, today]
        rounds.append((Rule.PAYMENT_OVERDUE, ObjectKind.PAYMENT_PLAN, PAYMENT_OVERDUE, args))
    if s.close_enabled:
        rounds.append((Rule.CLOSE_OVERDUE, ObjectKind.OPPORTUNITY, CLOSE_OVERDUE, [today]))
    if s.rating_enabled:
        args = [s.rating_max_score, s.rating_hours]
        rounds.append((Rule.RATING_RECOVERY, ObjectKind.WORK_ORDER, RATING_RECOVERY, args))
        rounds.append((Rule.RATING_OWNER, ObjectKind.WORK_ORDER, RATING_OWNER, args))
    return rounds


async def apply_rules(now: datetime) -> str:
    """One round of every rule switched on, each in its own transaction."""
    settings = await current_settings()
    said = []
    for rule, kind, candidates, args in _rounds(settings, now):
        async with db.transaction(), db.connection() as conn:
            opened = await open_rule_tasks(conn, rule, kind, now, candidates, *args)
        said.append(f"{rule} {opened}")
    return "task(s) opened: " + (", ".join(said) if said else "every rule is off")


# --- reminders: a push when a task comes due (a bad rating's at once), once --------------------

AT_ONCE = [Rule.RATING_RECOVERY, Rule.RATING_OWNER]
BATCH = 500


def _opens(role: str, account_id: int | None) -> str:
    """Where a reminder's notification leads: a rep's to-do list; a manager's account page (its
    timeline); an engineer's app."""
    if role == Role.REP:
        return "/rep/today"
    if role in (Role.ADMIN, Role.SUPERVISOR):
        return f"/accounts/{account_id}#timeline" if account_id else "/"
    return "/engineer"


async def send_reminders(now: datetime) -> str:
    async with db.transaction():
        due = await db.fetch(
            """UPDATE task t SET reminded_at = $1
               FROM (SELECT id FROM task
                     WHERE done_at IS NULL AND reminded_at IS NULL
                       AND (due_at <= $1 OR rule = ANY($2))
                     ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) picked
               WHERE t.id = picked.id
               RETURNING t.id, t.assignee, t.title, t.rule, t.account,
                   (SELECT role FROM app_user WHERE id = t.assignee) AS role""",
            now,
            AT_ONCE,
            BATCH,
        )
        accounts = [r["account"] for r in due if r["account"] is not None]
        names = {
            r["id"]: r["name"]
            for r in await db.fetch("SELECT id, name FROM account WHERE id = ANY($1)", accounts)
        }
        for task in due:
            # Sent once the reminders are marked: never twice, even if the send fails.
            push.notify_user(
                task["assignee"],
                {
                    "type": "task",
                    "task_id": task["id"],
                    "rule": task["rule"],
                    "title": task["title"],
                    "name": names.get(task["account"]),
                    "url": _opens(task["role"], task["account"]),
                },
                ttl=int(timedelta(days=1).total_seconds()),
            )
    return f"{len(due)} reminder(s) sent"


RULES_JOB = Job("reminder-rules", timedelta(minutes=15), apply_rules)
REMINDERS_JOB = Job("task-reminders", timedelta(minutes=1), send_reminders)
