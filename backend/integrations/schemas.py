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
