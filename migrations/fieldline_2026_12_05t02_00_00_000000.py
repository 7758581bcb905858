"""Sales tables: leads, the public pool's moves and settings, stages, opportunities with their
stage history, contracts with approvals, payment plans and payments; the accounts' pool columns,
and normalised phone/email keys on contacts for the duplicate check (防撞单).

Lengths here are the ones backend/sales/schemas.py accepts, exactly. Money is numeric(14, 2):
never a float. Default stages and pool settings are not rows of this migration: the service
writes them when it first finds none (tests empty every table between tests, and the defaults
live in one place, backend/sales/).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "sales: leads, pool moves and settings, stages, opportunities, contracts, payments"

ACCOUNTS_AND_CONTACTS = r"""
-- The pool's clock: recycling counts from the later of the last follow-up and the claim
-- (created_at when never claimed); pooled_at says since when nobody owns it (created_at when
-- never owned); a warning is sent once per stretch without follow-up.
ALTER TABLE account
    ADD COLUMN claimed_at timestamptz,
    ADD COLUMN pooled_at timestamptz,
    ADD COLUMN recycle_warned_at timestamptz,
    ADD COLUMN industry varchar(60) DEFAULT NULL,
    ADD COLUMN district varchar(60) DEFAULT NULL;
CREATE INDEX account_pool_idx ON account ((COALESCE(pooled_at, created_at)) DESC, id DESC)
    WHERE owner IS NULL;
CREATE INDEX account_industry_idx ON account (industry) WHERE industry IS NOT NULL;
CREATE INDEX account_district_idx ON account (district) WHERE district IS NOT NULL;

-- A lead may duplicate a contact's phone or email: the keys are kept like the account's.
ALTER TABLE contact
    ADD COLUMN phone_key varchar(40) DEFAULT NULL,
    ADD COLUMN email_key varchar(254) DEFAULT NULL;
