"""Bodies of the Web Push API: a browser's PushSubscription exactly as its toJSON() gives it."""

from __future__ import annotations

from typing import Annotated

import msgspec

from backend.schemas import Input

# 2048 keeps the unique btree index on endpoint well under PostgreSQL's ~2700-byte entry limit.
Endpoint = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]
P256dh = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
AuthSecret = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class SubscriptionKeys(Input):
    p256dh: P256dh
    auth: AuthSecret


class SubscriptionIn(Input):
    """`JSON.stringify(subscription)`; browsers add expirationTime (usually null): read, unused."""

    endpoint: Endpoint
    keys: SubscriptionKeys
    expiration_time: float | None = msgspec.field(default=None, name="expirationTime")


class UnsubscribeIn(Input):
    """The same shape as SubscriptionIn, or just {endpoint}: only the endpoint matters."""

    endpoint: Endpoint
    keys: SubscriptionKeys | None = None
    expiration_time: float | None = msgspec.field(default=None, name="expirationTime")


class SubscriptionOut(msgspec.Struct):
    endpoint: str


class PublicKeyOut(msgspec.Struct):
    """The VAPID key for `pushManager.subscribe({applicationServerKey})`: base64url, 65 bytes."""

    public_key: str
