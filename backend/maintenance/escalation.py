"""SLA clocks that escalate: the clock job `sla` tells the supervisors once when a job's SLA turns
to warning and once when it is breached (a breach is also the `work_order.sla_breached`
webhook), and offers a VIP account's job whose response time has passed without acceptance to
the next nearest eligible engineer.

"Once" is kept in the row (`sla_notified`): the level is raised with a compare-and-set, so a
second round, or a second worker, finds nothing more to say.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend import db, live
from backend.clock import Job as ClockJob
from backend.push import service as push
from backend.workorders import offers
from backend.workorders.events import Event, emit, record_events
from backend.workorders.sla import LEVEL, Sla, sla_state
from backend.workorders.tables import UNFINISHED, ActorKind, sql_list

OPEN_JOBS = f"""
SELECT w.id, w.status, w.priority, w.created_at, w.window_opens_at, w.accepted_at,
       w.completed_at, w.respond_by, w.resolve_by, w.sla_notified, w.engineer,
       a.name AS account_name, p.name AS product_name
FROM work_order w JOIN account a ON a.id = w.account JOIN product p ON p.id = w.product
WHERE w.status IN {sql_list(UNFINISHED)} AND w.sla_notified <> 'breached'"""

RAISE_LEVEL = """
UPDATE work_order w SET sla_notified = t.level
FROM unnest($1::int[], $2::text[], $3::text[]) AS t(id, level, was)
WHERE w.id = t.id AND w.sla_notified = t.was
RETURNING w.id, t.level"""

# A VIP account's offer not accepted by its respond_by: passed on once.
VIP_LATE = """
SELECT w.id FROM work_order w JOIN account a ON a.id = w.account
WHERE w.status = 'offered' AND a.vip AND w.respond_by <= $1 AND w.accepted_at IS NULL
  AND w.reoffered_at IS NULL
FOR UPDATE OF w SKIP LOCKED"""


async def supervisors() -> list[int]:
    rows = await db.fetch(
        "SELECT id FROM app_user WHERE role = 'supervisor' AND active ORDER BY id"
    )
    return [r["id"] for r in rows]


async def notify_transitions(now: datetime) -> int:
    """Raises each open job's told level to its SLA's, and tells the supervisors of each raise."""
    rows = await db.fetch(OPEN_JOBS)
    raised = [(r, sla_state(r, now)) for r in rows]
    raised = [(r, s) for r, s in raised if LEVEL[s] > LEVEL[Sla(r["sla_notified"])]]
    if not raised:
        return 0
    async with db.transaction():
        done = await db.fetch(
            RAISE_LEVEL,
            [r["id"] for r, _ in raised],
            [s.value for _, s in raised],
            [r["sla_notified"] for r, _ in raised],
        )
        await record_events(
            [Event(d["id"], now, f"sla_{d['level']}", None, None, ActorKind.SYSTEM) for d in done]
        )
        for d in done:
            if d["level"] == Sla.BREACHED:
                await emit("sla_breached", d["id"], sla=d["level"])
    told = {d["id"]: d["level"] for d in done}
    people = await supervisors()
    for row, _ in raised:
        if row["id"] not in told:
            continue  # another worker told them a moment ago
        payload = {
            "type": "sla",
            "work_order_id": row["id"],
            "sla": told[row["id"]],
            "account": row["account_name"],
            "product": row["product_name"],
            "url": f"/work-orders/{row['id']}",
        }
        for supervisor in people:
            push.notify_user(supervisor, payload, urgency="high")
        live.publish_job(row["id"], row["status"])  # the dispatch board's highlight
    return len(told)


async def reoffer_late_vip_jobs(now: datetime) -> list[int]:
    """A VIP job not accepted in time goes to the next nearest eligible engineer (the one who
    let it lapse never gets it again: dispatch reads his offer)."""
    async with db.transaction():
        ids = [r["id"] for r in await db.fetch(VIP_LATE, now)]
        if not ids:
            return []
        await db.execute("UPDATE work_order SET reoffered_at = $2 WHERE id = ANY($1)", ids, now)
        await offers.release_offers(
            ids, now, "reoffered", ActorKind.SYSTEM, note="response time passed (VIP)"
        )
    for work_order_id in ids:
        await offers.dispatch_now(work_order_id, now)
    return ids


async def sla_round(now: datetime) -> str:
    told = await notify_transitions(now)
    passed = await reoffer_late_vip_jobs(now)
    return f"{told} SLA change(s) told to supervisors, {len(passed)} late VIP offer(s) passed on"


SLA_ROUND = ClockJob("sla", timedelta(minutes=1), sla_round)
