"""The reminder rules' settings: one row edited by admins at run time, the defaults while none."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from backend import db
from backend.access import Principal
from backend.schemas import Input

Days = Annotated[int, msgspec.Meta(ge=1, le=3650)]


class ReminderSettings(Input, kw_only=True):
    """Each rule on or off, with its figures (docs/api.md); a PUT replaces them all (a field
    left out takes its default)."""

    contact_enabled: bool = True
    contact_days_a: Days = 3
    contact_days_b: Days = 14
    contact_days_c: Days = 30
    warranty_enabled: bool = True
    warranty_days: Days = 30
    payment_enabled: bool = True
    payment_grace_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 0
    close_enabled: bool = True
    rating_enabled: bool = True
    rating_max_score: Annotated[int, msgspec.Meta(ge=1, le=4)] = 2
    rating_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 24

    def contact_days(self, grade: str) -> int:
        return {"A": self.contact_days_a, "B": self.contact_days_b}.get(grade, self.contact_days_c)


class ReminderSettingsOut(ReminderSettings, kw_only=True):
    updated_by: int | None = None
    updated_at: datetime | None = None


FIELDS = ReminderSettings.__struct_fields__


async def current_settings(conn: Any | None = None) -> ReminderSettingsOut:
    sql = f"SELECT {', '.join(FIELDS)}, updated_by, updated_at FROM reminder_setting WHERE id = 1"
    if conn is None:
        row = await db.fetchrow(sql)
    else:
        row = await conn.fetchrow(sql)
    return ReminderSettingsOut() if row is None else ReminderSettingsOut(**dict(row))


async def save_settings(principal: Principal, data: ReminderSettings) -> ReminderSettingsOut:
    values = [getattr(data, f) for f in FIELDS]
    n = len(FIELDS)
    sets = ", ".join(f"{f} = EXCLUDED.{f}" for f in (*FIELDS, "updated_by", "updated_at"))
    await db.execute(
        f"""INSERT INTO reminder_setting (id, {", ".join(FIELDS)}, updated_by, updated_at)
            VALUES (1, {", ".join(f"${i}" for i in range(1, n + 1))}, ${n + 1}, now())
            ON CONFLICT (id) DO UPDATE SET {sets}""",
        *values,
        principal.id,
    )
    return await current_settings()
