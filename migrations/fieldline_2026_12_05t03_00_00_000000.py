"""Activity: follow-ups (跟进记录) on an account, lead or opportunity with the contacts they
reached, and tasks made by a person or by a reminder rule.

Lengths here are the ones backend/activity/schemas.py accepts, exactly.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-05T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "activity: follow-ups and their contacts, tasks"

FOLLOW_UPS = """
-- What was said, how, and when to come back. `account` is the account the follow-up concerns
-- (an opportunity's, a converted lead's), so the timeline reads one index; a follow-up on the
-- account itself has neither lead nor opportunity. A visit's check-out and a completed work
-- order each make at most one (the unique indexes below).
CREATE TABLE follow_up (
    id serial PRIMARY KEY,
    account integer REFERENCES account ON UPDATE CASCADE ON DELETE CASCADE,
    lead integer REFERENCES lead ON UPDATE CASCADE ON DELETE CASCADE,
    opportunity integer REFERENCES opportunity ON UPDATE CASCADE ON DELETE CASCADE,
    method varchar(8) NOT NULL CONSTRAINT follow_up_method
        CHECK (method IN ('visit', 'call', 'message', 'email', 'service')),
    content varchar(5000) NOT NULL,
    next_contact_at timestamptz,
    author integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    visit integer REFERENCES visit ON UPDATE CASCADE ON DELETE SET NULL,
    work_order integer REFERENCES work_order ON UPDATE CASCADE ON DELETE SET NULL,
    at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT follow_up_one_subject
        CHECK (num_nonnulls(lead, opportunity) <= 1 AND num_nonnulls(account, lead) >= 1)
);
CREATE INDEX follow_up_account_idx ON follow_up (account, at DESC, id DESC)
    WHERE account IS NOT NULL;
CREATE INDEX follow_up_lead_idx ON follow_up (lead, at DESC) WHERE lead IS NOT NULL;
CREATE INDEX follow_up_opportunity_idx ON follow_up (opportunity, at DESC)
    WHERE opportunity IS NOT NULL;
CREATE INDEX follow_up_author_idx ON follow_up (author, at);
CREATE UNIQUE INDEX follow_up_one_per_visit_idx ON follow_up (visit) WHERE visit IS NOT NULL;
CREATE UNIQUE INDEX follow_up_one_per_work_order_idx ON follow_up (work_order)
    WHERE work_order IS NOT NULL;

CREATE TABLE follow_up_contact (
    follow_up integer NOT NULL REFERENCES follow_up ON UPDATE CASCADE ON DELETE CASCADE,
    contact integer NOT NULL REFERENCES contact ON UPDATE CASCADE ON DELETE CASCADE,
    PRIMARY KEY (follow_up, contact)
);
CREATE INDEX follow_up_contact_contact_idx ON follow_up_contact (contact);
"""

TASKS = """
-- Who must do what by when. `rule` null: a person made it (created_by); else the reminder rule
-- that did. (object_kind, object_id) is what the task is about (an account, lead, opportunity,
-- contract, payment plan line, device, work order or follow-up; no foreign key, the kinds
-- differ); `account` is the account it concerns, for the timeline and for who may see it.
-- A rule never opens a second task on an object while one is open: the unique index says so,
-- whatever runs the clock.
CREATE TABLE task (
    id serial PRIMARY KEY,
    title varchar(200) NOT NULL,
    notes varchar(2000) DEFAULT NULL,
    due_at timestamptz NOT NULL,
    assignee integer NOT NULL REFERENCES app_user ON UPDATE CASCADE ON DELETE CASCADE,
    rule varchar(20) DEFAULT NULL,
    object_kind varchar(14) DEFAULT NULL CONSTRAINT task_object_kind CHECK (object_kind IN
        ('account', 'lead', 'opportunity', 'contract', 'payment_plan', 'device', 'work_order',
         'follow_up')),
    object_id integer,
    account integer REFERENCES account ON UPDATE CASCADE ON DELETE CASCADE,
    created_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- When the reminder went out (Web Push at the due time, once).
    reminded_at timestamptz,
    done_at timestamptz,
    done_by integer REFERENCES app_user ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT task_object_whole CHECK ((object_kind IS NULL) = (object_id IS NULL)),
    CONSTRAINT task_rule_has_object CHECK (rule IS NULL OR object_kind IS NOT NULL)
);
CREATE UNIQUE INDEX task_one_open_per_rule_idx ON task (rule, object_kind, object_id)
    WHERE done_at IS NULL AND rule IS NOT NULL;
-- The rep's Today list: his open tasks by due time.
CREATE INDEX task_assignee_open_idx ON task (assignee, due_at) WHERE done_at IS NULL;
-- The reminder job: open tasks come due and not yet announced.
CREATE INDEX task_unreminded_idx ON task (due_at) WHERE done_at IS NULL AND reminded_at IS NULL;
-- The timeline: tasks done on an account.
CREATE INDEX task_account_done_idx ON task (account, done_at DESC, id DESC)
    WHERE done_at IS NOT NULL;
CREATE INDEX task_object_idx ON task (object_kind, object_id) WHERE done_at IS NULL;
"""

DROP_SCHEMA = "DROP TABLE task, follow_up_contact, follow_up;"


async def _execute(sql: str) -> None:
    # As in the initial migration: asyncpg's execute() runs several statements at once.
    async with engine_finder().transaction() as transaction:
        await transaction.connection.execute(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fieldline", description=DESCRIPTION)

    async def create_schema() -> None:
        await _execute(FOLLOW_UPS)
        await _execute(TASKS)

    async def drop_schema() -> None:
        await _execute(DROP_SCHEMA)

    manager.add_raw(create_schema)
    manager.add_raw_backwards(drop_schema)
    return manager