CREATE INDEX contact_phone_key_idx ON contact (phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX contact_email_key_idx ON contact (email_key) WHERE email_key IS NOT NULL;
"""

# The keys of contacts written before this step, by the rules of backend/customers/dedupe.py
# (digits without the +86 / 0086 prefix, a landline's leading 0 restored; e-mail lower-cased);
# tests/sales/test_migration.py holds the two to the same answers. New rows get them from the app.
CONTACT_KEYS = r"""
WITH raw AS (
    SELECT id, btrim(phone, E' \t\r\n') AS typed, regexp_replace(phone, '\D', '', 'g') AS digits
    FROM contact WHERE phone IS NOT NULL
), national AS (
    SELECT id,
           CASE WHEN digits LIKE '0086%' THEN substr(digits, 5)
                WHEN typed LIKE '+86%' OR (digits LIKE '86%' AND length(digits) = 13)
                    THEN substr(digits, 3)
           END AS rest,
           digits
    FROM raw
)
UPDATE contact c
SET phone_key = NULLIF(
    CASE WHEN n.rest IS NULL THEN n.digits
         WHEN n.rest <> '' AND left(n.rest, 1) NOT IN ('0', '1') THEN '0' || n.rest
         ELSE n.rest
    END, '')
FROM national n WHERE n.id = c.id;
UPDATE contact SET email_key = NULLIF(lower(btrim(email, E' \t\r\n')), '') WHERE email IS NOT NULL;
"""

STAGES_AND_OPPORTUNITIES = """
-- The pipeline's stages, in order; admins edit them (PUT /api/stages). A stage taken out of the
-- list while rows still point at it is retired, not deleted: history keeps its name.
CREATE TABLE stage (
    id serial PRIMARY KEY,
    position integer NOT NULL,
    name varchar(60) NOT NULL,
    name_zh varchar(60) NOT NULL DEFAULT '',
    probability smallint NOT NULL CONSTRAINT stage_probability_range
        CHECK (probability BETWEEN 0 AND 100),
    kind varchar(4) NOT NULL CONSTRAINT stage_kind CHECK (kind IN ('open', 'won', 'lost')),
    retired boolean NOT NULL DEFAULT false,
    CONSTRAINT stage_won_is_certain CHECK (kind <> 'won' OR probability = 100),
    CONSTRAINT stage_lost_is_nothing CHECK (kind <> 'lost' OR probability = 0)
);
CREATE INDEX stage_position_idx ON stage (position) WHERE NOT retired;

CREATE TABLE opportunity (
    id serial PRIMARY KEY,
    account integer NOT NULL REFERENCES account ON UPDATE CASCADE ON DELETE RESTRICT,
    name varchar(200) NOT NULL,
    amount numeric(14, 2) NOT NULL CONSTRAINT opportunity_amount_not_negative CHECK (amount >= 0),
    currency char(3) NOT NULL,
    stage integer NOT NULL REFERENCES stage ON UPDATE CASCADE ON DELETE RESTRICT,
    expected_close date NOT NULL,
    owner integer NOT NULL REFERENCES app_user ON UPDATE CASCADE ON DELETE RESTRICT,
    next_step varchar(300) DEFAULT NULL,
    lost_reason varchar(20) DEFAULT NULL,
    lost_note varchar(300) DEFAULT NULL,
    -- When it entered a won or lost stage (null while open): win rate and cycle days read it.
    closed_at timestamptz,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX opportunity_account_idx ON opportunity (account);
-- The rep's pipeline (his open deals by stage) and a stage's column of the board.
CREATE INDEX opportunity_owner_stage_idx ON opportunity (owner, stage);
CREATE INDEX opportunity_stage_idx ON opportunity (stage, expected_close);
-- The sales board: the funnel by creation, the forecast by expected close, won/lost by closing.
CREATE INDEX opportunity_created_idx ON opportunity (created_at) INCLUDE (stage, owner, amount);
CREATE INDEX opportunity_expected_close_idx ON opportunity (expected_close)
    INCLUDE (stage, owner, amount) WHERE closed_at IS NULL;
CREATE INDEX opportunity_closed_idx ON opportunity (closed_at)
    INCLUDE (stage, owner, amount, created_at) WHERE closed_at IS NOT NULL;

-- Every stage an opportunity entered (the first with from_stage null): who and when.
CREATE TABLE opportunity_stage_change (
    id bigserial PRIMARY KEY,
    opportunity integer NOT NULL REFERENCES opportunity ON UPDATE CASCADE ON DELETE CASCADE,
    from_stage integer REFERENCES stage ON UPDATE CASCADE ON DELETE RESTRICT,
    to_stage integer NOT NULL REFERENCES stage ON UPDATE CASCADE ON DELETE RESTRICT,
    lost_reason varchar(20) DEFAULT NULL,
    actor integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX opportunity_stage_change_opportunity_idx
    ON opportunity_stage_change (opportunity, at);
CREATE INDEX opportunity_stage_change_at_idx ON opportunity_stage_change (at);
"""

LEADS = """
CREATE TABLE lead (
    id serial PRIMARY KEY,
    name varchar(120) NOT NULL,
    company varchar(200) DEFAULT NULL,
    company_key varchar(200) DEFAULT NULL,
    phone varchar(40) DEFAULT NULL,
    phone_key varchar(40) DEFAULT NULL,
    email varchar(254) DEFAULT NULL,
    email_key varchar(254) DEFAULT NULL,
    source varchar(12) NOT NULL DEFAULT 'other' CONSTRAINT lead_source CHECK (source IN
        ('visit', 'referral', 'web', 'phone', 'exhibition', 'service', 'other')),
    notes varchar(2000) DEFAULT NULL,
    industry varchar(60) DEFAULT NULL,
    district varchar(60) DEFAULT NULL,
    lat double precision,
    lng double precision,
    status varchar(12) NOT NULL DEFAULT 'new' CONSTRAINT lead_status CHECK (status IN
        ('new', 'working', 'converted', 'disqualified')),
    disqualified_reason varchar(300) DEFAULT NULL,
    -- null: in the public pool.
    owner integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    claimed_at timestamptz,
    pooled_at timestamptz,
    recycle_warned_at timestamptz,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- What the conversion made or reused; the lead is read-only from then on.
    converted_at timestamptz,
    account integer REFERENCES account ON UPDATE CASCADE ON DELETE SET NULL,
    contact integer REFERENCES contact ON UPDATE CASCADE ON DELETE SET NULL,
    opportunity integer REFERENCES opportunity ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT lead_disqualified_has_reason
        CHECK (status <> 'disqualified' OR disqualified_reason IS NOT NULL),
    CONSTRAINT lead_converted_has_account
        CHECK (status <> 'converted' OR (converted_at IS NOT NULL AND account IS NOT NULL))
);
CREATE INDEX lead_owner_status_idx ON lead (owner, status, created_at DESC);
CREATE INDEX lead_pool_idx ON lead ((COALESCE(pooled_at, created_at)) DESC, id DESC)
    WHERE owner IS NULL AND status IN ('new', 'working');
CREATE INDEX lead_phone_key_idx ON lead (phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX lead_email_key_idx ON lead (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX lead_company_key_idx ON lead (company_key) WHERE company_key IS NOT NULL;
CREATE INDEX lead_created_idx ON lead (created_at);
CREATE INDEX lead_account_idx ON lead (account) WHERE account IS NOT NULL;
"""

POOL = """
-- Every move into, out of or inside the public pool: who (null actor: the recycling rule),
-- when, why. Claims are counted per rep and day from here; the cool-down reads it too.
-- assigned: a manager gave it to someone, or to the pool (to_owner null).
CREATE TABLE pool_move (
    id bigserial PRIMARY KEY,
    account integer REFERENCES account ON UPDATE CASCADE ON DELETE CASCADE,
    lead integer REFERENCES lead ON UPDATE CASCADE ON DELETE CASCADE,
    kind varchar(10) NOT NULL CONSTRAINT pool_move_kind
        CHECK (kind IN ('claimed', 'assigned', 'released', 'recycled')),
    from_owner integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    to_owner integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    actor integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    reason varchar(300) DEFAULT NULL,
    -- The rule's days without follow-up that recycled it (the app words it in either language).
    rule_days smallint,
    at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT pool_move_one_subject CHECK (num_nonnulls(account, lead) = 1),
    CONSTRAINT pool_move_release_has_reason CHECK (kind <> 'released' OR reason IS NOT NULL),
    CONSTRAINT pool_move_recycle_has_rule CHECK (kind <> 'recycled' OR rule_days IS NOT NULL)
);
CREATE INDEX pool_move_account_idx ON pool_move (account, at DESC) WHERE account IS NOT NULL;
CREATE INDEX pool_move_lead_idx ON pool_move (lead, at DESC) WHERE lead IS NOT NULL;
CREATE INDEX pool_move_claims_idx ON pool_move (to_owner, at) WHERE kind = 'claimed';
CREATE INDEX pool_move_at_idx ON pool_move (at) INCLUDE (kind, from_owner, to_owner);

-- The pool's rules, edited by admins at run time (GET|PUT /api/settings/pool): one row, or
-- none while the defaults hold.
CREATE TABLE pool_setting (
    id integer PRIMARY KEY CONSTRAINT pool_setting_one_row CHECK (id = 1),
    recycle_days_a integer NOT NULL CHECK (recycle_days_a > 0),
    recycle_days_b integer NOT NULL CHECK (recycle_days_b > 0),
    recycle_days_c integer NOT NULL CHECK (recycle_days_c > 0),
    lead_recycle_days integer NOT NULL CHECK (lead_recycle_days > 0),
    warn_days integer NOT NULL CHECK (warn_days >= 0),
    daily_claim_cap integer NOT NULL CHECK (daily_claim_cap >= 0),
    owned_cap integer NOT NULL CHECK (owned_cap >= 0),
    owned_lead_cap integer NOT NULL CHECK (owned_lead_cap >= 0),
    former_owner_cooldown_days integer NOT NULL CHECK (former_owner_cooldown_days >= 0),
    exempt_won boolean NOT NULL,
    exempt_open_opportunity boolean NOT NULL,
    exempt_active_contract boolean NOT NULL,
    exempt_open_job boolean NOT NULL,
    updated_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""

CONTRACTS = """
CREATE TABLE contract (
    id serial PRIMARY KEY,
    number varchar(40) NOT NULL CONSTRAINT contract_number_key UNIQUE,
    account integer NOT NULL REFERENCES account ON UPDATE CASCADE ON DELETE RESTRICT,
    opportunity integer REFERENCES opportunity ON UPDATE CASCADE ON DELETE SET NULL,
    owner integer NOT NULL REFERENCES app_user ON UPDATE CASCADE ON DELETE RESTRICT,
    title varchar(200) NOT NULL,
    amount numeric(14, 2) NOT NULL CONSTRAINT contract_amount_positive CHECK (amount > 0),
    currency char(3) NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    status varchar(16) NOT NULL DEFAULT 'draft' CONSTRAINT contract_status CHECK (status IN
        ('draft', 'pending_approval', 'active', 'completed', 'void')),
    activated_at timestamptz,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT contract_dates_in_order CHECK (ends_on >= starts_on)
);
CREATE INDEX contract_account_idx ON contract (account);
CREATE INDEX contract_owner_idx ON contract (owner, status);
CREATE INDEX contract_opportunity_idx ON contract (opportunity) WHERE opportunity IS NOT NULL;
-- The renewal clock reads the active contracts nearing their end.
CREATE INDEX contract_active_end_idx ON contract (ends_on) WHERE status = 'active';
CREATE INDEX contract_pending_idx ON contract (created_at) WHERE status = 'pending_approval';

-- Each step of a contract's approval and life: submitted, approved, rejected (with reason),
-- activated, completed, voided.
CREATE TABLE contract_event (
    id serial PRIMARY KEY,
    contract integer NOT NULL REFERENCES contract ON UPDATE CASCADE ON DELETE CASCADE,
    kind varchar(10) NOT NULL CONSTRAINT contract_event_kind CHECK (kind IN
        ('submitted', 'approved', 'rejected', 'activated', 'completed', 'voided')),
    actor integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    reason varchar(300) DEFAULT NULL,
    at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT contract_event_rejection_has_reason CHECK (kind <> 'rejected' OR reason IS NOT NULL)
);
CREATE INDEX contract_event_contract_idx ON contract_event (contract, at);

-- The plan's lines add up to the contract's amount (the service checks it); `paid` is what
-- payments applied to the line, oldest due line first.
CREATE TABLE payment_plan (
    id serial PRIMARY KEY,
    contract integer NOT NULL REFERENCES contract ON UPDATE CASCADE ON DELETE CASCADE,
    line smallint NOT NULL,
    due_on date NOT NULL,
    amount numeric(14, 2) NOT NULL CONSTRAINT payment_plan_amount_positive CHECK (amount > 0),
    paid numeric(14, 2) NOT NULL DEFAULT 0,
    paid_on date,
    CONSTRAINT payment_plan_line_key UNIQUE (contract, line),
    CONSTRAINT payment_plan_paid_range CHECK (paid >= 0 AND paid <= amount)
);
-- Payments due by month, and what is overdue (due and not fully paid).
CREATE INDEX payment_plan_due_idx ON payment_plan (due_on) INCLUDE (amount, paid, contract);
CREATE INDEX payment_plan_unpaid_idx ON payment_plan (due_on) INCLUDE (amount, paid, contract)
    WHERE paid < amount;

CREATE TABLE payment (
    id serial PRIMARY KEY,
    contract integer NOT NULL REFERENCES contract ON UPDATE CASCADE ON DELETE RESTRICT,
    amount numeric(14, 2) NOT NULL CONSTRAINT payment_amount_positive CHECK (amount > 0),
    received_on date NOT NULL,
    method varchar(16) NOT NULL CONSTRAINT payment_method CHECK (method IN
        ('bank_transfer', 'cash', 'cheque', 'card', 'alipay', 'wechat', 'other')),
    reference varchar(100) DEFAULT NULL,
    recorded_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX payment_contract_idx ON payment (contract, received_on);
CREATE INDEX payment_received_idx ON payment (received_on) INCLUDE (amount, contract);

-- A renewal opportunity is raised once per contract, whatever runs the clock: the index says so.
ALTER TABLE opportunity
    ADD COLUMN renewal_of integer REFERENCES contract ON UPDATE CASCADE ON DELETE SET NULL;
CREATE UNIQUE INDEX opportunity_one_renewal_idx ON opportunity (renewal_of)
    WHERE renewal_of IS NOT NULL;
"""

SCHEMA = [ACCOUNTS_AND_CONTACTS, CONTACT_KEYS, STAGES_AND_OPPORTUNITIES, LEADS, POOL, CONTRACTS]

DROP_SCHEMA = """
ALTER TABLE opportunity DROP COLUMN renewal_of;
DROP TABLE payment, payment_plan, contract_event, contract, pool_setting, pool_move, lead,
    opportunity_stage_change, opportunity, stage;
ALTER TABLE contact DROP COLUMN phone_key, DROP COLUMN email_key;
ALTER TABLE account DROP COLUMN claimed_at, DROP COLUMN pooled_at, DROP COLUMN recycle_warned_at,
    DROP COLUMN industry, DROP COLUMN district;
"""


async def _execute(sql: str) -> None:
    # As in the initial migration: asyncpg's execute() runs several statements at once.
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def create_schema() -> None:
        for part in SCHEMA:
            await _execute(part)

    async def drop_schema() -> None:
        await _execute(DROP_SCHEMA)

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
