"""Request and response shapes of the integrations: webhooks and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from backend.integrations.tables import DeliveryStatus, EventType
from backend.schemas import Input

Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Events = Annotated[list[EventType], msgspec.Meta(min_length=1, max_length=len(EventType))]


class WebhookIn(Input):
    url: Url
    events: Events


class WebhookPatch(Input):
    url: Url | UnsetType = UNSET
    events: Events | UnsetType = UNSET
    # true turns a hook disabled by a 410 (or by hand) back on
    active: bool | UnsetType = UNSET


class WebhookOut(msgspec.Struct):
    id: int
    url: str
    events: list[str]
    active: bool
    disabled_reason: str | None
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str  # shown once: the receiver checks Fieldline-Signature with it


class AttemptOut(msgspec.Struct):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(msgspec.Struct):
    id: int
    webhook_id: int
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None  # null once delivered or given up
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    tries: list[AttemptOut]  # every attempt, oldest first (a retry by hand keeps the earlier)


class RowProblem(msgspec.Struct):
    row: int  # the line in the file (the header is line 1)
    field: str
    message: str


class ImportOut(msgspec.Struct):
    id: int
    kind: str
    mode: str  # dry_run | commit
    filename: str
    rows: int
    valid: int
    created: int  # a dry run: what a commit would create, update, skip
    updated: int
    skipped: int
    columns: list[str]
    mapping: dict[str, str | None]  # column → field (null: not imported); send it back corrected
    errors: list[RowProblem]  # the first 1000
    errors_total: int
    skipped_rows: list[RowProblem]  # duplicates of rows we have, rows with no change
    no_position: list[int]  # lines of accounts kept without coordinates (no geocoder is called)
    no_position_total: int
    errors_url: str | None  # the rows in error as .xlsx, with an error column


class ImportRunOut(msgspec.Struct):
    """A past import run, as the list of imports shows it."""

    id: int
    kind: str
    mode: str  # dry_run | commit
    filename: str
    on_duplicate: str  # skip | update
    rows: int
    valid: int
    created: int
    updated: int
    skipped: int
    errors_total: int
    created_by: int | None
    created_by_name: str | None
    created_at: datetime
    errors_url: str | None


class ImportField(msgspec.Struct):
    name: str
    required: bool


class ImportPreview(msgspec.Struct):
    """What a file holds before anything is checked: its columns, the mapping guessed from their
    headers (English or Chinese), the fields the kind takes, and its first rows."""

    kind: str
    filename: str
    rows: int
    columns: list[str]
    mapping: dict[str, str | None]  # column → field (null: not imported)
    fields: list[ImportField]
    missing: list[str]  # required fields no column maps to yet
    sample: list[list[str | None]]  # the first rows' cells, in the columns' order
