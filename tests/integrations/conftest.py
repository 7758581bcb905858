"""Integrations tests' set-up: hooks may point at a receiver on http://127.0.0.1 (the outbound
guard's allow list, backend/outbound.py), and the background sends a test set off are finished
before the next test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backend import tasks
from backend.settings import get_settings
from tests.support.push_receiver import PushReceiver


@pytest.fixture(autouse=True)
async def allow_private(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setenv("FIELDLINE_OUTBOUND_ALLOW_HTTP", "1")
    monkeypatch.setenv("FIELDLINE_OUTBOUND_ALLOW", "push.example.com,127.0.0.0/8")
    get_settings.cache_clear()
    yield
    await tasks.drain()
    monkeypatch.undo()
    get_settings.cache_clear()


def refuse_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the guard refuses loopback, as in production."""
    monkeypatch.setenv("FIELDLINE_OUTBOUND_ALLOW", "push.example.com")
    get_settings.cache_clear()


@pytest.fixture
async def receiver() -> AsyncIterator[PushReceiver]:
    async with PushReceiver() as server:
        yield server
