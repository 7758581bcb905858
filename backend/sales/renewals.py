"""Renewals (the clock job `contract-renewals`): an active contract ending within renewal_days
raises a renewal opportunity for its owner, once (a unique index on renewal_of says so, whoever
runs the clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend import db
from backend.clock import Job, company_day
from backend.push import service as push
from backend.sales import stages
from backend.settings import get_settings

RAISE_RENEWALS = """
WITH due AS (
    SELECT c.id, c.account, c.title, c.amount, c.currency, c.ends_on, c.owner FROM contract c
    WHERE c.status = 'active' AND c.ends_on <= $1::date + $2::int
      AND NOT EXISTS (SELECT 1 FROM opportunity o WHERE o.renewal_of = c.id)
), made AS (
    INSERT INTO opportunity (account, name, amount, currency, stage, expected_close, owner,
                             renewal_of, created_at, updated_at)
    SELECT d.account, left('Renewal 续约: ' || d.title, 200), d.amount, d.currency, $3,
           d.ends_on, d.owner, d.id, $4, $4
    FROM due d
    ON CONFLICT (renewal_of) WHERE renewal_of IS NOT NULL DO NOTHING
    RETURNING id, owner, stage
), history AS (
    INSERT INTO opportunity_stage_change (opportunity, to_stage, at)
    SELECT id, stage, $4 FROM made
)
SELECT id, owner FROM made"""


async def raise_renewals(now: datetime) -> str:
    first = await stages.first_open()
    made = await db.fetch(
        RAISE_RENEWALS, company_day(now), get_settings().renewal_days, first.id, now
    )
    for row in made:
        push.notify_user(
            row["owner"],
            {"type": "renewal", "opportunity_id": row["id"], "url": "/rep/pipeline"},
        )
    return f"{len(made)} renewal opportunit{'y' if len(made) == 1 else 'ies'} raised"


RENEWALS = Job("contract-renewals", timedelta(hours=1), raise_renewals)
