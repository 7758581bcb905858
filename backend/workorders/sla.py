"""A work order's SLA clock: ok → warning (75 % of a window used) → breached, read from time.

Two windows run from when the job could first be served (its creation, or a planned visit's
window opening): respond by `respond_by` (accepted), resolve by `resolve_by` (completed). A window
whose step is done reads by when it was done; the job's SLA is the worse of the two.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

WARNING_AT = 0.75  # the share of a window used that turns the clock amber


class Sla(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACHED = "breached"


LEVEL = {Sla.OK: 0, Sla.WARNING: 1, Sla.BREACHED: 2}


def window_state(
    start: datetime, deadline: datetime | None, done: datetime | None, now: datetime
) -> Sla:
    """One window: breached past the deadline; a warning once 75 % of it is used (while open)."""
    if deadline is None:
        return Sla.OK
    at = done or now
    if at > deadline:
        return Sla.BREACHED
    if done is not None:
        return Sla.OK
    length = (deadline - start).total_seconds()
    if length <= 0 or (now - start).total_seconds() >= WARNING_AT * length:
        return Sla.WARNING
    return Sla.OK


def sla_state(row: Any, now: datetime) -> Sla:
    """The job's SLA from its row (status, created_at, window_opens_at, accepted_at,
    completed_at, respond_by, resolve_by)."""
    if row["status"] in ("cancelled", "planned"):
        return Sla.OK
    start = row["window_opens_at"] or row["created_at"]
    response = window_state(start, row["respond_by"], row["accepted_at"], now)
    resolution = window_state(start, row["resolve_by"], row["completed_at"], now)
    return max(response, resolution, key=LEVEL.__getitem__)


def response_breached(row: Any, now: datetime) -> bool:
    return row["respond_by"] is not None and (row["accepted_at"] or now) > row["respond_by"]
