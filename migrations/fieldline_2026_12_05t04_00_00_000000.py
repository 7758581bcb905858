"""Signed webhooks: admins' subscriptions, the outbox of deliveries (one row per subscription and
event, written in the transaction of the change) and every attempt made to send one.

A delivery is due when it is pending, its next_attempt_at has come and no worker holds a lease on
it (leased_until in the past or null): a worker claims rows with FOR UPDATE SKIP LOCKED and sets
the lease, so one that dies mid-send leaves the row to another once the lease runs out.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "integrations: webhooks, their outbox of deliveries, attempts"

SCHEMA = """
CREATE TABLE webhook (
    id serial PRIMARY KEY,
    url varchar(2000) NOT NULL,
    events varchar(40)[] NOT NULL CONSTRAINT webhook_some_events CHECK (cardinality(events) > 0),
    -- The HMAC key, shown once when the hook is made; kept to sign every delivery.
    secret varchar(100) NOT NULL,
    active boolean NOT NULL DEFAULT true,
    disabled_reason varchar(300) DEFAULT NULL,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- emit() looks up the active hooks of one event type in every transaction that emits.
CREATE INDEX webhook_events_idx ON webhook USING gin (events) WHERE active;

CREATE TABLE webhook_delivery (
    id bigserial PRIMARY KEY,
    webhook integer NOT NULL REFERENCES webhook ON UPDATE CASCADE ON DELETE CASCADE,
    -- The event's id: the same for every hook the event goes to, so a receiver drops repeats.
    event_id uuid NOT NULL,
    event_type varchar(40) NOT NULL,
    -- The exact bytes sent (as UTF-8): a retry sends the same body, signed afresh.
    body text NOT NULL,
    status varchar(10) NOT NULL DEFAULT 'pending'
        CONSTRAINT webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts smallint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    leased_until timestamptz DEFAULT NULL,
    last_status smallint DEFAULT NULL,
    last_error varchar(300) DEFAULT NULL,
    delivered_at timestamptz DEFAULT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT webhook_delivery_once UNIQUE (webhook, event_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_delivery_list_idx ON webhook_delivery (webhook, id DESC);

CREATE TABLE webhook_attempt (
    id bigserial PRIMARY KEY,
    delivery bigint NOT NULL REFERENCES webhook_delivery ON UPDATE CASCADE ON DELETE CASCADE,
    at timestamptz NOT NULL,
    status_code smallint DEFAULT NULL,
    error varchar(300) DEFAULT NULL,
    duration_ms integer NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery, at);
"""

DROP_SCHEMA = "DROP TABLE webhook_attempt, webhook_delivery, webhook;"


async def _execute(sql: str) -> None:
    # As in the initial migration: asyncpg's execute() runs several statements at once.
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def create_schema() -> None:
        await _execute(SCHEMA)

    async def drop_schema() -> None:
        await _execute(DROP_SCHEMA)

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
