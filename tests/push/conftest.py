"""Push tests' set-up: push services on plain HTTP allowed, no retry delays, a push receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend import tasks
from backend.push import service
from tests.support.outbound import allowing
from tests.support.push_receiver import PushReceiver


@pytest.fixture(autouse=True)
async def push_setup(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(service, "RETRY_DELAYS", (0.0, 0.0))
    # The api fixture empties app_secret: a key pair cached by an earlier test is not stored.
    monkeypatch.setattr(service, "_signer", None)
    with allowing("127.0.0.1", http=True):  # the receiver is http://127.0.0.1
        yield
        await tasks.drain()


@pytest.fixture
async def receiver() -> AsyncIterator[PushReceiver]:
    async with PushReceiver() as push_service:
        yield push_service
