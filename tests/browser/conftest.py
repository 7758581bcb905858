"""Browser tests' fixtures: a real server (uvicorn in a subprocess, on the test database) and
phone-sized pages in Chromium (tests/support/chromium.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Page

from tests.support.chromium import chromium
from tests.support.servers import ServerFailed, app_server


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free port; it opens its own pool and dispatch clock."""
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    try:
        with app_server(database_url, log) as (url, _):
            yield url
    except ServerFailed as failed:
        pytest.fail(str(failed))


@asynccontextmanager
async def _phone(locale: str) -> AsyncIterator[Page]:
    """A phone-sized page; the API's 4xx that the page handles are no console error."""
    async with chromium(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=locale,
        may_fail=("/api/public/",),
    ) as (_, page):
        yield page


@pytest.fixture
async def phone() -> AsyncIterator[Page]:
    """A phone-sized Chromium page speaking English (Accept-Language en-US)."""
    async with _phone("en-US") as page:
        yield page


@pytest.fixture
async def chinese_phone() -> AsyncIterator[Page]:
    """The same phone set to Simplified Chinese (Accept-Language zh-CN)."""
    async with _phone("zh-CN") as page:
        yield page
