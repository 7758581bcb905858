"""The public pool's rules, edited by admins at run time: one row, or the defaults while none."""

from __future__ import annotations

from backend import db
from backend.access import Principal
from backend.sales.schemas import Exemptions, PoolSettings, RecycleDays

DEFAULTS = PoolSettings(
    recycle_days=RecycleDays(A=30, B=15, C=7),
    lead_recycle_days=7,
    warn_days=3,
    daily_claim_cap=20,
    owned_cap=200,
    owned_lead_cap=200,
    former_owner_cooldown_days=30,
    exempt=Exemptions(won=True, open_opportunity=True, active_contract=True, open_job=True),
)


async def settings() -> PoolSettings:
    row = await db.fetchrow("SELECT * FROM pool_setting WHERE id = 1")
    if row is None:
        return DEFAULTS
    return PoolSettings(
        recycle_days=RecycleDays(
            A=row["recycle_days_a"], B=row["recycle_days_b"], C=row["recycle_days_c"]
        ),
        lead_recycle_days=row["lead_recycle_days"],
        warn_days=row["warn_days"],
        daily_claim_cap=row["daily_claim_cap"],
        owned_cap=row["owned_cap"],
        owned_lead_cap=row["owned_lead_cap"],
        former_owner_cooldown_days=row["former_owner_cooldown_days"],
        exempt=Exemptions(
            won=row["exempt_won"],
            open_opportunity=row["exempt_open_opportunity"],
            active_contract=row["exempt_active_contract"],
            open_job=row["exempt_open_job"],
        ),
    )


async def save_settings(principal: Principal, data: PoolSettings) -> PoolSettings:
    await db.execute(
        """INSERT INTO pool_setting (id, recycle_days_a, recycle_days_b, recycle_days_c,
               lead_recycle_days, warn_days, daily_claim_cap, owned_cap, owned_lead_cap,
               former_owner_cooldown_days, exempt_won, exempt_open_opportunity,
               exempt_active_contract, exempt_open_job, updated_by, updated_at)
           VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
           ON CONFLICT (id) DO UPDATE SET
               recycle_days_a = $1, recycle_days_b = $2, recycle_days_c = $3,
               lead_recycle_days = $4, warn_days = $5, daily_claim_cap = $6, owned_cap = $7,
               owned_lead_cap = $8, former_owner_cooldown_days = $9, exempt_won = $10,
               exempt_open_opportunity = $11, exempt_active_contract = $12,
               exempt_open_job = $13, updated_by = $14, updated_at = now()""",
        data.recycle_days.A,
        data.recycle_days.B,
        data.recycle_days.C,
        data.lead_recycle_days,
        data.warn_days,
        data.daily_claim_cap,
        data.owned_cap,
        data.owned_lead_cap,
        data.former_owner_cooldown_days,
        data.exempt.won,
        data.exempt.open_opportunity,
        data.exempt.active_contract,
        data.exempt.open_job,
        principal.id,
    )
    return await settings()
