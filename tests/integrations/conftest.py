"""Integrations tests' set-up: hooks may point at a receiver on 127.0.0.1, and the background
sends a test set off are finished before the next test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend import tasks
from tests.support.push_receiver import PushReceiver


@pytest.fixture(autouse=True)
async def allow_private(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setenv("FIELDLINE_WEBHOOK_ALLOW_PRIVATE", "1")
    yield
    await tasks.drain()


@pytest.fixture
async def receiver() -> AsyncIterator[PushReceiver]:
    async with PushReceiver() as server:
        yield server
