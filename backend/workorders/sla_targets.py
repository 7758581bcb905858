"""The SLA targets per priority (hours to respond, hours to resolve), edited by admins at run time:
a row per priority once saved, the FIELDLINE_SLA_* defaults (backend/settings.py) while none. A
new work order reads them for its respond_by and resolve_by; a service contract in force on the
device may promise its own hours instead (workorders/service.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from backend import db
from backend.access import Principal
from backend.errors import DomainError
from backend.schemas import Input
from backend.settings import get_settings
from backend.workorders.tables import Priority

# The form's order, most pressing first.
PRIORITIES = (Priority.URGENT, Priority.HIGH, Priority.NORMAL)
Hours = Annotated[int, msgspec.Meta(ge=1, le=8760)]  # up to a year


class Target(Input):
    respond_hours: Hours
    resolve_hours: Hours


class SlaTargets(Input):
    """Every priority's target; a PUT replaces them all."""

    urgent: Target
    high: Target
    normal: Target

    def hours(self, priority: Priority | str) -> tuple[int, int]:
        target: Target = getattr(self, Priority(priority).value)
        return target.respond_hours, target.resolve_hours


class SlaTargetsOut(SlaTargets):
    updated_by: int | None = None
    updated_at: datetime | None = None


def _target(hours: tuple[int, int]) -> Target:
    return Target(respond_hours=hours[0], resolve_hours=hours[1])


def defaults() -> SlaTargetsOut:
    hours = get_settings().sla_hours
    return SlaTargetsOut(
        urgent=_target(hours["urgent"]),
        high=_target(hours["high"]),
        normal=_target(hours["normal"]),
    )


async def current_targets(conn: Any | None = None) -> SlaTargetsOut:
    """The saved targets (a priority never saved keeps its default), in one read."""
    sql = """SELECT priority, respond_hours, resolve_hours, updated_by, updated_at
             FROM sla_setting ORDER BY updated_at DESC"""
    rows = await (db.fetch(sql) if conn is None else conn.fetch(sql))
    found = defaults()
    if not rows:
        return found
    saved = {r["priority"]: _target((r["respond_hours"], r["resolve_hours"])) for r in rows}
    return SlaTargetsOut(
        urgent=saved.get("urgent", found.urgent),
        high=saved.get("high", found.high),
        normal=saved.get("normal", found.normal),
        updated_by=rows[0]["updated_by"],
        updated_at=rows[0]["updated_at"],
    )


def _check(data: SlaTargets) -> None:
    """Every problem at once, each naming its field (urgent.resolve_hours, …)."""
    errors = [
        {"field": f"{p.value}.resolve_hours", "message": "must not be shorter than respond_hours"}
        for p in PRIORITIES
        if data.hours(p)[1] < data.hours(p)[0]
    ]
    if errors:
        raise DomainError("Validation failed", errors=errors)


async def save_targets(principal: Principal, data: SlaTargets) -> SlaTargetsOut:
    """Replaces every priority's target; work orders made from now on follow them (those made
    before keep the deadlines they were given)."""
    _check(data)
    priorities = [p.value for p in PRIORITIES]
    await db.execute(
        """INSERT INTO sla_setting (priority, respond_hours, resolve_hours, updated_by, updated_at)
           SELECT p, r, s, $4, now() FROM unnest($1::text[], $2::int[], $3::int[]) AS t(p, r, s)
           ON CONFLICT (priority) DO UPDATE SET respond_hours = EXCLUDED.respond_hours,
               resolve_hours = EXCLUDED.resolve_hours, updated_by = EXCLUDED.updated_by,
               updated_at = EXCLUDED.updated_at""",
        priorities,
        [data.hours(p)[0] for p in priorities],
        [data.hours(p)[1] for p in priorities],
        principal.id,
    )
    return await current_targets()
