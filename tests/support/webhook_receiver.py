"""A webhook receiver's side, written from ../shared/API.md: check Fieldline-Signature and read
the event (hooks point at tests/support/push_receiver.PushReceiver, which records requests)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from tests.support.push_receiver import Received

TOLERANCE = 300  # seconds a receiver accepts between the signature's t and its own clock


def verify(request: Received, secret: str) -> dict[str, Any]:
    """The event, once the signature checks out (else ValueError): v1 is the hex HMAC-SHA256 of
    "<t>.<raw body>" with the hook's secret, and t is recent."""
    params = dict(item.split("=", 1) for item in request.headers["fieldline-signature"].split(","))
    timestamp = int(params["t"])
    if abs(time.time() - timestamp) > TOLERANCE:
        raise ValueError(f"signature time {timestamp} is too far from now")
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, params["v1"]):
        raise ValueError("signature does not match the body")
    event: dict[str, Any] = json.loads(request.body)
    if event["id"] != request.headers["fieldline-event-id"]:
        raise ValueError("the event id header and the body disagree")
    return event
