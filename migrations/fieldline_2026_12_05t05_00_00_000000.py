"""Maintenance: service contracts with their devices and plans, planned work orders (one per
device and due date, a unique index), SLA notices sent once, proof of work (photos, signature,
pauses), the reason of a declined offer, and the product's wish for a signature.

Lengths here are the ones backend/maintenance/schemas.py accepts.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "maintenance: service contracts, plans, SLA notices, photos, signature, pauses"

CONTRACTS = """
-- A contract of service on devices of one account. A plan (every N units, up to a horizon,
-- early/late tolerance) makes planned work orders; a warranty contract has no plan.
CREATE TABLE service_contract (
    id serial PRIMARY KEY,
    account integer NOT NULL REFERENCES account ON UPDATE CASCADE ON DELETE RESTRICT,
    kind varchar(12) NOT NULL
        CONSTRAINT service_contract_kind CHECK (kind IN ('warranty', 'maintenance')),
    status varchar(10) NOT NULL DEFAULT 'active'
        CONSTRAINT service_contract_status CHECK (status IN ('active', 'suspended', 'ended')),
    status_reason varchar(300) DEFAULT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    respond_hours integer CONSTRAINT service_contract_respond CHECK (respond_hours > 0),
    resolve_hours integer CONSTRAINT service_contract_resolve CHECK (resolve_hours > 0),
    signature_required boolean NOT NULL DEFAULT false,
    plan_every smallint CONSTRAINT service_contract_every CHECK (plan_every > 0),
    plan_unit varchar(5)
        CONSTRAINT service_contract_unit CHECK (plan_unit IN ('day', 'week', 'month', 'year')),
    horizon_days smallint NOT NULL DEFAULT 30,
    early_days smallint NOT NULL DEFAULT 3,
    late_days smallint NOT NULL DEFAULT 3,
    generate varchar(16) NOT NULL DEFAULT 'scheduled'
        CONSTRAINT service_contract_generate CHECK (generate IN ('scheduled', 'after_completion')),
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT service_contract_dates CHECK (ends_on >= starts_on),
    CONSTRAINT service_contract_plan_whole CHECK ((plan_every IS NULL) = (plan_unit IS NULL)),
    CONSTRAINT service_contract_warranty_unplanned CHECK (kind <> 'warranty' OR plan_every IS NULL)
);
CREATE INDEX service_contract_account_idx ON service_contract (account);
CREATE INDEX service_contract_planned_idx ON service_contract (id)
    WHERE status = 'active' AND plan_every IS NOT NULL;

CREATE TABLE service_contract_device (
    contract integer NOT NULL REFERENCES service_contract ON UPDATE CASCADE ON DELETE CASCADE,
    device integer NOT NULL REFERENCES device ON UPDATE CASCADE ON DELETE RESTRICT,
    PRIMARY KEY (contract, device)
);
CREATE INDEX service_contract_device_device_idx ON service_contract_device (device);

ALTER TABLE product ADD COLUMN signature_required boolean NOT NULL DEFAULT false;
"""

WORK_ORDERS = """
-- A planned work order: its contract, the day it is due, and the window (earliest day's start
-- to the day after the latest) in which dispatch offers it.
ALTER TABLE work_order
    ADD COLUMN contract integer REFERENCES service_contract ON UPDATE CASCADE ON DELETE SET NULL,
    ADD COLUMN planned_for date,
    ADD COLUMN window_opens_at timestamptz,
    ADD COLUMN window_closes_at timestamptz,
    ADD COLUMN sla_notified varchar(8) NOT NULL DEFAULT 'ok'
        CONSTRAINT work_order_sla_notified CHECK (sla_notified IN ('ok', 'warning', 'breached')),
    ADD COLUMN reoffered_at timestamptz,
    ADD COLUMN signer_name varchar(120),
    ADD COLUMN signature bytea,
    ADD COLUMN signed_at timestamptz;
-- Never twice for the same device and day, whichever worker runs the clock (a cancelled one
-- may come again once its contract resumes).
CREATE UNIQUE INDEX work_order_plan_once_idx ON work_order (device, planned_for)
    WHERE planned_for IS NOT NULL AND status <> 'cancelled';
CREATE INDEX work_order_contract_idx ON work_order (contract) WHERE contract IS NOT NULL;
CREATE INDEX work_order_window_idx ON work_order (window_opens_at) WHERE status = 'planned';
CREATE INDEX work_order_sla_idx ON work_order (id)
    WHERE status IN ('new', 'offered', 'accepted', 'en_route', 'on_site')
      AND sla_notified <> 'breached';

ALTER TABLE work_order_event ADD COLUMN reason varchar(12) DEFAULT NULL
    CONSTRAINT work_order_event_reason CHECK (
        reason IN ('too_far', 'no_parts', 'no_skill', 'off_shift', 'other'));

-- Photos of the work, before and after, stripped of their metadata; served from here.
CREATE TABLE work_order_photo (
    id serial PRIMARY KEY,
    work_order integer NOT NULL REFERENCES work_order ON UPDATE CASCADE ON DELETE CASCADE,
    stage varchar(6) NOT NULL DEFAULT 'after'
        CONSTRAINT work_order_photo_stage CHECK (stage IN ('before', 'after')),
    content_type varchar(12) NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    data bytea NOT NULL,
    taken_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX work_order_photo_job_idx ON work_order_photo (work_order, id);

-- Work paused on site (waiting for a part, the customer away): not counted as work minutes.
CREATE TABLE work_order_pause (
    id serial PRIMARY KEY,
    work_order integer NOT NULL REFERENCES work_order ON UPDATE CASCADE ON DELETE CASCADE,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    reason varchar(200) NOT NULL
);
CREATE UNIQUE INDEX work_order_pause_one_open_idx ON work_order_pause (work_order)
    WHERE ended_at IS NULL;
"""

SCHEMA = [CONTRACTS, WORK_ORDERS]

DROP_SCHEMA = """
DROP TABLE work_order_pause, work_order_photo;
ALTER TABLE work_order_event DROP COLUMN reason;
ALTER TABLE work_order DROP COLUMN contract, DROP COLUMN planned_for,
    DROP COLUMN window_opens_at, DROP COLUMN window_closes_at, DROP COLUMN sla_notified,
    DROP COLUMN reoffered_at, DROP COLUMN signer_name, DROP COLUMN signature,
    DROP COLUMN signed_at;
ALTER TABLE product DROP COLUMN signature_required;
DROP TABLE service_contract_device, service_contract;
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
